"""Login page: sign-in, lockout, identical failure responses, auditing, session fixation,
logout and the ``next`` parameter (docs/security.md, "Identity and sessions")."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.models import User, UserSession
from accounts.services import LOGIN_FAILED_MESSAGE, user_set_active
from audit.choices import AuditAction
from zugong.testing import PASSWORD, PersonaTestCase

from .utils import DASHBOARD_URL, LOGIN_URL, events, last_seq, login, session_exists

WRONG = "Wrong#Pass1"


def _normalised_body(response, username: str) -> str:
    """The page with the per-request CSRF token and the echoed username blanked out."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", body)
    return body.replace(username, "USERNAME")


class LoginTests(PersonaTestCase):
    def lock(self, username: str) -> None:
        client = Client()
        for _ in range(settings.ZUGONG_LOCKOUT_THRESHOLD):
            login(client, username, WRONG)

    def test_it_signs_in_with_the_right_password_and_goes_to_the_dashboard(self):
        client = Client()
        response = login(client, "liaison_a")
        assert response.status_code == 302
        assert response["Location"] == DASHBOARD_URL
        page = client.get(DASHBOARD_URL)
        assert page.status_code == 200
        assert "liaison_a" in page.content.decode()
        assert self.refresh_user(self.liaison_a).last_login is not None

    def test_it_shows_the_login_form(self):
        response = Client().get(LOGIN_URL)
        assert response.status_code == 200
        body = response.content.decode()
        assert 'name="username"' in body
        assert 'name="password"' in body

    def test_it_refuses_a_wrong_password_and_stays_signed_out(self):
        client = Client()
        response = login(client, "liaison_a", WRONG)
        assert response.status_code == 200
        assert LOGIN_FAILED_MESSAGE in response.content.decode()
        assert client.get(DASHBOARD_URL).status_code == 302

    def test_it_locks_the_account_after_five_consecutive_failures(self):
        assert settings.ZUGONG_LOCKOUT_THRESHOLD == 5
        assert settings.ZUGONG_LOCKOUT_MINUTES == 30
        client = Client()
        for _ in range(4):
            login(client, "liaison_a", WRONG)
        assert self.refresh_user(self.liaison_a).locked_until is None
        before = timezone.now()
        login(client, "liaison_a", WRONG)
        locked_until = self.refresh_user(self.liaison_a).locked_until
        assert locked_until is not None
        minutes = (locked_until - before).total_seconds() / 60
        assert 29.9 < minutes <= 30.1

    def test_it_refuses_the_correct_password_while_locked(self):
        self.lock("liaison_a")
        client = Client()
        response = login(client, "liaison_a")
        assert response.status_code == 200
        assert LOGIN_FAILED_MESSAGE in response.content.decode()
        assert client.get(DASHBOARD_URL).status_code == 302
        assert not UserSession.objects.filter(user=self.liaison_a).exists()

    def test_it_lets_the_user_in_again_once_the_lock_has_expired(self):
        self.lock("liaison_a")
        User.objects.filter(pk=self.liaison_a.pk).update(
            locked_until=timezone.now() - dt.timedelta(seconds=1)
        )
        client = Client()
        response = login(client, "liaison_a")
        assert response.status_code == 302
        assert client.get(DASHBOARD_URL).status_code == 200
        assert self.refresh_user(self.liaison_a).locked_until is None

    def test_it_counts_only_consecutive_failures(self):
        client = Client()
        for _ in range(4):
            login(client, "liaison_a", WRONG)
        assert login(client, "liaison_a").status_code == 302
        client.post("/accounts/logout/")
        for _ in range(4):
            login(client, "liaison_a", WRONG)
        assert self.refresh_user(self.liaison_a).locked_until is None
        assert login(client, "liaison_a").status_code == 302

    def test_it_gives_the_same_response_for_unknown_wrong_locked_and_disabled(self):
        self.lock("outsider_b")
        user_set_active(acting_user=self.sysadmin, user=self.leader, active=False)
        cases = {
            "unknown": ("ghost_user", PASSWORD),
            "wrong password": ("liaison_a", WRONG),
            "locked": ("outsider_b", PASSWORD),
            "disabled": ("leader", PASSWORD),
        }
        bodies = {}
        for case, (username, password) in cases.items():
            response = login(Client(), username, password)
            assert response.status_code == 200, case
            body = response.content.decode()
            alerts = re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div>', body)
            assert alerts == [LOGIN_FAILED_MESSAGE], case
            bodies[case] = _normalised_body(response, username)
        assert len(set(bodies.values())) == 1

    def test_it_audits_a_successful_login(self):
        start = last_seq()
        client = Client()
        login(client, "liaison_a", REMOTE_ADDR="10.1.2.3")
        [event] = events(seq__gt=start, action=AuditAction.LOGIN)
        assert event.actor_id == self.liaison_a.pk
        assert event.object_id == str(self.liaison_a.pk)
        assert event.ip == "10.1.2.3"
        assert event.channel == "web"

    def test_it_audits_a_wrong_password(self):
        start = last_seq()
        login(Client(), "liaison_a", WRONG)
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.LOGIN_FAILED
        assert event.object_id == str(self.liaison_a.pk)
        assert event.actor_id is None
        assert event.changes == {"reason": "bad_password"}

    def test_it_audits_an_unknown_user(self):
        start = last_seq()
        login(Client(), "ghost_user", PASSWORD)
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.LOGIN_FAILED
        assert event.object_repr == "ghost_user"
        assert event.changes == {"reason": "unknown_user"}

    def test_it_audits_the_lock_and_each_attempt_while_locked(self):
        start = last_seq()
        self.lock("liaison_a")
        actions = [e.action for e in events(seq__gt=start)]
        assert actions == [AuditAction.LOGIN_FAILED] * 5 + [AuditAction.LOCKED]
        middle = last_seq()
        login(Client(), "liaison_a")
        [event] = events(seq__gt=middle)
        assert event.action == AuditAction.LOGIN_FAILED
        assert event.changes == {"reason": "locked"}

    def test_it_audits_a_disabled_account_attempt(self):
        user_set_active(acting_user=self.sysadmin, user=self.leader, active=False)
        start = last_seq()
        login(Client(), "leader")
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.LOGIN_FAILED
        assert event.changes == {"reason": "inactive"}

    def test_it_gives_a_new_session_key_at_login(self):
        client = Client()
        session = client.session
        session["probe"] = "before login"
        session.save()
        before = session.session_key
        login(client, "liaison_a")
        after = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert after != before
        assert not session_exists(before)
        assert session_exists(after)
        assert UserSession.objects.filter(user=self.liaison_a, session_key=after).exists()

    def test_it_ends_the_session_server_side_at_logout_and_audits_it(self):
        client = Client()
        login(client, "liaison_a")
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert session_exists(key)
        start = last_seq()
        response = client.post("/accounts/logout/")
        assert response.status_code == 302
        assert response["Location"] == LOGIN_URL
        assert not Session.objects.filter(session_key=key).exists()
        assert not UserSession.objects.filter(session_key=key).exists()
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.LOGOUT
        assert event.actor_id == self.liaison_a.pk
        assert client.get(DASHBOARD_URL).status_code == 302

    def test_it_refuses_logout_by_get(self):
        client = Client()
        login(client, "liaison_a")
        assert client.get("/accounts/logout/").status_code == 405
        assert client.get(DASHBOARD_URL).status_code == 200

    def test_it_ignores_a_next_parameter_pointing_to_another_host(self):
        for target in ("https://evil.example/steal", "//evil.example/", "http:///evil.example"):
            client = Client()
            response = client.post(
                f"{LOGIN_URL}?next={target}", {"username": "liaison_a", "password": PASSWORD}
            )
            assert response.status_code == 302
            assert response["Location"] == DASHBOARD_URL, target

    def test_it_follows_a_next_parameter_on_this_site(self):
        client = Client()
        response = client.post(
            LOGIN_URL, {"username": "liaison_a", "password": PASSWORD, "next": "/orgs/"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/orgs/"

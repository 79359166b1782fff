"""TOTP second factor for privileged roles (docs/security.md, "Identity and sessions")."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pyotp
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import User
from accounts.services import totp_code_issue
from accounts.views import PENDING_SECRET
from audit.choices import AuditAction
from core.crypto import decrypt_text
from zugong.testing import PersonaTestCase

from .utils import DASHBOARD_URL, events, last_seq, login

TOTP_URL = "/accounts/login/totp/"


def _wrong_code(secret: str) -> str:
    """A six-digit code that the page would not accept now (with margin around the window)."""
    totp = pyotp.TOTP(secret)
    return next(c for c in ("000000", "111111", "222222") if not totp.verify(c, valid_window=3))


def _post_next_code(client: Client, secret: str, username: str = "sysadmin"):
    """Post the code of the first time step not used yet, as if that 30 s window had come
    (a code is accepted only once, so a second login needs a later step)."""
    last = User.objects.get(username=username).totp_last_step
    totp = pyotp.TOTP(secret)
    step = max(totp.timecode(timezone.now()), last + 1)
    at = dt.datetime.fromtimestamp(step * totp.interval + 1, tz=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return client.post(TOTP_URL, {"code": totp.generate_otp(step)})


@override_settings(ZUGONG_TOTP_REQUIRED_ROLES=["sysadmin"])
class TotpTests(PersonaTestCase):
    def start_login(self) -> Client:
        """Password step; a first enrolment also takes the 安全管理员's enrolment code
        (test_totp_enrolment.py tests that step itself)."""
        client = Client()
        response = login(client, "sysadmin")
        assert response.status_code == 302
        assert response["Location"] == TOTP_URL
        if not User.objects.get(username="sysadmin").totp_confirmed_at:
            code = totp_code_issue(acting_user=self.secadmin, user=self.sysadmin)
            taken = client.post(TOTP_URL, {"enrol_code": code})
            assert taken.status_code == 302, taken.content.decode()[:300]
        return client

    def enrol(self) -> str:
        client = self.start_login()
        client.get(TOTP_URL)
        secret = client.session[PENDING_SECRET]
        response = client.post(TOTP_URL, {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302
        client.post("/accounts/logout/")
        return secret

    def test_it_asks_the_sysadmin_for_a_code_after_the_password(self):
        client = self.start_login()
        page = client.get(TOTP_URL)
        assert page.status_code == 200
        body = page.content.decode()
        assert "<svg" in body
        assert client.session[PENDING_SECRET] in body
        assert client.get(DASHBOARD_URL).status_code == 302
        assert client.get("/accounts/users/").status_code == 302

    def test_it_signs_the_sysadmin_in_after_a_valid_code(self):
        client = self.start_login()
        client.get(TOTP_URL)
        secret = client.session[PENDING_SECRET]
        start = last_seq()
        response = client.post(TOTP_URL, {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302
        assert response["Location"] == DASHBOARD_URL
        assert client.get("/accounts/users/").status_code == 200
        actions = [e.action for e in events(seq__gt=start)]
        assert actions == [AuditAction.SECOND_FACTOR, AuditAction.UPDATE, AuditAction.LOGIN]

    def test_it_refuses_a_wrong_code(self):
        client = self.start_login()
        client.get(TOTP_URL)
        secret = client.session[PENDING_SECRET]
        response = client.post(TOTP_URL, {"code": _wrong_code(secret)})
        assert response.status_code == 200
        assert "动态口令不正确或已过期" in response.content.decode()
        assert client.get(DASHBOARD_URL).status_code == 302
        user = self.refresh_user(self.sysadmin)
        assert user.totp_confirmed_at is None
        assert user.totp_secret == ""

    def test_it_refuses_a_malformed_code(self):
        client = self.start_login()
        response = client.post(TOTP_URL, {"code": "12ab"})
        assert response.status_code == 200
        assert "请输入 6 位数字动态口令" in response.content.decode()
        assert client.get(DASHBOARD_URL).status_code == 302

    def test_it_stores_the_secret_encrypted_after_enrolment(self):
        secret = self.enrol()
        user = self.refresh_user(self.sysadmin)
        assert user.totp_confirmed_at is not None
        assert user.totp_secret.startswith("zg1$")
        assert secret not in user.totp_secret
        assert decrypt_text(user.totp_secret, purpose="accounts.User.totp_secret") == secret

    def test_it_asks_an_enrolled_user_for_a_code_at_the_next_login(self):
        secret = self.enrol()
        client = self.start_login()
        page = client.get(TOTP_URL)
        body = page.content.decode()
        assert secret not in body
        assert "<svg" not in body
        assert PENDING_SECRET not in client.session
        wrong = client.post(TOTP_URL, {"code": _wrong_code(secret)})
        assert wrong.status_code == 200
        assert client.get(DASHBOARD_URL).status_code == 302
        response = _post_next_code(client, secret)
        assert response.status_code == 302
        assert client.get("/accounts/users/").status_code == 200

    def test_it_refuses_a_code_that_was_already_used(self):
        secret = self.enrol()
        used_step = self.refresh_user(self.sysadmin).totp_last_step
        replay = pyotp.TOTP(secret).generate_otp(used_step)
        client = self.start_login()
        assert client.post(TOTP_URL, {"code": replay}).status_code == 200
        assert client.get(DASHBOARD_URL).status_code == 302
        assert _post_next_code(client, secret).status_code == 302

    def test_it_keeps_asking_an_enrolled_user_even_if_the_setting_is_turned_off(self):
        self.enrol()
        with override_settings(ZUGONG_TOTP_REQUIRED_ROLES=[]):
            response = login(Client(), "sysadmin")
        assert response["Location"] == TOTP_URL

    def test_it_does_not_ask_other_roles(self):
        for name in ("secadmin", "auditor", "clerk", "liaison_a"):
            client = Client()
            response = login(client, name)
            assert response.status_code == 302, name
            assert response["Location"] == DASHBOARD_URL, name
            assert client.get(DASHBOARD_URL).status_code == 200, name

    def test_it_sends_a_visitor_without_a_password_step_back_to_login(self):
        response = Client().get(TOTP_URL)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"

    def test_it_changes_the_session_key_when_the_code_is_accepted(self):
        client = self.start_login()
        client.get(TOTP_URL)
        pending_key = client.session.session_key
        secret = client.session[PENDING_SECRET]
        client.post(TOTP_URL, {"code": pyotp.TOTP(secret).now()})
        assert client.session.session_key != pending_key

    def test_it_audits_a_wrong_code(self):
        client = self.start_login()
        client.get(TOTP_URL)
        secret = client.session[PENDING_SECRET]
        start = last_seq()
        client.post(TOTP_URL, {"code": _wrong_code(secret)})
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.LOGIN_FAILED
        assert event.object_id == str(self.sysadmin.pk)
        assert event.changes == {"reason": "bad_totp"}

    def test_it_locks_the_account_after_five_wrong_codes(self):
        secret = self.enrol()
        client = self.start_login()
        wrong = _wrong_code(secret)
        for _ in range(4):
            assert client.post(TOTP_URL, {"code": wrong}).status_code == 200
        start = last_seq()
        response = client.post(TOTP_URL, {"code": wrong})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"
        actions = [e.action for e in events(seq__gt=start)]
        assert actions == [AuditAction.LOGIN_FAILED, AuditAction.LOCKED]
        assert self.refresh_user(self.sysadmin).locked_until is not None
        response = client.post(TOTP_URL, {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"
        assert client.get(DASHBOARD_URL).status_code == 302
        assert login(Client(), "sysadmin").status_code == 200

    def test_it_does_not_reset_the_failure_count_by_signing_in_with_the_password_again(self):
        secret = self.enrol()
        wrong = _wrong_code(secret)
        for _ in range(2):
            client = self.start_login()
            client.post(TOTP_URL, {"code": wrong})
            client.post(TOTP_URL, {"code": wrong})
        client = self.start_login()
        response = client.post(TOTP_URL, {"code": wrong})
        assert response["Location"] == "/accounts/login/"
        assert self.refresh_user(self.sysadmin).locked_until is not None

    def test_it_clears_the_failure_count_once_the_code_is_right(self):
        secret = self.enrol()
        wrong = _wrong_code(secret)
        for _ in range(2):
            client = self.start_login()
            for _ in range(4):
                client.post(TOTP_URL, {"code": wrong})
            assert _post_next_code(client, secret).status_code == 302
            assert self.refresh_user(self.sysadmin).failed_login_count == 0
            client.post("/accounts/logout/")
        assert self.refresh_user(self.sysadmin).locked_until is None

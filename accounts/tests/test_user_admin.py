"""系统管理员 pages: create, edit, disable, unlock, reset password; nobody else gets in."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils.html import escape

from accounts.models import ApiToken, User, UserSession
from accounts.services import api_token_create, user_update
from audit.choices import AuditAction
from core.idnumber import check_char
from zugong.testing import PASSWORD, PersonaTestCase

from .utils import DASHBOARD_URL, LOGIN_URL, events, last_seq, login, signed_in_client

ID_BODY = "11010519491231002"
ID_NUMBER = ID_BODY + check_char(ID_BODY)


def _one_time_password(body: str, marker: str) -> str:
    match = re.search(marker + r"([^（<\s]+)（仅显示", body)
    assert match is not None, body
    # The page shows the password HTML-escaped (it may contain & or similar).
    return match.group(1).replace("&amp;", "&")


class UserCreateTests(PersonaTestCase):
    def create_on_page(self, **overrides):
        data = {
            "username": "zhangsan",
            "full_name": "张三",
            "unit": self.units["a"].code,
            "phone": "13800000000",
            "id_number": "",
        }
        data.update(overrides)
        return self.client_for(self.sysadmin).post("/accounts/users/new/", data, follow=True)

    def test_it_creates_a_user_and_shows_the_one_time_password_once(self):
        start = last_seq()
        response = self.create_on_page()
        assert response.status_code == 200
        user = User.objects.get(username="zhangsan")
        assert response.redirect_chain[-1][0] == f"/accounts/users/{user.pk}/"
        raw = _one_time_password(response.content.decode(), "初始密码：")
        assert user.check_password(raw)
        assert user.must_change_password is True
        assert user.unit == self.units["a"]
        again = self.client_for(self.sysadmin).get(f"/accounts/users/{user.pk}/")
        assert escape(raw) not in again.content.decode()
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.CREATE
        assert event.actor_id == self.sysadmin.pk
        assert event.object_type == "accounts.User"
        assert event.object_id == str(user.pk)
        assert event.changes["after"]["username"] == "zhangsan"

    def test_it_makes_the_new_user_change_the_password_at_first_login(self):
        response = self.create_on_page()
        raw = _one_time_password(response.content.decode(), "初始密码：")
        client = Client()
        assert login(client, "zhangsan", raw).status_code == 302
        response = client.get(DASHBOARD_URL)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/"

    def test_it_refuses_a_duplicate_username(self):
        response = self.create_on_page(username="LIAISON_A")
        assert "该账号已存在" in response.content.decode()
        assert User.objects.filter(username__iexact="liaison_a").count() == 1

    def test_it_stores_the_id_number_encrypted_and_shows_it_masked(self):
        self.create_on_page(id_number=ID_NUMBER)
        user = User.objects.get(username="zhangsan")
        assert str(user.id_number) == ID_NUMBER
        page = self.client_for(self.sysadmin).get(f"/accounts/users/{user.pk}/")
        body = page.content.decode()
        assert ID_NUMBER not in body
        assert ID_NUMBER[:6] + "********" + ID_NUMBER[-4:] in body


class UserEditTests(PersonaTestCase):
    def post_edit(self, version: int, full_name: str):
        target = self.refresh_user(self.liaison_a)
        return self.client_for(self.sysadmin).post(
            f"/accounts/users/{target.pk}/",
            {
                "full_name": full_name,
                "unit": self.units["a"].code,
                "phone": "",
                "id_number": "",
                "version": version,
            },
        )

    def test_it_saves_an_edit_with_the_current_version(self):
        version = self.refresh_user(self.liaison_a).version
        response = self.post_edit(version, "联络员甲")
        assert response.status_code == 302
        target = self.refresh_user(self.liaison_a)
        assert target.full_name == "联络员甲"
        assert target.version == version + 1

    def test_it_refuses_an_edit_with_a_stale_version(self):
        stale = self.refresh_user(self.liaison_a).version
        user_update(
            acting_user=self.sysadmin,
            user=self.refresh_user(self.liaison_a),
            version=stale,
            full_name="他人改的",
        )
        start = last_seq()
        response = self.post_edit(stale, "我改的")
        assert response.status_code == 200
        assert "该账户已被他人修改，请刷新后重试" in response.content.decode()
        assert self.refresh_user(self.liaison_a).full_name == "他人改的"
        assert events(seq__gt=start) == []


class DisableTests(PersonaTestCase):
    def disable(self, user: User):
        return self.client_for(self.sysadmin).post(f"/accounts/users/{user.pk}/disable/")

    def test_it_ends_the_users_sessions_at_once_when_disabled(self):
        target = signed_in_client("liaison_a")
        other = signed_in_client("liaison_a")
        keys = [c.cookies[settings.SESSION_COOKIE_NAME].value for c in (target, other)]
        assert target.get(DASHBOARD_URL).status_code == 200
        start = last_seq()
        response = self.disable(self.liaison_a)
        assert response.status_code == 302
        assert not Session.objects.filter(session_key__in=keys).exists()
        assert not UserSession.objects.filter(user=self.liaison_a).exists()
        after = target.get("/orgs/")
        assert after.status_code == 302
        assert after["Location"].startswith(LOGIN_URL)
        assert self.refresh_user(self.liaison_a).is_active is False
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.UPDATE
        assert event.actor_id == self.sysadmin.pk
        assert event.changes["after"] == {"is_active": False}
        assert event.changes["sessions_ended"] == 2

    def test_it_ends_a_session_whose_key_changed_at_a_password_change(self):
        target = signed_in_client("liaison_a")
        response = target.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password": "Qz7#kmwpx", "new_password2": "Qz7#kmwpx"},
        )
        assert response.status_code == 302
        key = target.cookies[settings.SESSION_COOKIE_NAME].value
        assert target.get(DASHBOARD_URL).status_code == 200
        self.disable(self.liaison_a)
        assert not Session.objects.filter(session_key=key).exists()
        assert target.get(DASHBOARD_URL).status_code == 302

    def test_it_revokes_the_users_api_tokens_when_disabled(self):
        _, raw = api_token_create(acting_user=self.liaison_a, name="报表")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        assert Client().get("/api/v1/me", **auth).status_code == 200
        self.disable(self.liaison_a)
        assert ApiToken.objects.get(user=self.liaison_a).revoked_at is not None
        assert Client().get("/api/v1/me", **auth).status_code == 401

    def test_it_refuses_to_disable_the_sysadmin_themself(self):
        response = self.client_for(self.sysadmin).post(
            f"/accounts/users/{self.sysadmin.pk}/disable/", follow=True
        )
        assert "不能停用自己的账户" in response.content.decode()
        assert self.refresh_user(self.sysadmin).is_active is True

    def test_it_enables_a_disabled_user_again(self):
        self.disable(self.liaison_a)
        self.client_for(self.sysadmin).post(f"/accounts/users/{self.liaison_a.pk}/enable/")
        assert self.refresh_user(self.liaison_a).is_active is True
        assert login(Client(), "liaison_a").status_code == 302


class UnlockAndResetTests(PersonaTestCase):
    def test_it_unlocks_a_locked_user_and_audits_it(self):
        for _ in range(settings.ZUGONG_LOCKOUT_THRESHOLD):
            login(Client(), "liaison_a", "Wrong#Pass1")
        assert self.refresh_user(self.liaison_a).locked_until is not None
        start = last_seq()
        response = self.client_for(self.sysadmin).post(
            f"/accounts/users/{self.liaison_a.pk}/unlock/", follow=True
        )
        assert "已解除 liaison_a 的锁定" in response.content.decode()
        assert self.refresh_user(self.liaison_a).locked_until is None
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.UPDATE
        assert event.actor_id == self.sysadmin.pk
        assert event.object_id == str(self.liaison_a.pk)
        assert event.changes == {"after": {"locked_until": None}}
        assert login(Client(), "liaison_a").status_code == 302

    def test_it_resets_the_password_and_audits_it(self):
        target = signed_in_client("liaison_a")
        start = last_seq()
        response = self.client_for(self.sysadmin).post(
            f"/accounts/users/{self.liaison_a.pk}/reset/", follow=True
        )
        raw = _one_time_password(response.content.decode(), "临时密码第一段：")
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.PASSWORD_RESET
        assert event.actor_id == self.sysadmin.pk
        assert event.object_id == str(self.liaison_a.pk)
        assert raw not in str(event.changes)
        user = self.refresh_user(self.liaison_a)
        assert user.must_change_password is True
        assert not user.check_password(PASSWORD)
        assert target.get(DASHBOARD_URL).status_code == 302
        fresh = Client()
        assert login(fresh, "liaison_a", PASSWORD).status_code == 200
        # The 系统管理员's part alone does not sign in (test_reset_handover.py: the second part
        # comes from the 安全管理员's confirmation).
        assert login(fresh, "liaison_a", raw).status_code == 200


class ResetEndsAccessTests(PersonaTestCase):
    """A reset, like disabling, revokes every API token and ends every session (issue 12,
    item 2): whoever held the old password or a token made with it is out at once."""

    def test_a_reset_revokes_every_token_and_ends_every_session(self):
        _, raw = api_token_create(acting_user=self.clerk, name="报表")
        _, other = api_token_create(acting_user=self.clerk, name="脚本")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        assert Client().get("/api/v1/cadres", **auth).status_code == 200
        browser = signed_in_client("clerk")
        key = browser.cookies[settings.SESSION_COOKIE_NAME].value
        start = last_seq()
        self.client_for(self.sysadmin).post(f"/accounts/users/{self.clerk.pk}/reset/")
        assert Client().get("/api/v1/cadres", **auth).status_code == 401
        other_auth = {"HTTP_AUTHORIZATION": f"Bearer {other}"}
        assert Client().get("/api/v1/cadres", **other_auth).status_code == 401
        assert not ApiToken.objects.filter(user=self.clerk, revoked_at__isnull=True).exists()
        assert not Session.objects.filter(session_key=key).exists()
        assert browser.get(DASHBOARD_URL).status_code == 302
        [event] = [e for e in events(seq__gt=start) if e.action == AuditAction.PASSWORD_RESET]
        assert event.changes["tokens_revoked"] == 2
        assert event.changes["sessions_ended"] == 1


class UserAdminAccessTests(PersonaTestCase):
    OUTSIDERS = ("secadmin", "auditor", "clerk", "liaison_a", "outsider_b", "leader", "nobody")

    def test_it_shows_the_user_list_to_the_sysadmin(self):
        response = self.client_for(self.sysadmin).get("/accounts/users/")
        assert response.status_code == 200
        assert "liaison_a" in response.content.decode()

    def test_it_gives_every_other_persona_404_on_the_user_pages(self):
        pk = self.liaison_a.pk
        for name in self.OUTSIDERS:
            client = self.client_for(getattr(self, name))
            for url in ("/accounts/users/", f"/accounts/users/{pk}/", "/accounts/users/new/"):
                assert client.get(url).status_code == 404, (name, url)
            for url in (f"/accounts/users/{pk}/", "/accounts/users/new/"):
                response = client.post(url, {"username": "x", "full_name": "篡改"})
                assert response.status_code == 404, (name, url)

    def test_it_gives_every_other_persona_404_on_the_user_actions(self):
        target = signed_in_client("liaison_a")
        start = last_seq()
        for name in self.OUTSIDERS:
            if name == "liaison_a":
                continue
            client = self.client_for(getattr(self, name))
            for verb in ("disable", "enable", "unlock", "reset"):
                url = f"/accounts/users/{self.liaison_a.pk}/{verb}/"
                assert client.post(url).status_code == 404, (name, verb)
        user = self.refresh_user(self.liaison_a)
        assert user.is_active is True
        assert user.check_password(PASSWORD)
        assert target.get(DASHBOARD_URL).status_code == 200
        assert events(seq__gt=start) == []

    def test_it_sends_an_anonymous_visitor_to_the_login_page(self):
        response = Client().get("/accounts/users/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)

"""Password policy and forced changes (docs/security.md, "Identity and sessions")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.services import password_change
from audit.choices import AuditAction
from zugong.testing import PASSWORD, PersonaTestCase, make_user

from .utils import DASHBOARD_URL, events, last_seq, login

PASSWORD_URL = "/accounts/password/"
HISTORY = [f"Rotate#{n}x{n}" for n in range(1, 8)]


class PasswordPolicyTests(PersonaTestCase):
    def change_on_page(self, client, old: str, new: str, confirm: str | None = None):
        return client.post(
            PASSWORD_URL,
            {"old_password": old, "new_password": new, "new_password2": confirm or new},
        )

    def assert_refused(self, new: str, expected: str) -> None:
        client = self.client_for(self.liaison_a)
        response = self.change_on_page(client, PASSWORD, new)
        assert response.status_code == 200
        errors = response.context["form"].errors["new_password"]
        assert any(expected in e for e in errors), errors
        body = response.content.decode()
        assert any(expected in line for line in body.splitlines() if "invalid-feedback" in line)
        assert self.refresh_user(self.liaison_a).check_password(PASSWORD)

    def test_it_refuses_a_password_shorter_than_8_characters(self):
        # Django 5.2's zh_Hans catalogue no longer matches this message (it shows in English);
        # what matters here is that the length rule refuses it.
        self.assert_refused("Ab1!xyz", "8")

    def test_it_accepts_exactly_8_characters_with_3_classes(self):
        client = self.client_for(self.liaison_a)
        response = self.change_on_page(client, PASSWORD, "Qz7#kmwp")
        assert response.status_code == 302
        assert self.refresh_user(self.liaison_a).check_password("Qz7#kmwp")

    def test_it_refuses_fewer_than_3_character_classes(self):
        self.assert_refused("qzkmwpvrt7", "3 类")

    def test_it_refuses_a_common_password(self):
        self.assert_refused("Password123", "这个密码太常见了")
        self.assert_refused("password", "这个密码太常见了")

    def test_it_refuses_the_current_and_each_of_the_last_5_passwords(self):
        user = self.liaison_a
        current = PASSWORD
        for new in HISTORY[:5]:
            password_change(user=user, old_password=current, new_password=new)
            current = new
        # Current: HISTORY[4]; history: HISTORY[3..0] and PASSWORD.
        for old in [PASSWORD, *HISTORY[:5]]:
            with pytest.raises(ValidationError) as info:
                password_change(user=user, old_password=current, new_password=old)
            assert "不能使用最近 5 次用过的密码" in info.value.messages
        assert self.refresh_user(user).check_password(current)

    def test_it_refuses_reuse_through_the_page(self):
        client = self.client_for(self.liaison_a)
        current = PASSWORD
        for new in HISTORY[:3]:
            assert self.change_on_page(client, current, new).status_code == 302
            current = new
        response = self.change_on_page(client, current, PASSWORD)
        assert response.status_code == 200
        assert "不能使用最近 5 次用过的密码" in response.content.decode()
        assert self.refresh_user(self.liaison_a).check_password(current)

    def test_it_allows_a_password_again_once_it_is_older_than_the_last_5(self):
        user = self.liaison_a
        current = PASSWORD
        for new in HISTORY[:6]:
            password_change(user=user, old_password=current, new_password=new)
            current = new
        password_change(user=user, old_password=current, new_password=PASSWORD)
        assert self.refresh_user(user).check_password(PASSWORD)

    def test_it_reports_a_mismatched_confirmation_on_the_field(self):
        client = self.client_for(self.liaison_a)
        response = self.change_on_page(client, PASSWORD, "Qz7#kmwpx", "Qz7#kmwpy")
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"] == ["两次输入的新密码不一致"]
        assert "两次输入的新密码不一致" in response.content.decode()
        assert self.refresh_user(self.liaison_a).check_password(PASSWORD)

    def test_it_refuses_a_wrong_old_password(self):
        client = self.client_for(self.liaison_a)
        response = self.change_on_page(client, "Not#TheOld1", "Qz7#kmwpx")
        assert response.status_code == 200
        assert "原密码不正确" in response.content.decode()
        assert self.refresh_user(self.liaison_a).check_password(PASSWORD)

    def test_it_audits_a_password_change_without_the_password(self):
        start = last_seq()
        client = self.client_for(self.liaison_a)
        self.change_on_page(client, PASSWORD, "Qz7#kmwpx")
        [event] = events(seq__gt=start, action=AuditAction.PASSWORD_CHANGE)
        assert event.action == AuditAction.PASSWORD_CHANGE
        assert event.actor_id == self.liaison_a.pk
        assert "Qz7#kmwpx" not in str(event.changes)
        assert self.refresh_user(self.liaison_a).password not in str(event.changes)

    def test_it_keeps_the_user_signed_in_after_changing_the_password(self):
        client = Client()
        login(client, "liaison_a")
        assert self.change_on_page(client, PASSWORD, "Qz7#kmwpx").status_code == 302
        assert client.get(DASHBOARD_URL).status_code == 200


class ForcedChangeTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.newcomer = make_user("newcomer", "liaison", cls.units["a"], must_change_password=True)

    def test_it_sends_a_first_login_user_to_the_password_page_from_every_page(self):
        client = Client()
        response = login(client, "newcomer")
        assert response.status_code == 302
        for url in (DASHBOARD_URL, "/orgs/", "/orgs/list/", "/accounts/tokens/", "/audit/"):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == PASSWORD_URL, url
        page = client.get(PASSWORD_URL)
        assert page.status_code == 200
        assert "首次登录或密码已到期" in page.content.decode()

    def test_it_refuses_the_api_until_the_password_is_changed(self):
        client = Client()
        login(client, "newcomer")
        response = client.get("/api/v1/me")
        assert response.status_code == 403
        assert response.json() == {"detail": "请先修改密码"}

    def test_it_lets_the_user_proceed_after_changing_the_password(self):
        client = Client()
        login(client, "newcomer")
        response = client.post(
            PASSWORD_URL,
            {"old_password": PASSWORD, "new_password": "Qz7#kmwpx", "new_password2": "Qz7#kmwpx"},
        )
        assert response.status_code == 302
        assert response["Location"] == DASHBOARD_URL
        assert client.get(DASHBOARD_URL).status_code == 200
        assert client.get("/orgs/").status_code == 200
        assert self.refresh_user(self.newcomer).must_change_password is False

    def test_it_lets_the_forced_user_sign_out(self):
        client = Client()
        login(client, "newcomer")
        response = client.post("/accounts/logout/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"

    def test_it_forces_a_change_when_the_password_is_older_than_the_maximum_age(self):
        days = settings.ZUGONG_PASSWORD_MAX_AGE_DAYS
        assert days == 90
        User.objects.filter(pk=self.liaison_a.pk).update(
            password_changed_at=timezone.now() - dt.timedelta(days=days, hours=1)
        )
        client = Client()
        login(client, "liaison_a")
        response = client.get(DASHBOARD_URL)
        assert response.status_code == 302
        assert response["Location"] == PASSWORD_URL
        assert "首次登录或密码已到期" in client.get(PASSWORD_URL).content.decode()
        client.post(
            PASSWORD_URL,
            {"old_password": PASSWORD, "new_password": "Qz7#kmwpx", "new_password2": "Qz7#kmwpx"},
        )
        assert client.get(DASHBOARD_URL).status_code == 200

    def test_it_does_not_force_a_change_just_before_the_maximum_age(self):
        days = settings.ZUGONG_PASSWORD_MAX_AGE_DAYS
        User.objects.filter(pk=self.liaison_a.pk).update(
            password_changed_at=timezone.now() - dt.timedelta(days=days, hours=-1)
        )
        client = Client()
        login(client, "liaison_a")
        assert client.get(DASHBOARD_URL).status_code == 200

"""Password reset under two-person control (issue 12, item 1; docs/security.md).

The 系统管理员 sees only the first part of the temporary password; the 安全管理员, confirming
the reset on 账户交接, sees only the second; only both together sign in. The user is told at
the login that follows who reset the password, who confirmed it, and when. Every step is
audited.
"""

from __future__ import annotations

import re

from django.test import Client

from accounts.models import PasswordReset
from audit.choices import AuditAction
from zugong.testing import PASSWORD, PersonaTestCase

from .utils import DASHBOARD_URL, events, last_seq, login, message_texts

HANDOVER_URL = "/accounts/handover/"
NEW_PASSWORD = "Qz7#kmwpx2"


def _shown(body: str, marker: str) -> str:
    match = re.search(marker + r"([^（<\s]+)（仅显示一次", body)
    assert match is not None, body[:2000]
    return match.group(1).replace("&amp;", "&")


class ResetHandoverTests(PersonaTestCase):
    def reset(self) -> str:
        response = self.client_for(self.sysadmin).post(
            f"/accounts/users/{self.clerk.pk}/reset/", follow=True
        )
        return _shown(response.content.decode(), "临时密码第一段：")

    def confirm(self) -> str:
        reset = PasswordReset.objects.get(user=self.clerk, confirmed_at__isnull=True)
        response = self.client_for(self.secadmin).post(
            f"/accounts/handover/resets/{reset.pk}/confirm/", follow=True
        )
        return _shown(response.content.decode(), "临时密码第二段：")

    def test_the_sysadmins_part_alone_does_not_sign_in(self) -> None:
        first = self.reset()
        for attempt in (first, PASSWORD):
            assert login(Client(), "clerk", attempt).status_code == 200
        # Nor does it after the confirmation: the second part is needed too.
        second = self.confirm()
        assert login(Client(), "clerk", first).status_code == 200
        assert login(Client(), "clerk", second).status_code == 200
        reset = PasswordReset.objects.get(user=self.clerk)
        assert reset.second_part == ""  # erased once shown
        client = Client()
        assert login(client, "clerk", first + second).status_code == 302
        assert client.get(DASHBOARD_URL)["Location"] == "/accounts/password/"

    def test_the_second_part_is_stored_encrypted_until_confirmed(self) -> None:
        self.reset()
        reset = PasswordReset.objects.get(user=self.clerk)
        assert reset.second_part
        assert reset.confirmed_at is None
        second = self.confirm()
        assert second not in str([e.changes for e in events()])  # never in the audit log either

    def test_the_secadmin_sees_who_reset_and_when_and_alone_may_confirm(self) -> None:
        self.reset()
        reset = PasswordReset.objects.get(user=self.clerk)
        page = self.client_for(self.secadmin).get(HANDOVER_URL).content.decode()
        assert "clerk" in page
        assert "sysadmin" in page
        assert f"{reset.reset_at:%Y-}" in page
        url = f"/accounts/handover/resets/{reset.pk}/confirm/"
        for user in (self.sysadmin, self.auditor, self.org_clerk, self.leader, self.nobody):
            client = self.client_for(user)
            assert client.get(HANDOVER_URL).status_code == 404, user
            assert client.post(url).status_code == 404, user
        assert PasswordReset.objects.get(pk=reset.pk).confirmed_at is None
        self.confirm()
        # Confirmed once: gone from the list, a second confirmation is a 404.
        assert self.client_for(self.secadmin).post(url).status_code == 404

    def test_the_user_is_told_once_who_reset_and_when(self) -> None:
        first = self.reset()
        second = self.confirm()
        client = Client()
        response = login(client, "clerk", first + second)
        page = client.get(response["Location"])
        [notice] = [m for m in message_texts(page) if "重置" in m]
        assert "sysadmin" in notice
        assert "secadmin" in notice
        reset = PasswordReset.objects.get(user=self.clerk)
        assert reset.announced_at is not None
        client.post(
            "/accounts/password/",
            {
                "old_password": first + second,
                "new_password": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert client.get(DASHBOARD_URL).status_code == 200
        client.post("/accounts/logout/")
        again = Client()
        response = login(again, "clerk", NEW_PASSWORD)
        assert not [m for m in message_texts(again.get(response["Location"])) if "重置" in m]

    def test_every_step_is_audited(self) -> None:
        start = last_seq()
        first = self.reset()
        second = self.confirm()
        login(Client(), "clerk", first + second)
        mine = [
            e
            for e in events(seq__gt=start, object_id=str(self.clerk.pk))
            if e.object_type == "accounts.User"
        ]
        reset = next(e for e in mine if e.action == AuditAction.PASSWORD_RESET)
        assert reset.actor_id == self.sysadmin.pk
        confirmed = next(e for e in mine if e.changes.get("password_reset") == "confirmed")
        assert confirmed.actor_id == self.secadmin.pk
        assert confirmed.changes["reset_by"] == "sysadmin"
        shown = next(e for e in mine if e.changes.get("password_reset") == "notice_shown")
        assert shown.actor_id == self.clerk.pk
        for event in mine:
            assert first not in str(event.changes)
            assert second not in str(event.changes)

    def test_a_new_reset_supersedes_a_pending_one(self) -> None:
        self.reset()
        first = self.reset()
        assert PasswordReset.objects.filter(user=self.clerk).count() == 1
        second = self.confirm()
        assert login(Client(), "clerk", first + second).status_code == 302

"""Binding a privileged account's second factor needs the 安全管理员's one-time enrolment
code (issue 12, item 3; docs/security.md): the initial password alone shows no QR code."""

from __future__ import annotations

import re

import pyotp
from django.test import Client, override_settings

from accounts.models import TotpEnrolmentCode, User
from accounts.services import totp_code_issue
from accounts.views import PENDING_SECRET
from audit.choices import AuditAction
from zugong.testing import PersonaTestCase

from .utils import events, last_seq, login, message_texts

TOTP_URL = "/accounts/login/totp/"
HANDOVER_URL = "/accounts/handover/"


@override_settings(ZUGONG_TOTP_REQUIRED_ROLES=["sysadmin"])
class TotpEnrolmentCodeTests(PersonaTestCase):
    def password_step(self) -> Client:
        client = Client()
        assert login(client, "sysadmin")["Location"] == TOTP_URL
        return client

    def issue_on_page(self) -> str:
        client = self.client_for(self.secadmin)
        assert "sysadmin" in client.get(HANDOVER_URL).content.decode()
        response = client.post(f"/accounts/handover/totp/{self.sysadmin.pk}/code/", follow=True)
        [text] = [m for m in message_texts(response) if "绑定码" in m]
        match = re.search(r"绑定码：(\d{8})", text)
        assert match is not None, text
        return match.group(1)

    def test_the_initial_password_alone_shows_no_qr_code(self) -> None:
        client = self.password_step()
        page = client.get(TOTP_URL).content.decode()
        assert "绑定码" in page
        assert "<svg" not in page
        assert PENDING_SECRET not in client.session
        # Posting a TOTP code straight away does not enrol either.
        client.post(TOTP_URL, {"code": "123456"})
        assert User.objects.get(pk=self.sysadmin.pk).totp_confirmed_at is None
        assert PENDING_SECRET not in client.session

    def test_a_wrong_code_is_refused_and_counted(self) -> None:
        totp_code_issue(acting_user=self.secadmin, user=self.sysadmin)
        client = self.password_step()
        start = last_seq()
        page = client.post(TOTP_URL, {"enrol_code": "00000000"}).content.decode()
        assert "绑定码不正确" in page
        assert "<svg" not in page
        assert User.objects.get(pk=self.sysadmin.pk).failed_login_count == 1
        assert [e.action for e in events(seq__gt=start)] == [AuditAction.LOGIN_FAILED]

    def test_the_secadmins_code_opens_the_enrolment_once_and_is_audited(self) -> None:
        start = last_seq()
        code = self.issue_on_page()
        client = self.password_step()
        assert client.post(TOTP_URL, {"enrol_code": code}).status_code == 302
        page = client.get(TOTP_URL).content.decode()
        assert "<svg" in page
        secret = client.session[PENDING_SECRET]
        assert client.post(TOTP_URL, {"code": pyotp.TOTP(secret).now()}).status_code == 302
        assert User.objects.get(pk=self.sysadmin.pk).totp_confirmed_at is not None
        issued = events(seq__gt=start, object_type="accounts.TotpEnrolmentCode")
        assert [e.action for e in issued] == [AuditAction.CREATE, AuditAction.UPDATE]
        assert issued[0].actor_id == self.secadmin.pk
        assert issued[1].actor_id == self.sysadmin.pk
        [enrolled] = [
            e
            for e in events(seq__gt=start, object_type="accounts.User")
            if "code_issued_by" in e.changes
        ]
        assert enrolled.changes["code_issued_by"] == "secadmin"
        assert code not in str([e.changes for e in events(seq__gt=start)])
        # Used up: the same code does not open another enrolment.
        row = TotpEnrolmentCode.objects.get(user=self.sysadmin)
        assert row.used_at is not None

    def test_a_used_code_does_not_work_again(self) -> None:
        code = totp_code_issue(acting_user=self.secadmin, user=self.sysadmin)
        first = self.password_step()
        assert first.post(TOTP_URL, {"enrol_code": code}).status_code == 302
        second = self.password_step()
        page = second.post(TOTP_URL, {"enrol_code": code}).content.decode()
        assert "绑定码不正确" in page

    def test_only_the_secadmin_issues_codes(self) -> None:
        url = f"/accounts/handover/totp/{self.sysadmin.pk}/code/"
        for user in (self.sysadmin, self.auditor, self.clerk, self.leader, self.nobody):
            assert self.client_for(user).post(url).status_code == 404, user
        assert not TotpEnrolmentCode.objects.exists()

    @override_settings(ZUGONG_TOTP_REQUIRED_ROLES=[])
    def test_a_voluntary_role_is_not_asked_for_a_code(self) -> None:
        client = Client()
        assert login(client, "sysadmin").status_code == 302
        assert client.get("/accounts/users/").status_code == 200

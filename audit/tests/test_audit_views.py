"""The auditor's pages: search the log, export it (itself audited), verify the chain."""

from __future__ import annotations

from django.test import Client

from audit.choices import AuditAction
from audit.models import AuditEvent
from audit.services import audit_record_standalone
from orgs.services import unit_update
from zugong.testing import PersonaTestCase

AUDIT_URL = "/audit/"
VERIFY_URL = "/audit/verify/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def seqs(response) -> list[int]:
    return [e.seq for e in response.context["page"]]


class AuditSearchTests(PersonaTestCase):
    """Who looked at or exported unit 甲镇's records?"""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.units["a"], cls.units["b"]
        unit_update(acting_user=cls.clerk, unit=a, version=a.version, short_name="甲")
        # Sensitive reads of one unit's records, as the cadre pages record them.
        cls.leader_view = audit_record_standalone(
            actor=cls.leader, action=AuditAction.VIEW, obj=a, sensitive=True
        )
        cls.clerk_export = audit_record_standalone(
            actor=cls.clerk,
            action=AuditAction.EXPORT,
            obj=a,
            object_repr="甲镇 干部名册（12 条）",
            sensitive=True,
        )
        cls.other_export = audit_record_standalone(
            actor=cls.outsider_b, action=AuditAction.EXPORT, obj=b, sensitive=True
        )

    def search(self, **params):
        response = self.client_for(self.auditor).get(AUDIT_URL, params)
        assert response.status_code == 200
        return response

    def test_it_finds_every_event_of_one_unit_by_object_id(self):
        a = self.units["a"]
        response = self.search(object_type="orgs.Unit", object_id=a.pk)
        expected = list(
            AuditEvent.objects.filter(object_type="orgs.Unit", object_id=str(a.pk))
            .order_by("-seq")
            .values_list("seq", flat=True)
        )
        assert seqs(response) == expected
        actions = {e.action for e in response.context["page"]}
        assert actions == {AuditAction.CREATE, AuditAction.UPDATE, AuditAction.VIEW, "export"}
        assert self.other_export.seq not in seqs(response)
        body = response.content.decode()
        assert "leader" in body
        assert "甲镇 干部名册（12 条）" in body

    def test_it_finds_events_by_object_description(self):
        response = self.search(q="甲镇")
        found = seqs(response)
        assert self.leader_view.seq in found
        assert self.clerk_export.seq in found
        assert self.other_export.seq not in found
        assert all("甲镇" in e.object_repr for e in response.context["page"])

    def test_it_answers_who_exported_this_units_records(self):
        response = self.search(action="export", object_id=self.units["a"].pk)
        assert seqs(response) == [self.clerk_export.seq]
        row = response.content.decode()
        assert "clerk" in row
        assert "导出" in row

    def test_it_lists_every_export_when_searching_by_action(self):
        roster = self.client_for(self.clerk).get("/orgs/list/?export=xlsx")
        assert roster.status_code == 200
        response = self.search(action="export")
        found = {(e.actor_username, e.object_repr) for e in response.context["page"]}
        assert ("clerk", "甲镇 干部名册（12 条）") in found
        assert ("outsider_b", "乙镇") in found
        assert ("clerk", "单位名册（6 条）") in found
        assert all(e.action == AuditAction.EXPORT for e in response.context["page"])

    def test_it_finds_the_sensitive_reads(self):
        response = self.search(sensitive="on")
        assert set(seqs(response)) == {
            self.leader_view.seq,
            self.clerk_export.seq,
            self.other_export.seq,
        }

    def test_it_finds_events_by_actor(self):
        response = self.search(actor="leader")
        assert all(e.actor_username == "leader" for e in response.context["page"])
        assert self.leader_view.seq in seqs(response)

    def test_it_reports_a_bad_date_instead_of_failing(self):
        response = self.search(date_from="2026-13-40")
        assert "日期格式应为 YYYY-MM-DD" in response.content.decode()

    def test_it_audits_an_export_of_the_audit_log_as_sensitive(self):
        before = AuditEvent.objects.order_by("-seq").first().seq
        response = self.client_for(self.auditor).get(
            AUDIT_URL, {"action": "export", "export": "xlsx"}
        )
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert b"".join(response.streaming_content)[:2] == b"PK"
        [event] = AuditEvent.objects.filter(seq__gt=before)
        assert event.action == AuditAction.EXPORT
        assert event.actor_id == self.auditor.pk
        assert event.object_type == "audit.AuditEvent"
        assert event.sensitive is True
        assert event.changes == {"filters": {"action": "export"}}


class AuditAccessTests(PersonaTestCase):
    OTHERS = ("sysadmin", "secadmin", "clerk", "org_clerk", "liaison_a", "outsider_b", "leader")

    def test_it_gives_every_non_auditor_persona_404(self):
        before = AuditEvent.objects.count()
        for name in (*self.OTHERS, "nobody"):
            client = self.client_for(getattr(self, name))
            assert client.get(AUDIT_URL).status_code == 404, name
            assert client.get(AUDIT_URL, {"export": "xlsx", "q": "x"}).status_code == 404, name
            assert client.get(VERIFY_URL).status_code == 404, name
            assert client.post(VERIFY_URL).status_code == 404, name
        assert AuditEvent.objects.count() == before

    def test_it_sends_an_anonymous_visitor_to_login(self):
        for url in (AUDIT_URL, VERIFY_URL):
            response = Client().get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")

    def test_it_shows_the_log_to_the_auditor(self):
        response = self.client_for(self.auditor).get(AUDIT_URL)
        assert response.status_code == 200
        assert "审计日志" in response.content.decode()

    def test_it_reports_a_clean_chain_on_the_verify_page(self):
        client = self.client_for(self.auditor)
        page = client.get(VERIFY_URL)
        assert page.status_code == 200
        assert "审计链完整" not in page.content.decode()
        response = client.post(VERIFY_URL)
        assert response.status_code == 200
        count = AuditEvent.objects.count()
        assert f"审计链完整：共 {count} 条记录，未发现篡改。" in response.content.decode()

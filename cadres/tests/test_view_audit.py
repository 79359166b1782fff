"""Opening a cadre's record is recorded, and the auditor finds it by the person's name
(docs/journeys.md, journey 10: "who looked at or exported this person's record")."""

from __future__ import annotations

from django.urls import reverse

from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres.tests.test_pages import make_cadre
from zugong.testing import PersonaTestCase


class CadreViewAuditTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.zwd = make_cadre(cls.clerk, cls.units["a"])

    def views(self) -> list[AuditEvent]:
        return list(
            AuditEvent.objects.filter(
                action=AuditAction.VIEW, object_type="cadres.Cadre", object_id=str(self.zwd.pk)
            ).order_by("seq")
        )

    def test_opening_the_page_records_who_looked_and_which_tab(self) -> None:
        client = self.client_for(self.clerk)
        assert client.get(reverse("cadres:detail", args=[self.zwd.pk])).status_code == 200
        assert (
            client.get(reverse("cadres:detail", args=[self.zwd.pk]) + "?tab=family").status_code
            == 200
        )
        events = self.views()
        assert [(e.actor_username, e.changes, e.sensitive) for e in events] == [
            ("clerk", {"tab": "基本信息"}, True),
            ("clerk", {"tab": "家庭成员"}, True),
        ]
        assert events[0].object_repr == "张卫东"

    def test_the_api_detail_is_recorded_too(self) -> None:
        assert self.client_for(self.clerk).get(f"/api/v1/cadres/{self.zwd.pk}").status_code == 200
        assert [(e.actor_username, e.channel) for e in self.views()] == [("clerk", "api")]

    def test_a_refused_look_records_nothing(self) -> None:
        response = self.client_for(self.outsider_b).get(
            reverse("cadres:detail", args=[self.zwd.pk])
        )
        assert response.status_code == 404
        assert self.views() == []

    def test_the_auditor_finds_the_look_by_the_persons_name(self) -> None:
        self.client_for(self.leader).get(reverse("cadres:detail", args=[self.zwd.pk]))
        page = self.client_for(self.auditor).get(reverse("audit:event_list"), {"q": "张卫东"})
        assert page.status_code == 200
        rows = [e for e in page.context["page"].object_list if e.action == AuditAction.VIEW]
        assert [e.actor_username for e in rows] == ["leader"]

"""A ciphertext altered in the database fails closed with a clear Chinese message (a page, or
JSON on the API) and a security event for the auditor (issue 12, item 6; docs/security.md)."""

from __future__ import annotations

from django.db import connection

from audit.choices import AuditAction
from audit.middleware import INTEGRITY_MESSAGE
from audit.models import AuditEvent
from audit.verify import verify_chain
from cadres.models import Cadre
from cadres.tests.test_pages import make_cadre
from zugong.testing import PersonaTestCase


def tamper(cadre: Cadre) -> None:
    """Flip one byte of the stored ciphertext, as someone with database access would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM cadres_cadre WHERE id = %s", [cadre.pk])
        (stored,) = cursor.fetchone()
        head, body = stored.rsplit("$", 1)
        flipped = ("B" if body[20] != "B" else "C").join((body[:20], body[21:]))
        cursor.execute(
            "UPDATE cadres_cadre SET id_number = %s WHERE id = %s", [f"{head}${flipped}", cadre.pk]
        )


class TamperedCiphertextTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cadre = make_cadre(cls.clerk, cls.units["a"])

    def setUp(self) -> None:
        tamper(self.cadre)
        self.start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()

    def security_events(self) -> list[AuditEvent]:
        return list(
            AuditEvent.objects.filter(seq__gt=self.start, action=AuditAction.INTEGRITY_FAILURE)
        )

    def test_the_page_says_so_in_chinese_and_the_auditor_is_told(self):
        response = self.client_for(self.clerk).get(f"/cadres/{self.cadre.pk}/")
        assert response.status_code == 500
        assert response["Content-Type"].startswith("text/html")
        assert INTEGRITY_MESSAGE == "该记录的加密数据校验失败，已通知审计管理员"
        assert INTEGRITY_MESSAGE in response.content.decode()
        [event] = self.security_events()
        assert event.actor_id == self.clerk.pk
        assert event.object_type == "cadres.Cadre"
        assert event.changes["field"] == "id_number"
        assert event.changes["path"] == f"/cadres/{self.cadre.pk}/"
        assert event.sensitive
        assert verify_chain()[1] == []

    def test_the_api_answers_json(self):
        response = self.client_for(self.clerk).get(f"/api/v1/cadres/{self.cadre.pk}")
        assert response.status_code == 500
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": INTEGRITY_MESSAGE}
        [event] = self.security_events()
        assert event.actor_id == self.clerk.pk
        assert event.object_type == "cadres.Cadre"
        assert event.changes["path"] == f"/api/v1/cadres/{self.cadre.pk}"

    def test_the_auditor_sees_the_event_in_the_audit_log(self):
        self.client_for(self.clerk).get(f"/cadres/{self.cadre.pk}/")
        page = self.client_for(self.auditor).get("/audit/?action=integrity_failure")
        assert page.status_code == 200
        rows = page.content.decode().split("<tbody", 1)[1]
        assert "加密数据校验失败" in rows
        assert INTEGRITY_MESSAGE in rows
        assert "cadres.Cadre" in rows

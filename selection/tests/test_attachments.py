"""Stage documents: uploaded by a clerk, checked by content, downloaded only in scope (audited)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from selection.models import Attachment
from selection.tests.base import SelectionTestCase
from zugong.testing import tiny_pdf

PDF = tiny_pdf()


class AttachmentTests(SelectionTestCase):
    def upload(self, case: object, name: str, data: bytes, stage: str = "proposal") -> object:
        return self.client_for(self.clerk).post(
            reverse("selection:attachment_add", args=[case.pk]),  # type: ignore[attr-defined]
            {"stage": stage, "file": SimpleUploadedFile(name, data)},
            follow=True,
        )

    def test_it_stores_a_document_and_serves_it_as_an_audited_download(self) -> None:
        case = self.case()
        page = self.upload(case, "../动议材料.pdf", PDF)
        assert "已上传附件“动议材料.pdf”" in page.content.decode()  # type: ignore[attr-defined]
        item = Attachment.objects.get(case=case)
        assert (item.name, item.stage, bytes(item.data)) == ("动议材料.pdf", "proposal", PDF)
        url = reverse("selection:attachment_download", args=[item.pk])
        response = self.client_for(self.leader).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content == PDF
        assert AuditEvent.objects.filter(action="download", sensitive=True).exists()
        assert self.client_for(self.outsider_b).get(url).status_code == 404
        assert self.client_for(self.clerk_b).get(url).status_code == 404

    def test_it_refuses_a_wrong_type_and_a_stage_not_reached(self) -> None:
        case = self.case()
        page = self.upload(case, "票数.pdf", b"MZ\x90\x00 not a pdf")
        assert "只接受 PDF、图片" in page.content.decode()  # type: ignore[attr-defined]
        page = self.upload(case, "决定.pdf", PDF, stage="decision")
        assert "尚未进行到“讨论决定”环节" in page.content.decode()  # type: ignore[attr-defined]
        assert not Attachment.objects.exists()

    def test_it_lets_only_clerks_in_scope_upload_or_delete(self) -> None:
        case = self.case()
        self.upload(case, "动议材料.pdf", PDF)
        item = Attachment.objects.get()
        for user in (self.leader, self.clerk_b, self.outsider_b):
            response = self.client_for(user).post(
                reverse("selection:attachment_delete", args=[item.pk])
            )
            assert response.status_code == 404
        assert Attachment.objects.filter(pk=item.pk).exists()
        self.client_for(self.clerk).post(reverse("selection:attachment_delete", args=[item.pk]))
        assert not Attachment.objects.exists()
        assert AuditEvent.objects.filter(
            action="delete", object_type="selection.SelectionCase"
        ).exists()

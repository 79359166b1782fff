"""The 纪实 PDF: read back with poppler's pdftotext; the download is audited and scoped."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.urls import reverse

from audit.choices import AuditAction
from cadres.tests.test_approval_form import pdf_pages, squash
from selection import services
from selection.choices import Stage
from selection.tests.base import SelectionTestCase


class RecordPdfTests(SelectionTestCase):
    def test_it_prints_every_stage_the_votes_and_the_checks(self) -> None:
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        services.stage_record_set(
            acting_user=self.clerk,
            case=self.fresh(case),
            stage=Stage.RECOMMENDATION,
            date=dt.date(2026, 1, 12),
            outcome="会议推荐，应参加 35 人，实参加 33 人",
        )
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION, on=dt.date(2026, 1, 26))
        self.check_all(candidate)
        self.advance(case, Stage.DECISION, on=dt.date(2026, 2, 24))
        services.decision_record(
            acting_user=self.clerk,
            case=self.fresh(case),
            date=dt.date(2026, 2, 24),
            members_due=9,
            members_present=8,
            votes={candidate.pk: (7, 1, 0)},
        )
        seq = self.newest_seq()
        response = self.client_for(self.leader).get(
            reverse("selection:case_record_pdf", args=[case.pk])
        )
        assert response["Content-Type"] == "application/pdf"
        with tempfile.TemporaryDirectory() as tmp:
            text = squash("".join(pdf_pages(response.content, Path(tmp))))
        for expected in (
            "甲镇镇长选拔任用纪实",
            "民主推荐2026.01.12会议推荐，应参加35人，实参加33人",
            "讨论决定2026.02.24",
            "同意7、不同意1、弃权0（超过应到会成员半数）",
            "已：个人有关事项查核（2026.01.28）",
            "拟免去：甲镇副镇长",
            "应到会成员9人，实到8人",
        ):
            assert expected in text, expected
        (event,) = self.events_after(seq)
        assert (event.action, event.object_repr) == (AuditAction.EXPORT, "甲镇镇长选拔任用 纪实")

    def test_it_refuses_the_pdf_to_outsiders(self) -> None:
        case = self.case()
        url = reverse("selection:case_record_pdf", args=[case.pk])
        for user in (self.clerk_b, self.outsider_b):
            assert self.client_for(user).get(url).status_code == 404

"""Export → edit in Excel → import back (issue 14, item 6).

The roster export could not be imported ("缺少必填列：身份证号"). The 导入模板格式 export has the
template's columns and full ID numbers — only for a user who may see them, audited as a
sensitive export — so that a unit can correct its roster in Excel and send it back. The whole
demo county round-trips unchanged: demo/tests/test_demo_cadres.py."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from cadres import services
from cadres.excel_import import HEADERS, RowStatus, commit_import, plan_import
from cadres.models import Cadre
from cadres.tests.test_pages import ZWD_ID, make_cadre
from zugong.testing import PersonaTestCase


class ReimportExportTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.zwd = make_cadre(
            cls.clerk,
            cls.units["a"],
            native_place="湖南吉首",
            party_join_date=dt.date(2001, 6, 15),  # a full date: the sheet has months
        )
        services.position_start(
            acting_user=cls.clerk,
            cadre=cls.zwd,
            unit=cls.units["a"],
            title="党委书记",
            rank_level="141",
            start_date=dt.date(2019, 1, 17),
        )
        services.assessment_set(acting_user=cls.clerk, cadre=cls.zwd, year=2024, grade="excellent")

    def export(self, user):
        return self.client_for(user).get(reverse("cadres:roster"), {"export": "template"})

    def test_it_writes_the_template_columns_with_the_full_id_number_and_audits_it(self):
        response = self.export(self.clerk)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.values)
        assert list(rows[0]) == list(HEADERS)
        row = dict(zip(HEADERS, rows[1], strict=True))
        assert row["身份证号"] == ZWD_ID
        assert (row["姓名"], row["现任职务"], row["任现职时间"]) == (
            "张卫东",
            "党委书记",
            "2019.01",
        )
        assert row["近年考核"] == "2024优秀"
        event = AuditEvent.objects.filter(object_type="cadres.Cadre").latest("seq")
        assert event.sensitive
        assert event.changes["format"] == "import_template"
        assert event.changes["full_id_numbers"] is True

    def test_users_who_may_not_see_full_numbers_do_not_get_it(self):
        for user in (self.leader, self.liaison_a):
            assert self.export(user).status_code == 404
        page = self.client_for(self.leader).get(reverse("cadres:roster")).content.decode()
        assert "export=template" not in page

    def test_an_unchanged_export_imports_as_unchanged_and_an_edit_as_one_update(self):
        data = b"".join(self.export(self.clerk).streaming_content)
        plan = plan_import(acting_user=self.clerk, unit=self.units["root"], data=data)
        assert [r.status for r in plan.rows] == [RowStatus.UNCHANGED]
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook.active
        sheet.cell(row=2, column=HEADERS.index("籍贯") + 1, value="湖南凤凰")
        edited = io.BytesIO()
        workbook.save(edited)
        plan = commit_import(
            acting_user=self.clerk, unit=self.units["root"], data=edited.getvalue()
        )
        assert [r.status for r in plan.rows] == [RowStatus.UPDATE]
        cadre = Cadre.objects.get(pk=self.zwd.pk)
        assert cadre.native_place == "湖南凤凰"
        assert cadre.party_join_date == dt.date(2001, 6, 15)  # the day is kept
        assert cadre.positions.get().start_date == dt.date(2019, 1, 17)

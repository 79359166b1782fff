"""Who was in an export (issue 14, item 12; journey 10).

Every export and download of cadre records lists the cadres of its file in
``audit.ExportSubject`` (the count and sha256 of the list are in the event, under the MAC);
the auditor's search by a person's name, cadre number or ID number finds every export that
contained the person, and no other; the log shows an event's changes in Chinese.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alerts.tests.base import RuleTestCase
from audit.choices import AuditAction
from audit.models import AppendOnlyError, AuditEvent, ExportSubject
from audit.selectors import audit_event_list, export_subjects
from audit.services import audit_record, audit_record_export_standalone, subjects_digest
from audit.templatetags.audit_tags import changes_text, event_changes, export_count
from audit.verify import verify_chain
from cadres import services
from cadres.models import Cadre
from cadres.tests.test_pages import ZWD_ID, make_cadre
from zugong.testing import PersonaTestCase

LISI_ID = "433101199005010028"
WANG_ID = "433101198503120014"
APPROVAL_FORM = {
    "NiRenZhiWu": "县委办公室主任",
    "RenMianLiYou": "工作需要",
    "JiSuanNianLingShiJian": "2025.06",
    "TianBiaoRen": "张三",
}


def xlsx_names(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    column = list(rows[0]).index("姓名")
    return sorted(r[column] for r in rows[1:])


class ExportSubjectsTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        u = cls.units
        cls.zwd = make_cadre(cls.clerk, u["a"])
        services.position_start(
            acting_user=cls.clerk,
            cadre=cls.zwd,
            unit=u["a"],
            title="党委书记",
            rank_level="141",
            is_leading=True,
            is_head=True,
            start_date=dt.date(2019, 1, 1),
        )
        cls.wang = make_cadre(cls.clerk, u["a"], name="王五", id_number=WANG_ID)
        cls.lisi = make_cadre(cls.clerk, u["b"], name="李四", id_number=LISI_ID, sex="2")

    def last_event(self, action: str = AuditAction.EXPORT) -> AuditEvent:
        return AuditEvent.objects.filter(action=action).latest("seq")

    def ids(self, *cadres: Cadre) -> list[int]:
        return sorted(c.pk for c in cadres)

    # ------------------------------------------------------------ each export lists its file

    def test_roster_export_lists_exactly_the_exported_cadres(self):
        client = self.client_for(self.clerk)
        response = client.get(reverse("cadres:roster"), {"export": "xlsx", "unit": "TA00"})
        assert xlsx_names(response) == ["张卫东", "王五"]
        event = self.last_event()
        assert export_subjects(event) == self.ids(self.zwd, self.wang)
        assert event.changes["subjects"] == {
            "type": "cadres.Cadre",
            "count": 2,
            "sha256": subjects_digest([self.zwd.pk, self.wang.pk]),
        }

    def test_reimport_export_lists_exactly_the_exported_cadres(self):
        response = self.client_for(self.clerk).get(reverse("cadres:roster"), {"export": "template"})
        assert xlsx_names(response) == ["张卫东", "李四", "王五"]
        assert export_subjects(self.last_event()) == self.ids(self.zwd, self.wang, self.lisi)

    def test_a_cadre_who_leaves_the_export_after_it_is_recorded_is_left_out_of_the_file(self):
        from cadres.roster import export_ids, export_rows, roster_queryset
        from core.permissions import Action

        qs = roster_queryset(user=self.clerk, filters={"unit": "TA00"}, action=Action.CADRES_EXPORT)
        ids = export_ids(qs)  # recorded first …
        assert ids == [c.pk for c in qs.order_by("unit_path", "sort_order", "id")]
        services.cadre_transfer(acting_user=self.clerk, cadre=self.wang, to_unit=self.units["b"])
        # … then written: a cadre no longer in the export's queryset is left out, so the file
        # never holds a cadre the log does not list.
        assert [r[0] for r in export_rows(qs, ["name"], ids=ids)] == ["张卫东"]

    def test_single_lrmx_and_approval_form_list_the_one_cadre(self):
        client = self.client_for(self.clerk)
        assert client.get(reverse("cadres:lrmx_export_one", args=[self.lisi.pk])).status_code == 200
        assert export_subjects(self.last_event()) == [self.lisi.pk]
        response = client.post(reverse("cadres:approval_form", args=[self.zwd.pk]), APPROVAL_FORM)
        assert response["Content-Type"] == "application/pdf"
        download = self.last_event(AuditAction.DOWNLOAD)
        assert export_subjects(download) == [self.zwd.pk]

    def test_batch_pdf_and_lrmx_zip_list_the_chosen_cadres(self):
        client = self.client_for(self.clerk)
        for what in ("pdf", "lrmx"):
            response = client.post(
                reverse("cadres:batch"),
                {"ids": [self.lisi.pk, self.zwd.pk], "order": "1", "what": what, **APPROVAL_FORM},
            )
            assert response.status_code == 200
            event = self.last_event(AuditAction.DOWNLOAD)
            assert export_subjects(event) == self.ids(self.zwd, self.lisi), what
            assert "ids" not in event.changes

    def test_team_export_lists_its_members(self):
        response = self.client_for(self.clerk).get(
            reverse("analysis:team", args=[self.units["a"].pk]), {"export": "xlsx"}
        )
        assert response.status_code == 200
        event = self.last_event()
        assert export_subjects(event) == self.ids(self.zwd)

    def test_pool_and_programme_exports_list_their_cadres(self):
        from development import services as development

        pool = development.pool_create(
            acting_user=self.clerk, unit=self.units["a"], kind="young", name="甲镇年轻干部库"
        )
        development.pool_entry_add(
            acting_user=self.clerk, pool=pool, cadre=self.wang, reason="推荐"
        )
        client = self.client_for(self.clerk)
        assert client.get(reverse("development:pool_export", args=[pool.pk])).status_code == 200
        assert export_subjects(self.last_event()) == [self.wang.pk]
        programme = development.programme_create(
            acting_user=self.clerk,
            unit=self.units["root"],
            kind="secondment",
            name="挂职锻炼",
            start_date=dt.date(2026, 1, 1),
        )
        development.assignment_create(
            acting_user=self.clerk,
            programme=programme,
            cadre=self.lisi,
            host_name="临江县石桥镇",
            post_title="党委副书记",
            start_date=dt.date(2026, 3, 1),
            end_date=dt.date(2027, 3, 1),
        )
        url = reverse("development:programme_export", args=[programme.pk])
        assert client.get(url).status_code == 200
        assert export_subjects(self.last_event()) == [self.lisi.pk]

    def test_report_year_export_lists_its_cadres(self):
        from supervision import services as supervision

        report_year = supervision.report_year_create(
            acting_user=self.clerk, unit=self.units["a"], year=2025, rank_levels=["141"]
        )
        url = reverse("supervision:report_year_export", args=[report_year.pk])
        assert self.client_for(self.clerk).get(url).status_code == 200
        assert export_subjects(self.last_event()) == [self.zwd.pk]

    def test_the_management_commands_list_the_cadres_they_wrote(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            call_command(
                "export_roster", "--out", str(out / "r.xlsx"), "--user", "clerk", "--unit", "TA00"
            )
            assert export_subjects(self.last_event()) == self.ids(self.zwd, self.wang)
            call_command(
                "export_lrmx", "--out", str(out / "l"), "--user", "clerk", "--unit", "TB00"
            )
            event = self.last_event()
            assert export_subjects(event) == [self.lisi.pk]
            assert "cadres" not in event.changes  # the list is no longer in the event's JSON
            call_command(
                "approval_form", str(self.wang.pk), "--out", str(out / "a.pdf"), "--user", "clerk"
            )
            assert export_subjects(self.last_event(AuditAction.DOWNLOAD)) == [self.wang.pk]

    # ------------------------------------------------------------ the auditor's search

    def _two_exports(self) -> tuple[AuditEvent, AuditEvent]:
        client = self.client_for(self.clerk)
        client.get(reverse("cadres:roster"), {"export": "xlsx", "unit": "TA00"})
        of_a = self.last_event()
        client.get(reverse("cadres:roster"), {"export": "xlsx", "unit": "TB00"})
        of_b = self.last_event()
        return of_a, of_b

    def test_search_by_name_number_or_id_number_finds_the_exports_containing_the_person(self):
        of_a, of_b = self._two_exports()
        for q in ("李四", str(self.lisi.pk), LISI_ID):
            found = set(audit_event_list(filters={"q": q}).values_list("seq", flat=True))
            assert of_b.seq in found, q
            assert of_a.seq not in found, q
        found = set(
            audit_event_list(
                filters={"object_type": "cadres.Cadre", "object_id": str(self.wang.pk)}
            ).values_list("seq", flat=True)
        )
        assert of_a.seq in found
        assert of_b.seq not in found
        # The events about the cadre itself are found alongside (its creation).
        about = audit_event_list(filters={"q": "李四"}).filter(action=AuditAction.CREATE)
        assert about.filter(object_id=str(self.lisi.pk)).exists()

    def test_the_auditor_page_finds_the_export_and_says_how_many_were_in_it(self):
        of_a, of_b = self._two_exports()
        page = self.client_for(self.auditor).get(reverse("audit:event_list"), {"q": "王五"})
        html = page.content.decode()
        assert f"<td>{of_a.seq}</td>" in html
        assert f"<td>{of_b.seq}</td>" not in html
        assert "导出 2 人" in html
        assert "导出列：姓名、性别" in html
        assert "[&#x27;name&#x27;" not in html
        assert WANG_ID not in html

    # ------------------------------------------------------------ the chain vouches for the list

    def test_verify_finds_an_altered_list_of_subjects(self):
        self._two_exports()
        assert verify_chain()[1] == []
        event = self.last_event()
        with connection.cursor() as cursor:  # SQL below the application: INSERT is not refused
            cursor.execute(
                "INSERT INTO audit_exportsubject (seq, object_type, object_id) VALUES (%s, %s, %s)",
                [event.seq, "cadres.Cadre", self.zwd.pk],
            )
            cursor.execute(
                "INSERT INTO audit_exportsubject (seq, object_type, object_id) VALUES (%s, %s, %s)",
                [999_999, "cadres.Cadre", self.zwd.pk],
            )
        problems = {(b.seq, b.problem[:6]) for b in verify_chain()[1]}
        assert (event.seq, "导出对象清单") in problems
        assert (999_999, "导出对象清单") in problems

    def test_the_list_of_subjects_is_append_only(self):
        audit_record_export_standalone(actor=self.clerk, subjects=[self.zwd.pk], object_repr="名册")
        with pytest.raises(AppendOnlyError):
            ExportSubject.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            ExportSubject.objects.first().save()
        for sql in (
            "UPDATE audit_exportsubject SET object_id = 0",
            "DELETE FROM audit_exportsubject",
        ):
            with (
                pytest.raises(Exception, match="只能追加"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        assert ExportSubject.objects.count() == 1


# ---------------------------------------------------------------- the Chinese rendering


class _Event:
    def __init__(self, changes, object_type="cadres.Cadre", action="export"):
        self.changes = changes
        self.object_type = object_type
        self.action = action


def test_roster_export_changes_read_in_chinese():
    changes = {
        "filters": {"unit": "TA00", "age_min": 35, "q": ZWD_ID},
        "columns": ["name", "unit", "rank_level"],
        "subjects": {"type": "cadres.Cadre", "count": 3, "sha256": "ab" * 32},
    }
    text = changes_text(changes)
    assert "导出列：姓名、所在单位、领导职务层次" in text
    assert "筛选条件：单位（含下级）：TA00，最小年龄：35" in text
    assert "导出对象：3 人" in text
    assert ZWD_ID not in text
    assert "433101********2136" in text
    assert "[" not in text
    assert "{" not in text
    assert export_count(_Event(changes)) == "导出 3 人"
    assert export_count(_Event(changes, action="download")) == "下载 3 人"
    assert export_count(_Event({"filters": {}})) == ""


def test_before_after_use_verbose_names_and_booleans_read_yes_no():
    text = event_changes(
        _Event(
            {"before": {"name": "张三", "id_pending": False}, "after": {"name": "张四"}},
            action="update",
        )
    )
    assert text.startswith("姓名：张三 → 张四")
    assert "：否" in text
    assert changes_text({"full_id_numbers": True, "format": "lrmx"}) == (
        "含完整身份证号：是；格式：lrmx"
    )


def test_fields_with_choices_read_as_their_labels():
    text = event_changes(
        _Event({"before": {"status": "active"}, "after": {"status": "retired"}}, action="update")
    )
    assert text == "状态：在职 → 退休"
    assert event_changes(_Event({"tab": "家庭成员"}, action="view")) == "页签：家庭成员"


def test_long_lists_are_cut():
    assert changes_text({"ids": list(range(100))}).endswith("等 100 项")


@pytest.mark.django_db
def test_the_audit_log_export_writes_changes_in_chinese(client):
    from zugong.testing import make_user

    auditor = make_user("auditor", "auditor", None)
    with transaction.atomic():
        audit_record(
            actor=auditor,
            action=AuditAction.EXPORT,
            object_type="cadres.Cadre",
            changes={"columns": ["name", "sex"], "full_id_numbers": True},
        )
    client.force_login(auditor)
    response = client.get(reverse("audit:event_list"), {"action": "export", "export": "xlsx"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content)).active.values)
    cells = [r[-1] for r in rows[1:]]
    assert "导出列：姓名、性别；含完整身份证号：是" in cells


class AlertExportSubjectsTests(RuleTestCase):
    def test_the_alert_export_lists_the_cadres_of_its_alerts(self):
        a_person = self.person("甲镇书记", unit=self.units["a"])
        self.post(a_person, dt.date(2012, 3, 1))
        b_person = self.person("乙镇书记", unit=self.units["b"])
        self.post(b_person, dt.date(2011, 5, 1), unit=self.units["b"])
        self.stored("same_post", timezone.localdate())
        response = self.client_for(self.liaison_a).get(reverse("alerts:list"), {"export": "xlsx"})
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
        assert [r[2] for r in rows[1:]] == ["甲镇书记"]
        event = AuditEvent.objects.filter(object_type="alerts.Alert").latest("seq")
        assert export_subjects(event) == [a_person.pk]

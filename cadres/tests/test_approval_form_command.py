"""manage.py approval_form: a meeting packet of 干部任免审批表, scoped and audited."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.choices import AuditAction
from audit.models import AuditEvent
from audit.selectors import export_subjects
from cadres import services
from cadres.models import Cadre
from cadres.tests.test_approval_form import pdf_pages, sample_form
from core.permissions import Role
from zugong.testing import PersonaTestCase, make_user


class ApprovalFormCommandTests(PersonaTestCase):
    in_a: Cadre
    in_b: Cadre
    in_a2: Cadre

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.in_a = cls.make("李建国", "a", dt.date(1975, 6, 1))
        cls.in_b = cls.make("周秀兰", "b", dt.date(1982, 11, 1))
        cls.in_a2 = cls.make("吴志刚", "a_village", dt.date(1990, 2, 1))
        services.family_add(
            acting_user=cls.clerk,
            cadre=cls.in_a,
            relation="妻子",
            name="陈静",
            birth_date=dt.date(1977, 9, 1),
            political_status="中共党员",
            work_unit_post="甲镇中心小学教师",
        )
        services.photo_set(acting_user=cls.clerk, cadre=cls.in_a, data=sample_form().photo)

    @classmethod
    def make(cls, name: str, unit: str, born: dt.date) -> Cadre:
        return services.cadre_create(
            acting_user=cls.clerk,
            unit=cls.units[unit],
            name=name,
            sex="1",
            birth_date=born,
            resume=f"2010.07--         {name}所在单位科员",
            resume_manual=True,
        )

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path: Path) -> None:
        self.tmp = tmp_path

    def run_command(self, *ids: int, user: str = "clerk", **options: str) -> tuple[Path, str]:
        out = self.tmp / "packet.pdf"
        stdout = io.StringIO()
        call_command(
            "approval_form", *map(str, ids), out=str(out), user=user, stdout=stdout, **options
        )
        return out, stdout.getvalue()

    def downloads(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).order_by("seq"))

    def test_it_prints_the_cadres_in_the_order_given(self):
        ids = (self.in_b.pk, self.in_a2.pk, self.in_a.pk)
        out, stdout = self.run_command(*ids, proposed="甲镇党委副书记", reason="工作需要")
        pages = pdf_pages(out.read_bytes(), self.tmp)
        assert len(pages) == 6
        for i, name in enumerate(("周秀兰", "吴志刚", "李建国")):
            assert name in pages[2 * i]
            assert "甲镇党委副书记" in pages[2 * i]
            assert "工作需要" in pages[2 * i + 1]
        assert "陈静" in pages[5]
        assert "3 份" in stdout
        assert "6 页" in stdout
        assert str(out) in stdout

    def test_it_records_one_download_event_listing_the_ids(self):
        ids = [self.in_a.pk, self.in_a2.pk]
        self.run_command(*ids)
        (event,) = self.downloads()
        assert event.actor_id == self.clerk.pk
        assert event.object_type == "cadres.Cadre"
        assert export_subjects(event) == sorted(ids)
        assert event.changes["pages"] == 4
        assert event.sensitive

    def test_it_lets_a_unit_clerk_print_their_own_unit(self):
        make_user("clerk_a", Role.CADRE_CLERK, self.units["a"])
        out, _ = self.run_command(self.in_a.pk, user="clerk_a")
        assert "李建国" in pdf_pages(out.read_bytes(), self.tmp)[0]
        assert len(self.downloads()) == 1

    def test_it_needs_the_export_permission(self):
        # A liaison may look at the cadres of the unit but not take documents away.
        with pytest.raises(CommandError, match="不存在或不在您的查看范围内"):
            self.run_command(self.in_a.pk, user="liaison_a")
        assert self.downloads() == []

    def test_it_refuses_a_cadre_outside_the_users_scope(self):
        make_user("clerk_a", Role.CADRE_CLERK, self.units["a"])
        with pytest.raises(CommandError, match="不存在或不在您的查看范围内") as caught:
            self.run_command(self.in_a.pk, self.in_b.pk, user="clerk_a")
        assert str(self.in_b.pk) in str(caught.value)
        assert str(self.in_a.pk) not in str(caught.value).split("：")[-1]
        assert not (self.tmp / "packet.pdf").exists()
        assert self.downloads() == []

    def test_it_refuses_a_missing_id_like_an_out_of_scope_one(self):
        missing = Cadre.objects.order_by("-pk").first().pk + 100  # type: ignore[union-attr]
        with pytest.raises(CommandError, match="不存在或不在您的查看范围内"):
            self.run_command(missing)
        with pytest.raises(CommandError, match="不存在或不在您的查看范围内"):
            self.run_command(self.in_a.pk, user="outsider_b")
        assert self.downloads() == []

    def test_it_refuses_a_user_without_cadre_access(self):
        with pytest.raises(CommandError, match="不存在或不在您的查看范围内"):
            self.run_command(self.in_a.pk, user="auditor")
        with pytest.raises(CommandError, match="用户不存在"):
            self.run_command(self.in_a.pk, user="no-such-user")
        assert self.downloads() == []

    def test_it_refuses_an_output_folder_that_does_not_exist(self):
        with pytest.raises(CommandError, match="输出目录不存在"):
            call_command(
                "approval_form",
                str(self.in_a.pk),
                out=str(self.tmp / "nowhere" / "x.pdf"),
                user="clerk",
                stdout=io.StringIO(),
            )
        assert self.downloads() == []

"""development.services: every refusal with its Chinese message, the audit trail, the scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.choices import AuditAction
from cadres import services as cadres
from cadres.choices import CadreStatus
from development import services
from development.choices import EntryStatus, EvidenceTag, PoolKind
from development.models import Pool, PoolEntry, PoolEvidence
from development.tests.base import YOUNG, PoolTestCase


def messages_of(exc: pytest.ExceptionInfo) -> list[str]:
    return list(exc.value.messages)


class PoolServiceTests(PoolTestCase):
    def test_it_creates_a_pool_and_audits_it(self) -> None:
        seq = self.newest_seq()
        pool = self.pool()
        assert pool.get_criteria().describe() == [
            "35岁及以下",
            "乡科级正职、乡科级副职",
            "大学本科及以上",
            "近3年考核无基本称职及以下等次、至少1次优秀",
        ]
        (event,) = self.events_after(seq)
        assert (event.action, event.object_type, event.object_id) == (
            AuditAction.CREATE,
            "development.Pool",
            str(pool.pk),
        )
        assert event.changes["after"]["name"] == "全县优秀年轻干部库"
        assert event.changes["after"]["unit"] == "测试县委（T000）"
        assert event.actor_username == "clerk"

    def test_it_refuses_bad_pools_in_chinese(self) -> None:
        cases = [
            ({"name": " "}, {"name": ["请填写干部库名称"]}),
            ({"kind": "elite"}, {"kind": ["干部库类别应为优秀年轻干部库、专业化干部库或其他"]}),
            ({"criteria": {"max_age": 80}}, {"max_age": ["年龄上限应在 18–70 岁之间"]}),
            (
                {"criteria": {"rank_levels": ["141", "999"]}},
                {"rank_levels": ["领导职务层次代码不在代码表中：999"]},
            ),
            (
                {"criteria": {"min_education": "4"}},
                {"min_education": ["最低学历应为研究生、大学本科或大学专科"]},
            ),
            (
                {"criteria": {"recent_assessments": {"min_excellent": 1}}},
                {"assessment_years": ["设置了考核条件，请填写看近几年的考核"]},
            ),
            (
                {"criteria": {"recent_assessments": {"years": 2, "min_excellent": 3}}},
                {"min_excellent": ["优秀次数不能为负数，也不能多于考核年数"]},
            ),
            (
                {"criteria": {"expertise_keywords": ["很" * 21]}},
                {"expertise_keywords": ["每个专长关键词不能超过 20 个字"]},
            ),
        ]
        for change, expected in cases:
            fields = {"kind": PoolKind.YOUNG, "name": "库", "criteria": YOUNG, **change}
            with self.subTest(change=change), pytest.raises(ValidationError) as exc:
                services.pool_create(acting_user=self.clerk, unit=self.units["root"], **fields)
            assert exc.value.message_dict == expected
        assert not Pool.objects.exists()

    def test_it_refuses_a_second_pool_of_the_same_name_in_a_unit(self) -> None:
        self.pool()
        with pytest.raises(ValidationError) as exc:
            self.pool()
        assert messages_of(exc) == ["“测试县委”已有名为“全县优秀年轻干部库”的干部库"]
        self.pool(unit="a")  # the same name under another unit is another pool

    def test_it_keeps_pools_inside_the_actors_scope(self) -> None:
        for user in (self.clerk_a, self.leader, self.liaison_a, self.org_clerk):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied) as exc:
                self.pool(user=user)
            assert str(exc.value) == "单位不存在或无权操作"
        pool = self.pool()
        with pytest.raises(PermissionDenied) as exc:
            services.pool_update(acting_user=self.clerk_a, pool=pool, name="改名")
        assert str(exc.value) == "干部库不存在或无权操作"
        assert self.pool("甲镇库", unit="a", user=self.clerk_a).unit == self.units["a"]

    def test_it_updates_with_a_version_and_audits_the_difference(self) -> None:
        pool = self.pool()
        seq = self.newest_seq()
        updated = services.pool_update(
            acting_user=self.clerk,
            pool=pool,
            version=1,
            criteria={**YOUNG, "max_age": 40},
            is_active=False,
        )
        assert (updated.version, updated.is_active) == (2, False)
        assert updated.get_criteria().max_age == 40
        (event,) = self.events_after(seq)
        assert event.action == AuditAction.UPDATE
        assert event.changes["before"]["is_active"] is True
        assert event.changes["after"]["criteria"].startswith("40岁及以下；")
        with pytest.raises(ValidationError) as exc:
            services.pool_update(acting_user=self.clerk, pool=pool, version=1, name="旧表单")
        (message,) = messages_of(exc)
        assert message.startswith("该干部库已被clerk于 ")
        assert message.endswith("修改，请刷新后重试")


class EntryServiceTests(PoolTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.young = cls.pool()
        cls.zs = cls.person("张三")
        cls.ls = cls.person("李四", unit="b")

    def test_it_enters_a_cadre_and_audits_the_entry(self) -> None:
        seq = self.newest_seq()
        entry = self.enter(self.young, self.zs, reason="  2025年度考核优秀，群众公认  ")
        assert (entry.status, entry.reason, entry.entered_by) == (
            EntryStatus.IN,
            "2025年度考核优秀，群众公认",
            self.clerk,
        )
        (event,) = self.events_after(seq)
        assert (event.action, event.object_type, event.object_id) == (
            AuditAction.CREATE,
            "development.PoolEntry",
            str(entry.pk),
        )
        assert event.object_repr == "张三 · 全县优秀年轻干部库"
        assert event.changes["after"] == {"status": "在库", "reason": "2025年度考核优秀，群众公认"}

    def test_it_refuses_a_duplicate_open_entry(self) -> None:
        self.enter(self.young, self.zs)
        with pytest.raises(ValidationError) as exc:
            self.enter(self.young, self.zs)
        today = timezone.localdate()
        assert exc.value.message_dict == {
            "cadre": [f"张三已在“全县优秀年轻干部库”中（{today:%Y.%m.%d}入库），不能重复入库"]
        }
        assert PoolEntry.objects.filter(cadre=self.zs).count() == 1

    def test_it_refuses_entries_in_chinese(self) -> None:
        retired = self.person("王五")
        cadres.cadre_set_status(acting_user=self.clerk, cadre=retired, status=CadreStatus.RETIRED)
        retired.refresh_from_db()
        town = self.pool("甲镇库", unit="a")
        closed = self.pool("停用库")
        services.pool_update(acting_user=self.clerk, pool=closed, is_active=False)
        closed.refresh_from_db()
        cases = [
            (self.young, self.zs, "  ", {"reason": ["请填写入库理由"]}),
            (self.young, self.zs, "理" * 301, {"reason": ["入库理由不能超过 300 个字"]}),
            (self.young, retired, "理由", {"cadre": ["王五已退休，不能入库"]}),
            (town, self.ls, "理由", {"cadre": ["李四不在“甲镇”及其下属单位，不能进入本库"]}),
        ]
        for pool, cadre, reason, expected in cases:
            with self.subTest(cadre=cadre.name, reason=reason[:4]):
                with pytest.raises(ValidationError) as exc:
                    self.enter(pool, cadre, reason=reason)
                assert exc.value.message_dict == expected
        with pytest.raises(ValidationError) as exc:
            self.enter(closed, self.zs)
        assert messages_of(exc) == ["“停用库”已停用，不能入库"]
        assert not PoolEntry.objects.exists()

    def test_it_refuses_outside_the_actors_scope_like_a_missing_object(self) -> None:
        town = self.pool("甲镇库", unit="a")
        with pytest.raises(PermissionDenied) as exc:
            services.pool_entry_add(
                acting_user=self.clerk_a, pool=self.young, cadre=self.zs, reason="理由"
            )
        assert str(exc.value) == "干部库不存在或无权操作"
        with pytest.raises(PermissionDenied) as exc:
            services.pool_entry_add(
                acting_user=self.clerk_a, pool=town, cadre=self.ls, reason="理由"
            )
        assert str(exc.value) == "干部不存在或无权操作"
        for user in (self.leader, self.outsider_b, self.clerk_b):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied):
                services.pool_entry_add(acting_user=user, pool=town, cadre=self.zs, reason="理由")
        entry = services.pool_entry_add(
            acting_user=self.clerk_a, pool=town, cadre=self.zs, reason="理由"
        )
        for user in (self.leader, self.clerk_b):
            with self.subTest(exit_by=user.username), pytest.raises(PermissionDenied):
                services.pool_entry_exit(acting_user=user, entry=entry, reason="出库")
        assert not PoolEntry.objects.filter(status=EntryStatus.OUT).exists()

    def test_it_exits_with_a_reason_and_keeps_the_history(self) -> None:
        entry = self.enter(self.young, self.zs)
        with pytest.raises(ValidationError) as exc:
            services.pool_entry_exit(acting_user=self.clerk, entry=entry, reason=" ")
        assert exc.value.message_dict == {"exit_reason": ["请填写出库理由"]}
        seq = self.newest_seq()
        out = services.pool_entry_exit(
            acting_user=self.clerk, entry=entry, reason="已提拔为县处级领导干部"
        )
        assert (out.status, out.exit_reason, out.exited_by) == (
            EntryStatus.OUT,
            "已提拔为县处级领导干部",
            self.clerk,
        )
        (event,) = self.events_after(seq)
        assert event.action == AuditAction.UPDATE
        assert event.changes["before"] == {"status": "在库", "exit_reason": None}
        assert event.changes["after"] == {
            "status": "已出库",
            "exit_reason": "已提拔为县处级领导干部",
        }
        with pytest.raises(ValidationError) as exc:
            services.pool_entry_exit(acting_user=self.clerk, entry=entry, reason="再出一次")
        assert messages_of(exc) == [f"该干部已于 {timezone.localtime(out.exited_at):%Y.%m.%d} 出库"]
        again = self.enter(self.young, self.zs, reason="再次入库")
        assert again.pk != entry.pk
        history = list(
            PoolEntry.objects.filter(cadre=self.zs).order_by("id").values_list("status", "reason")
        )
        assert history == [("out", "经考察符合条件"), ("in", "再次入库")]


class EvidenceServiceTests(PoolTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.young = cls.pool()
        cls.entry = cls.enter(cls.young, cls.person("张三"))

    def add(self, **fields):
        fields = {"tag": EvidenceTag.DONE, "text": "牵头完成全镇土地确权", **fields}
        return services.pool_evidence_add(acting_user=self.clerk, entry=self.entry, **fields)

    def test_it_adds_tagged_evidence_and_audits_it_on_the_entry(self) -> None:
        seq = self.newest_seq()
        item = self.add(date=dt.date(2024, 5, 1), source="考察材料")
        assert (item.tag, item.get_tag_display(), item.created_by) == ("done", "干过", self.clerk)
        (event,) = self.events_after(seq)
        assert (event.action, event.object_type, event.object_id) == (
            AuditAction.CREATE,
            "development.PoolEntry",
            str(self.entry.pk),
        )
        assert event.changes["section"] == "入库佐证"
        assert event.changes["after"] == {
            "tag": "干过",
            "text": "牵头完成全镇土地确权",
            "date": "2024.05",
            "source": "考察材料",
        }

    def test_it_refuses_bad_evidence_in_chinese(self) -> None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        cases = [
            ({"tag": "heard"}, {"tag": ["请选择佐证类别：学过、干过或管用"]}),
            ({"text": "  "}, {"text": ["请填写佐证内容"]}),
            ({"text": "很" * 301}, {"text": ["佐证内容不能超过 300 个字"]}),
            ({"date": tomorrow}, {"date": ["佐证时间不能晚于今天"]}),
            ({"source": "源" * 101}, {"source": ["来源不能超过 100 个字"]}),
        ]
        for fields, expected in cases:
            with self.subTest(fields=str(fields)[:20]), pytest.raises(ValidationError) as exc:
                self.add(**fields)
            assert exc.value.message_dict == expected
        assert not PoolEvidence.objects.exists()

    def test_it_deletes_evidence_with_an_audit_of_what_it_said(self) -> None:
        item = self.add(tag=EvidenceTag.STUDIED, text="省委党校中青班结业")
        seq = self.newest_seq()
        services.pool_evidence_delete(acting_user=self.clerk, evidence=item)
        assert not PoolEvidence.objects.exists()
        (event,) = self.events_after(seq)
        assert event.action == AuditAction.DELETE
        assert event.changes["before"]["text"] == "省委党校中青班结业"

    def test_it_freezes_the_evidence_of_an_exited_entry(self) -> None:
        item = self.add()
        services.pool_entry_exit(acting_user=self.clerk, entry=self.entry, reason="年龄超过条件")
        for call in (
            lambda: self.add(text="补充"),
            lambda: services.pool_evidence_delete(acting_user=self.clerk, evidence=item),
        ):
            with pytest.raises(ValidationError) as exc:
                call()
            assert messages_of(exc) == ["该干部已出库，出库记录的佐证不能再增删"]
        assert list(PoolEvidence.objects.values_list("text", flat=True)) == ["牵头完成全镇土地确权"]

    def test_it_refuses_evidence_outside_the_actors_scope(self) -> None:
        item = self.add()
        for user in (self.leader, self.clerk_a, self.clerk_b):
            with self.subTest(user=user.username):
                with pytest.raises(PermissionDenied):
                    services.pool_evidence_add(
                        acting_user=user, entry=self.entry, tag="done", text="越权"
                    )
                with pytest.raises(PermissionDenied):
                    services.pool_evidence_delete(acting_user=user, evidence=item)
        assert PoolEvidence.objects.count() == 1

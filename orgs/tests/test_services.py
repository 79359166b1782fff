"""orgs.services: the unit tree and quota writes — paths, scope, locking, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.choices import AuditAction
from audit.models import AuditEvent
from core.permissions import Role
from orgs import services
from orgs.choices import UnitKind, UnitLevel
from orgs.models import PostQuota, Unit
from zugong.testing import PersonaTestCase, make_user


def base36_segment(unit_id: int) -> str:
    """The expected path segment, worked out independently of ``orgs.models.path_segment``:
    each of the eight places is digit ``id // 36**k % 36`` (test_path_segment.py pins literals)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return "".join(digits[unit_id // 36**k % 36] for k in range(7, -1, -1)) + "/"


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event


class ServiceTestCase(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.events_before = AuditEvent.objects.count()

    def new_events(self) -> int:
        return AuditEvent.objects.count() - self.events_before

    def create(self, parent: Unit, name: str, code: str, user=None, **extra) -> Unit:
        return services.unit_create(
            acting_user=user or self.clerk,
            parent=parent,
            name=name,
            code=code,
            kind=extra.pop("kind", UnitKind.GOV_DEPT),
            level=extra.pop("level", UnitLevel.TOWNSHIP),
            **extra,
        )

    def fresh(self, key: str) -> Unit:
        return Unit.objects.get(pk=self.units[key].pk)


class UnitCreateTests(ServiceTestCase):
    def test_it_sets_path_depth_and_initials(self):
        village = self.units["a_village"]
        unit = self.create(village, " 甲村第一党支部 ", "TA01X", kind=UnitKind.OTHER)

        unit.refresh_from_db()
        assert unit.name == "甲村第一党支部"
        assert unit.parent_id == village.pk
        assert unit.depth == 3
        assert unit.path == village.path + base36_segment(unit.pk)
        assert unit.pinyin_initials == "jcdydzb"
        assert list(Unit.objects.subtree_of(self.units["a"])).count(unit) == 1

    def test_it_audits_the_creation(self):
        unit = self.create(self.units["root"], "县财政局", "T100")

        assert self.new_events() == 1
        event = last_event()
        assert event.action == AuditAction.CREATE
        assert event.object_type == "orgs.Unit"
        assert event.object_id == str(unit.pk)
        assert event.actor_username == "clerk"
        assert event.changes["after"]["code"] == "T100"

    def test_it_refuses_a_duplicate_code_in_chinese(self):
        with pytest.raises(ValidationError) as caught:
            self.create(self.units["root"], "另一个单位", "TA00")

        assert caught.value.message_dict["code"] == ["单位代码 TA00 已被“甲镇”使用"]
        assert not Unit.objects.filter(name="另一个单位").exists()
        assert self.new_events() == 0

    def test_it_refuses_a_liaison_under_another_unit(self):
        with pytest.raises(PermissionDenied):
            self.create(self.units["b"], "乙镇新村", "TB09", user=self.liaison_a)

    def test_it_refuses_a_liaison_under_the_root(self):
        with pytest.raises(PermissionDenied):
            self.create(self.units["root"], "新局", "T109", user=self.liaison_a)

    def test_it_refuses_a_liaison_even_in_their_own_unit(self):
        # A liaison holds orgs.view only: the tree is the organisation department's to edit.
        with pytest.raises(PermissionDenied):
            self.create(self.units["a"], "甲镇新村", "TA09", user=self.liaison_a)
        assert not Unit.objects.filter(code="TA09").exists()
        assert self.new_events() == 0

    def test_it_refuses_a_clerk_outside_their_subtree(self):
        clerk_a = make_user("clerk_a", Role.CADRE_CLERK, self.units["a"])
        self.events_before = AuditEvent.objects.count()

        with pytest.raises(PermissionDenied):
            self.create(self.units["b"], "乙镇新村", "TB09", user=clerk_a)
        unit = self.create(self.units["a"], "甲镇新村", "TA09", user=clerk_a)

        assert unit.parent_id == self.units["a"].pk
        assert self.new_events() == 1

    def test_it_lets_the_clerk_create_anywhere_in_scope(self):
        for key, code in (("root", "T201"), ("a_village", "T202"), ("b", "T203")):
            unit = self.create(self.units[key], f"新单位{code}", code)
            assert unit.parent_id == self.units[key].pk
        assert self.new_events() == 3

    def test_it_refuses_a_deactivated_parent(self):
        services.unit_deactivate(acting_user=self.clerk, unit=self.units["b_village"])

        with pytest.raises(ValidationError) as caught:
            self.create(self.fresh("b_village"), "乙村一组", "TB011")
        assert "已撤销" in caught.value.message_dict["parent"][0]


class UnitUpdateTests(ServiceTestCase):
    def test_it_changes_fields_bumps_version_and_audits(self):
        unit = services.unit_update(
            acting_user=self.clerk, unit=self.units["a"], version=1, name="甲镇人民政府"
        )

        assert unit.name == "甲镇人民政府"
        assert unit.pinyin_initials == "jzrmzf"
        assert unit.version == 2
        assert self.new_events() == 1
        event = last_event()
        assert event.action == AuditAction.UPDATE
        assert event.changes == {"before": {"name": "甲镇"}, "after": {"name": "甲镇人民政府"}}

    def test_it_refuses_a_stale_version_naming_who_changed_it(self):
        services.unit_update(acting_user=self.org_clerk, unit=self.units["a"], version=1, order=5)
        self.events_before = AuditEvent.objects.count()

        with pytest.raises(ValidationError) as caught:
            services.unit_update(
                acting_user=self.clerk, unit=self.units["a"], version=1, name="覆盖"
            )

        message = caught.value.messages[0]
        assert "org_clerk" in message
        assert "请刷新后重试" in message
        assert self.fresh("a").name == "甲镇"
        assert self.fresh("a").order == 5
        assert self.new_events() == 0

    def test_it_refuses_a_duplicate_code(self):
        with pytest.raises(ValidationError) as caught:
            services.unit_update(acting_user=self.clerk, unit=self.units["a"], code="TB00")
        assert "乙镇" in caught.value.message_dict["code"][0]
        assert self.fresh("a").code == "TA00"

    def test_it_refuses_outside_scope(self):
        with pytest.raises(PermissionDenied):
            services.unit_update(acting_user=self.liaison_a, unit=self.units["a"], name="x")
        with pytest.raises(PermissionDenied):
            services.unit_update(acting_user=self.outsider_b, unit=self.units["a"], name="x")
        assert self.fresh("a").name == "甲镇"

    def test_it_refuses_fields_that_are_not_attributes(self):
        with pytest.raises(ValueError, match="parent"):
            services.unit_update(acting_user=self.clerk, unit=self.units["a"], parent=None)


class UnitMoveTests(ServiceTestCase):
    def test_it_moves_the_whole_subtree(self):
        dept = self.units["dept"]
        moved = services.unit_move(acting_user=self.clerk, unit=self.units["a"], new_parent=dept)

        a, village = self.fresh("a"), self.fresh("a_village")
        assert moved.parent_id == dept.pk
        assert a.depth == 2
        assert a.path == dept.path + base36_segment(a.pk)
        assert village.depth == 3
        assert village.path == a.path + base36_segment(village.pk)
        assert set(Unit.objects.subtree_of(dept)) == {dept, a, village}
        assert set(Unit.objects.subtree_of(self.fresh("b"))) == {
            self.units["b"],
            self.units["b_village"],
        }
        assert a.version == 2
        # Grants follow the unit: the liaison of 甲镇 still sees exactly 甲镇 and 甲村.
        assert set(Unit.objects.restrict(self.liaison_a, "orgs.view")) == {a, village}

    def test_it_audits_the_move(self):
        services.unit_move(
            acting_user=self.clerk, unit=self.units["a"], new_parent=self.units["dept"]
        )

        assert self.new_events() == 1
        event = last_event()
        assert event.action == AuditAction.MOVE
        assert event.object_id == str(self.units["a"].pk)
        assert event.changes["before"]["parent"] == self.units["root"].pk
        assert event.changes["after"]["parent"] == self.units["dept"].pk

    def test_it_refuses_moving_into_its_own_subtree(self):
        for target in ("a", "a_village"):
            with pytest.raises(ValidationError) as caught:
                services.unit_move(
                    acting_user=self.clerk, unit=self.units["a"], new_parent=self.units[target]
                )
            assert caught.value.message_dict["parent"] == ["不能移动到本单位或其下级单位之下"]
        assert self.fresh("a").parent_id == self.units["root"].pk
        assert self.new_events() == 0

    def test_it_refuses_moving_a_root(self):
        with pytest.raises(ValidationError) as caught:
            services.unit_move(
                acting_user=self.clerk, unit=self.units["root"], new_parent=self.units["a"]
            )
        assert caught.value.message_dict["parent"] == ["顶级单位不能移动"]

    def test_it_refuses_a_stale_version(self):
        services.unit_update(acting_user=self.org_clerk, unit=self.units["a"], order=3)

        with pytest.raises(ValidationError) as caught:
            services.unit_move(
                acting_user=self.clerk,
                unit=self.units["a"],
                new_parent=self.units["dept"],
                version=1,
            )
        assert "org_clerk" in caught.value.messages[0]
        assert self.fresh("a").parent_id == self.units["root"].pk

    def test_it_refuses_a_target_outside_scope(self):
        clerk_a = make_user("clerk_a", Role.CADRE_CLERK, self.units["a"])
        with pytest.raises(PermissionDenied):
            services.unit_move(
                acting_user=clerk_a, unit=self.units["a_village"], new_parent=self.units["b"]
            )
        assert self.fresh("a_village").parent_id == self.units["a"].pk


class UnitDeactivateTests(ServiceTestCase):
    def test_it_refuses_a_unit_with_active_children(self):
        with pytest.raises(ValidationError) as caught:
            services.unit_deactivate(acting_user=self.clerk, unit=self.units["a"])
        assert "下级单位" in caught.value.messages[0]
        assert self.fresh("a").is_active
        assert self.new_events() == 0

    def test_it_deactivates_and_restores(self):
        services.unit_deactivate(acting_user=self.clerk, unit=self.units["a_village"])
        village = self.fresh("a_village")
        assert not village.is_active
        assert village.deactivated_at is not None
        assert last_event().action == AuditAction.DELETE

        services.unit_deactivate(acting_user=self.clerk, unit=self.fresh("a"))
        assert not self.fresh("a").is_active

        with pytest.raises(ValidationError) as caught:
            services.unit_restore(acting_user=self.clerk, unit=self.fresh("a_village"))
        assert "上级单位已撤销" in caught.value.messages[0]

        services.unit_restore(acting_user=self.clerk, unit=self.fresh("a"))
        services.unit_restore(acting_user=self.clerk, unit=self.fresh("a_village"))
        village = self.fresh("a_village")
        assert village.is_active
        assert village.deactivated_at is None
        assert last_event().action == AuditAction.RESTORE
        assert self.new_events() == 4

    def test_it_refuses_a_root(self):
        with pytest.raises(ValidationError):
            services.unit_deactivate(acting_user=self.clerk, unit=self.units["root"])

    def test_it_refuses_outside_scope(self):
        with pytest.raises(PermissionDenied):
            services.unit_deactivate(acting_user=self.outsider_b, unit=self.units["a_village"])
        with pytest.raises(PermissionDenied):
            services.unit_restore(acting_user=self.leader, unit=self.units["a_village"])
        assert self.fresh("a_village").is_active


class QuotaSetTests(ServiceTestCase):
    def test_it_creates_updates_and_removes(self):
        a = self.units["a"]
        row = services.quota_set(acting_user=self.clerk, unit=a, rank_level="141", quota=1)
        assert row.pk is not None
        assert last_event().action == AuditAction.CREATE
        assert last_event().changes["after"] == {"quota": 1, "note": ""}

        services.quota_set(acting_user=self.clerk, unit=a, rank_level="141", quota=2, note="核增")
        quota = PostQuota.objects.get(unit=a, rank_level="141")
        assert (quota.quota, quota.note) == (2, "核增")
        assert last_event().action == AuditAction.UPDATE
        assert last_event().changes["before"]["quota"] == 1
        assert last_event().changes["after"]["quota"] == 2

        services.quota_set(acting_user=self.clerk, unit=a, rank_level="141", quota=0)
        assert not PostQuota.objects.filter(unit=a).exists()
        assert last_event().action == AuditAction.DELETE
        assert self.new_events() == 3

    def test_it_keeps_titles_apart(self):
        a = self.units["a"]
        services.quota_set(acting_user=self.clerk, unit=a, rank_level="141", quota=1, title="书记")
        services.quota_set(acting_user=self.clerk, unit=a, rank_level="141", quota=1, title="镇长")
        assert PostQuota.objects.filter(unit=a).count() == 2

    def test_it_validates_the_rank_level_code(self):
        with pytest.raises(ValidationError) as caught:
            services.quota_set(
                acting_user=self.clerk, unit=self.units["a"], rank_level="999", quota=1
            )
        assert caught.value.message_dict["rank_level"] == ["领导职务层次代码无效"]
        assert self.new_events() == 0

    def test_it_validates_the_number(self):
        with pytest.raises(ValidationError) as caught:
            services.quota_set(
                acting_user=self.clerk, unit=self.units["a"], rank_level="141", quota=100
            )
        assert "0–99" in caught.value.message_dict["quota"][0]

    def test_it_refuses_outside_scope(self):
        with pytest.raises(PermissionDenied):
            services.quota_set(
                acting_user=self.liaison_a, unit=self.units["a"], rank_level="141", quota=1
            )
        assert not PostQuota.objects.exists()


class DuplicateCodeDisclosureTests(PersonaTestCase):
    def test_it_names_the_holder_of_a_code_only_inside_the_actors_scope(self):
        clerk_a = make_user("clerk_a", Role.CADRE_CLERK, self.units["a"])
        with pytest.raises(ValidationError) as outside:
            services.unit_create(
                acting_user=clerk_a,
                parent=self.units["a"],
                name="新办",
                code="TB00",
                kind=UnitKind.OTHER,
                level=UnitLevel.BELOW,
            )
        assert outside.value.message_dict["code"] == ["单位代码 TB00 已被其他单位使用"]
        with pytest.raises(ValidationError) as inside:
            services.unit_create(
                acting_user=clerk_a,
                parent=self.units["a"],
                name="新办",
                code="TA01",
                kind=UnitKind.OTHER,
                level=UnitLevel.BELOW,
            )
        assert inside.value.message_dict["code"] == ["单位代码 TA01 已被“甲村”使用"]

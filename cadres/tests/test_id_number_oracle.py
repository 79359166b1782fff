"""An ID number held out of the user's sight gets the answer a new number gets (issue 12, item 4).

A clerk scoped to 甲镇 must not learn that a number belongs to a cadre of 乙镇: not from the
API's create, not from the LRMX or Excel preview, not from a namesake. The record is kept
待核实 and an ``IdNumberConflict`` goes to those who may change the holder, who either move
the holder in (同意调入) or take the number off the entered record (驳回). Every step is
audited. docs/security.md ("ID numbers across units").
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres import excel_import, lrmx
from cadres.models import Cadre, IdConflictStatus, IdNumberConflict, Position
from cadres.services import (
    cadre_create,
    cadre_update,
    id_conflict_reject,
    id_conflict_transfer,
    position_start,
)
from cadres.tests.test_excel_import import person, xlsx
from cadres.tests.test_lrmx import fixture
from core.fields import id_number_digest
from core.idnumber import build_id_number
from core.permissions import Role
from zugong.testing import PersonaTestCase, make_user

# The number of the LRMX fixture canonical.lrmx (张卫东, 男, 1978.03).
HELD = "433101197803152136"
# A number nobody holds, same sex and birth month (so the same form data fits both).
FREE = build_id_number("433101", dt.date(1978, 3, 20), 137).value


class IdOracleTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.clerk_a = make_user("clerk_a", Role.CADRE_CLERK, cls.units["a"])
        cls.clerk_b = make_user("clerk_b", Role.CADRE_CLERK, cls.units["b"])
        cls.holder = cadre_create(
            acting_user=cls.clerk,
            unit=cls.units["b"],
            name="张卫东",
            id_number=HELD,
            sex="1",
            birth_date=dt.date(1978, 3, 15),
        )

    def events(self, since: int, **filters: object) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(seq__gt=since, **filters).order_by("seq"))

    def last_seq(self) -> int:
        return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def post_cadre(self, user, number: str, name: str):
        return self.client_for(user).post(
            "/api/v1/cadres",
            {
                "unit_id": self.units["a"].pk,
                "name": name,
                "sex": "1",
                "birth_date": "1978-03-01",
                "id_number": number,
            },
            content_type="application/json",
        )


class SameAnswerTests(IdOracleTestCase):
    def test_the_api_answers_a_held_number_as_it_answers_a_free_one(self):
        free = self.post_cadre(self.clerk_a, FREE, "李四")
        held = self.post_cadre(self.clerk_a, HELD, "张伟东")
        assert free.status_code == held.status_code == 201, held.content
        assert set(free.json()) == set(held.json())
        body = held.content.decode()
        assert "张卫东" not in body
        assert "乙镇" not in body
        assert "其他单位" not in body
        assert held.json()["id_number_masked"] == "433101********2136"
        entered = Cadre.objects.get(pk=held.json()["id"])
        assert entered.unit == self.units["a"]
        assert entered.id_pending is True
        assert Cadre.objects.get(pk=free.json()["id"]).id_pending is False

    def test_it_routes_the_clash_to_those_who_can_see_the_holder_and_audits_it(self):
        before = self.last_seq()
        entered = cadre_create(
            acting_user=self.clerk_a, unit=self.units["a"], name="张伟东", id_number=HELD
        )
        conflict = IdNumberConflict.objects.get()
        assert (conflict.cadre, conflict.holder, conflict.unit) == (
            entered,
            self.holder,
            self.units["a"],
        )
        assert (conflict.requested_by, conflict.status) == (self.clerk_a, IdConflictStatus.OPEN)
        (opened,) = self.events(before, object_type="cadres.IdNumberConflict")
        assert opened.action == AuditAction.CREATE
        assert opened.object_id == str(conflict.pk)
        assert opened.actor == self.clerk_a
        assert opened.changes["after"]["holder"] == self.holder.pk
        # Those who may change the holder see it; the entrant and the other town do not.
        handlers = IdNumberConflict.objects.restrict(self.clerk_b, "cadres.change")
        assert list(handlers) == [conflict]
        assert not IdNumberConflict.objects.restrict(self.clerk_a, "cadres.change").exists()

    def test_a_visible_holder_is_still_named(self):
        with pytest.raises(ValidationError) as caught:
            cadre_create(
                acting_user=self.clerk_b, unit=self.units["b"], name="张伟东", id_number=HELD
            )
        assert caught.value.message_dict == {"id_number": ["该身份证号已属于干部“张卫东”"]}
        assert not IdNumberConflict.objects.exists()

    def test_editing_the_entered_record_keeps_one_request_and_a_new_number_withdraws_it(self):
        entered = cadre_create(
            acting_user=self.clerk_a, unit=self.units["a"], name="张伟东", id_number=HELD
        )
        entered = cadre_update(
            acting_user=self.clerk_a, cadre=entered, version=entered.version, expertise="农业"
        )
        assert entered.id_pending is True
        assert IdNumberConflict.objects.filter(status=IdConflictStatus.OPEN).count() == 1
        entered = cadre_update(
            acting_user=self.clerk_a, cadre=entered, version=entered.version, id_number=FREE
        )
        assert entered.id_pending is False
        conflict = IdNumberConflict.objects.get()
        assert conflict.status == IdConflictStatus.WITHDRAWN
        # The entrant is never shown a request that was open or withdrawn.
        page = self.client_for(self.clerk_a).get(reverse("cadres:id_conflicts"))
        assert "张伟东" not in page.content.decode()

    def test_the_lrmx_preview_shows_a_held_number_as_new_and_the_import_is_repeatable(self):
        before = self.last_seq()
        plan = lrmx.plan_import(
            acting_user=self.clerk_a,
            unit=self.units["a"],
            files=[("c.lrmx", fixture("canonical.lrmx"))],
        )
        (row,) = plan.rows
        assert row.status == "new"
        assert not any("管理范围" in m or "其他单位" in m for m in row.messages)
        assert self.events(before) == []  # a preview writes nothing
        plan = lrmx.commit_import(
            acting_user=self.clerk_a,
            unit=self.units["a"],
            files=[("c.lrmx", fixture("canonical.lrmx"))],
        )
        assert plan.rows[0].status == "new"
        entered = Cadre.objects.get(pk=plan.rows[0].cadre_id)
        assert entered.id_pending
        assert entered.unit == self.units["a"]
        assert IdNumberConflict.objects.get().cadre == entered
        again = lrmx.commit_import(
            acting_user=self.clerk_a,
            unit=self.units["a"],
            files=[("c.lrmx", fixture("canonical.lrmx"))],
        )
        assert again.rows[0].status == "unchanged"
        assert again.rows[0].cadre_id == entered.pk
        assert IdNumberConflict.objects.count() == 1
        assert Cadre.objects.filter(id_digest=id_number_digest(HELD)).count() == 2

    def test_the_lrmx_preview_says_nothing_of_a_namesake_out_of_sight(self):
        # A namesake of the same birth month without an ID number, in 乙镇: for a user who
        # can see it the import would stop and ask; for clerk_a it does not exist.
        cadre_update(
            acting_user=self.clerk,
            cadre=self.holder,
            version=self.holder.version,
            id_number=None,
        )
        shown = lrmx.plan_import(
            acting_user=self.clerk,
            unit=self.units["a"],
            files=[("c.lrmx", fixture("canonical.lrmx"))],
        )
        assert shown.rows[0].status == "conflict"
        hidden = lrmx.plan_import(
            acting_user=self.clerk_a,
            unit=self.units["a"],
            files=[("c.lrmx", fixture("canonical.lrmx"))],
        )
        assert hidden.rows[0].status == "new"
        assert not any("同名" in m for m in hidden.rows[0].messages)

    def test_the_excel_preview_shows_a_held_number_as_new_and_the_import_is_repeatable(self):
        row = person(1, 身份证号=HELD, 性别="男", 出生年月="1978.03", 姓名="张伟东")
        free = person(2, 身份证号=FREE, 性别="男", 出生年月="1978.03", 姓名="李四")
        data = xlsx([row, free])
        plan = excel_import.plan_import(acting_user=self.clerk_a, unit=self.units["a"], data=data)
        assert [r.status for r in plan.rows] == ["new", "new"]
        assert plan.rows[0].errors == {}
        assert plan.rows[0].notes == plan.rows[1].notes
        excel_import.commit_import(acting_user=self.clerk_a, unit=self.units["a"], data=data)
        entered = Cadre.objects.get(name="张伟东")
        assert entered.id_pending
        assert entered.unit == self.units["a"]
        assert IdNumberConflict.objects.get().cadre == entered
        again = excel_import.commit_import(
            acting_user=self.clerk_a, unit=self.units["a"], data=data
        )
        assert [r.status for r in again.rows] == ["unchanged", "unchanged"]
        assert IdNumberConflict.objects.count() == 1


class DecisionTests(IdOracleTestCase):
    def setUp(self) -> None:
        self.entered = cadre_create(
            acting_user=self.clerk_a, unit=self.units["a"], name="张伟东", id_number=HELD
        )
        self.conflict = IdNumberConflict.objects.get()

    def test_the_holders_clerk_moves_the_holder_in_and_the_duplicate_goes(self):
        before = self.last_seq()
        holder = id_conflict_transfer(acting_user=self.clerk_b, conflict=self.conflict)
        assert holder.pk == self.holder.pk
        assert holder.unit == self.units["a"]
        assert holder.unit_path == self.units["a"].path
        assert not Cadre.objects.filter(pk=self.entered.pk).exists()
        self.conflict.refresh_from_db()
        assert self.conflict.status == IdConflictStatus.TRANSFERRED
        assert self.conflict.handled_by == self.clerk_b
        assert self.conflict.cadre is None  # the request outlives the duplicate
        kinds = [(e.action, e.object_type, e.object_id) for e in self.events(before)]
        assert kinds == [
            (AuditAction.DELETE, "cadres.Cadre", str(self.entered.pk)),
            (AuditAction.MOVE, "cadres.Cadre", str(self.holder.pk)),
            (AuditAction.UPDATE, "cadres.IdNumberConflict", str(self.conflict.pk)),
        ]
        # The entrant now manages the person and is told how the request ended.
        assert Cadre.objects.restrict(self.clerk_a, "cadres.change").get() == holder
        page = self.client_for(self.clerk_a).get(reverse("cadres:id_conflicts")).content.decode()
        assert "已调入" in page
        assert "张伟东" in page

    def test_a_rejection_needs_a_reason_and_takes_the_number_off(self):
        with pytest.raises(ValidationError):
            id_conflict_reject(acting_user=self.clerk_b, conflict=self.conflict, reason=" ")
        before = self.last_seq()
        id_conflict_reject(acting_user=self.clerk_b, conflict=self.conflict, reason="非同一人")
        self.entered.refresh_from_db()
        assert self.entered.id_number is None
        assert self.entered.id_digest == ""
        assert self.entered.id_pending is False
        assert self.holder.__class__.objects.get(pk=self.holder.pk).unit == self.units["b"]
        actions = [(e.action, e.object_type) for e in self.events(before)]
        assert actions == [
            (AuditAction.UPDATE, "cadres.Cadre"),
            (AuditAction.UPDATE, "cadres.IdNumberConflict"),
        ]
        page = self.client_for(self.clerk_a).get(reverse("cadres:detail", args=[self.entered.pk]))
        assert "身份证号核实未通过" in page.content.decode()
        assert "非同一人" in page.content.decode()
        assert "乙镇" not in page.content.decode()
        # A number entered again replaces the note.
        entered = cadre_update(
            acting_user=self.clerk_a,
            cadre=self.entered,
            version=self.entered.version,
            id_number=FREE,
        )
        assert entered.id_check_note == ""
        assert "核实未通过" not in (
            self.client_for(self.clerk_a)
            .get(reverse("cadres:detail", args=[self.entered.pk]))
            .content.decode()
        )

    def test_the_entrant_and_other_units_cannot_decide(self):
        for user in (self.clerk_a, self.liaison_a, self.outsider_b, self.leader):
            with pytest.raises(PermissionDenied):
                id_conflict_transfer(acting_user=user, conflict=self.conflict)
            with pytest.raises(PermissionDenied):
                id_conflict_reject(acting_user=user, conflict=self.conflict, reason="x")
        url = reverse("cadres:id_conflict_transfer", args=[self.conflict.pk])
        assert self.client_for(self.clerk_a).post(url).status_code == 404
        self.conflict.refresh_from_db()
        assert self.conflict.status == IdConflictStatus.OPEN
        assert Cadre.objects.get(pk=self.holder.pk).unit == self.units["b"]

    def test_the_pages_show_the_request_to_the_holders_clerk(self):
        client = self.client_for(self.clerk_b)
        roster = client.get(reverse("cadres:roster")).content.decode()
        assert "有待处理的身份证号核实" in roster
        listing = client.get(reverse("cadres:id_conflicts")).content.decode()
        assert "甲镇" in listing
        assert "张伟东" in listing
        response = client.post(
            reverse("cadres:id_conflict_reject", args=[self.conflict.pk]), {"reason": "非同一人"}
        )
        assert response.status_code == 302
        self.conflict.refresh_from_db()
        assert self.conflict.status == IdConflictStatus.REJECTED
        # The entrant's roster never carried the banner.
        assert "身份证号核实" not in (
            self.client_for(self.clerk_a).get(reverse("cadres:roster")).content.decode()
        )

    def test_the_duplicates_own_records_go_with_it_and_the_audit_keeps_count(self):
        position_start(
            acting_user=self.clerk_a,
            cadre=self.entered,
            unit=self.units["a"],
            title="党委委员",
            start_date=dt.date(2025, 1, 1),
        )
        before = self.last_seq()
        id_conflict_transfer(acting_user=self.clerk_b, conflict=self.conflict)
        assert not Position.objects.filter(cadre_id=self.entered.pk).exists()
        (removed,) = self.events(before, action=AuditAction.DELETE)
        assert removed.changes["before"]["name"] == "张伟东"
        assert removed.changes["before"]["records"] == {
            "positions": 1,
            "educations": 0,
            "family": 0,
        }

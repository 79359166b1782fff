"""The update services' shared body (``audit.services.record_update``) on a real unit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.choices import AuditAction
from audit.models import AuditEvent
from audit.services import editable, record_update, snapshot
from orgs.models import Unit
from zugong.testing import PersonaTestCase


def _state(unit: Unit) -> dict:
    return snapshot(unit, ["name", "short_name"])


class RecordUpdateTests(PersonaTestCase):
    def _updates(self, unit: Unit) -> list[AuditEvent]:
        return list(
            AuditEvent.objects.filter(
                object_type="orgs.Unit", object_id=str(unit.pk), action=AuditAction.UPDATE
            )
        )

    def test_a_change_is_saved_versioned_and_recorded_with_its_context(self) -> None:
        unit = Unit.objects.get(pk=self.units["a"].pk)
        version = unit.version
        saved = record_update(
            actor=self.clerk,
            current=unit,
            fields={"short_name": "甲"},
            state=_state,
            validate=lambda u: None,
            version=version,
            context=lambda u: {"unit": u.name},
        )
        assert saved
        fresh = Unit.objects.get(pk=unit.pk)
        assert (fresh.short_name, fresh.version) == ("甲", version + 1)
        (event,) = self._updates(unit)
        assert event.changes["unit"] == "甲镇"
        assert event.changes["after"] == {"short_name": "甲"}
        assert set(event.changes["before"]) == {"short_name"}

    def test_a_stale_version_is_refused_with_the_callers_words_and_nothing_changes(self) -> None:
        unit = Unit.objects.get(pk=self.units["a"].pk)
        with pytest.raises(ValidationError, match=r"该单位已被.*修改，请刷新后重试"):
            record_update(
                actor=self.clerk,
                current=unit,
                fields={"short_name": "甲"},
                state=_state,
                validate=lambda u: None,
                version=unit.version - 1,
                stale="该单位已被{editor}修改，请刷新后重试",
            )
        assert Unit.objects.get(pk=unit.pk).short_name != "甲"
        assert self._updates(unit) == []

    def test_nothing_is_saved_or_recorded_when_the_state_is_the_same(self) -> None:
        unit = Unit.objects.get(pk=self.units["a"].pk)
        saved = record_update(
            actor=self.clerk,
            current=unit,
            fields={"name": unit.name},
            state=_state,
            validate=lambda u: None,
            skip_unchanged=True,
        )
        assert not saved
        assert Unit.objects.get(pk=unit.pk).version == unit.version
        assert self._updates(unit) == []

    def test_a_validation_error_saves_nothing(self) -> None:
        unit = Unit.objects.get(pk=self.units["a"].pk)

        def refuse(u: Unit) -> None:
            raise ValidationError({"name": "名称不能为空"})

        with pytest.raises(ValidationError, match="名称不能为空"):
            record_update(
                actor=self.clerk, current=unit, fields={"name": ""}, state=_state, validate=refuse
            )
        assert Unit.objects.get(pk=unit.pk).name == "甲镇"
        assert self._updates(unit) == []


def test_editable_refuses_a_field_the_service_does_not_edit() -> None:
    editable({"name": "x"}, ["name", "short_name"])
    with pytest.raises(ValueError, match=r"not editable here: \['path'\]"):
        editable({"name": "x", "path": "0001/"}, ["name", "short_name"])

"""An import brings the alerts of its subtree up to date as soon as it commits, so a new
deployment's dashboard shows alerts after its first import (docs/journeys.md, journey 12)
rather than after the next daily run."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

from alerts.models import Alert
from audit.models import AuditEvent
from cadres import lrmx
from cadres.excel_import import commit_import
from cadres.models import Cadre
from cadres.tests.test_excel_import import ImportTestCase, person, xlsx

LRMX_FILE = Path(__file__).resolve().parents[2] / "cadres" / "tests" / "lrmx" / "canonical.lrmx"


def runs_after_import() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="alerts.run", changes__after_import=True).order_by(
            "seq"
        )
    )


class AlertsAfterImportTests(ImportTestCase):
    def test_an_excel_import_computes_the_alerts_of_its_unit_once_it_commits(self) -> None:
        # Born in 1960: past the retirement age on the pinned day, still 在职 in the file.
        data = xlsx([person(1)])
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            commit_import(acting_user=self.clerk, unit=self.units["a"], data=data)
            assert not Alert.objects.exists()  # nothing before the commit
        assert len(callbacks) == 1
        cadre = Cadre.objects.get()
        codes = set(Alert.objects.filter(cadre=cadre).values_list("rule__code", flat=True))
        assert "retirement" in codes
        (run,) = runs_after_import()
        assert run.actor_id is None
        assert run.object_id == self.units["a"].path
        assert run.changes["created"] >= 1

    def test_an_unchanged_reimport_computes_nothing(self) -> None:
        data = xlsx([person(1)])
        with self.captureOnCommitCallbacks(execute=True):
            commit_import(acting_user=self.clerk, unit=self.units["a"], data=data)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            commit_import(acting_user=self.clerk, unit=self.units["a"], data=data)
        assert callbacks == []
        assert len(runs_after_import()) == 1

    def test_an_lrmx_import_computes_them_too(self) -> None:
        files = [(LRMX_FILE.name, LRMX_FILE.read_bytes())]
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            lrmx.commit_import(acting_user=self.clerk, unit=self.units["a"], files=files)
        assert len(callbacks) == 1
        assert [r.object_id for r in runs_after_import()] == [self.units["a"].path]

    def test_a_failing_computation_leaves_the_import_in_place(self) -> None:
        data = xlsx([person(1)])
        with (
            mock.patch("alerts.services.compute", side_effect=RuntimeError("boom")),
            self.assertLogs("alerts.services", level="ERROR") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            commit_import(acting_user=self.clerk, unit=self.units["a"], data=data)
        assert Cadre.objects.count() == 1
        assert runs_after_import() == []
        assert "预警计算（导入后）失败" in logs.output[0]

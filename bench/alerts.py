"""Benchmark figures of the warning system and the team pages (issue: 预警与班子结构).

Run by bench/run.py after the cadre figures, on the same seeded tier. See bench/README.md.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

TARGETS: dict[str, tuple[str, str, float]] = {
    "alerts_compute_all_s": ("s", "<=", 5),
    "alerts_one_cadre_ms": ("ms", "<=", 50),
    "alert_centre_page_p50": ("ms", "<=", 100),
    "team_page_p50": ("ms", "<=", 200),
    "structure_page_p50": ("ms", "<=", 200),
    "structure_root_cold": ("ms", "<=", 200),
    "dashboard_cold_p50": ("ms", "<=", 200),
}

Step = tuple[Callable[[], None], tuple[str, ...]]
COLD_RUNS = 5  # fresh processes for structure_root_cold (each sets Django up: ~2 s)
COLD_USER = "lingdao"  # 部领导, scoped to the root: who opens the whole-tier analysis

# One cold view in a process of its own: Django set up, then one request of a page without
# cadre data (``WARM_URL``: loads the URLconf and the base template with its navigation, as
# any worker has done before a leader's first view), then, with no database connection open
# and the cache empty, the page's first request in that process, timed. argv: url, warm url, user.
WARM_URL = "/accounts/password/"
_COLD_VIEW = """
import sys, time
import django
django.setup()
from django.core.cache import cache
from django.db import connections
from django.test import Client
from accounts.models import User
from core import context
url, warm_url, username = sys.argv[1:4]
client = Client(HTTP_HOST="localhost")
where = context.RequestContext(ip="127.0.0.1", request_id="bench-cold", channel="cli")
token = context.set_current(where)
client.force_login(User.objects.get(username=username))
context.reset(token)
if client.get(warm_url).status_code != 200:
    sys.exit(f"GET {warm_url} failed")
cache.clear()
connections.close_all()
started = time.perf_counter()
response = client.get(url)
ms = (time.perf_counter() - started) * 1000
if response.status_code != 200:
    sys.exit(f"GET {url} answered {response.status_code}, expected 200")
print(f"BENCH-COLD-MS {ms:.3f}")
"""


class AlertBench:
    """The alert and team figures. ``bench`` is run.Bench; the helpers are run.py's."""

    def __init__(
        self,
        bench: Any,
        *,
        report: Callable[[str, float], None],
        log: Callable[[str], None],
        timed_ms: Callable[..., list[float]],
        percentile: Callable[[list[float], float], float],
    ) -> None:
        self.bench = bench
        self.report = report
        self.log = log
        self.timed_ms = timed_ms
        self.percentile = percentile

    def steps(self) -> list[Step]:
        return [
            (self.compute_all, ("alerts_compute_all_s",)),
            (self.one_cadre, ("alerts_one_cadre_ms",)),
            (self.alert_centre, ("alert_centre_page_p50",)),
            (self.team_page, ("team_page_p50",)),
            (self.structure_page, ("structure_page_p50",)),
            (self.structure_root_cold, ("structure_root_cold",)),
            (self.dashboard_cold, ("dashboard_cold_p50",)),
        ]

    def _today(self) -> Any:
        from django.utils import timezone

        return timezone.localdate()

    def compute_all(self) -> None:
        """Every enabled rule over the whole tier: once from nothing (every alert inserted),
        then again on the same day (the steady state of a daily run: only changes written).
        The figure is the second run; the first is on stderr."""
        from alerts.engine import compute
        from alerts.models import Alert
        from alerts.registry import RULES, Scope

        scope = Scope(path=self.bench.root.path, today=self._today())
        Alert.objects.all().delete()
        started = time.perf_counter()
        first = compute(scope)
        first_s = time.perf_counter() - started
        totals = first.totals
        self.log(
            f"bench: alerts first computation (empty table): {first_s:.2f} s, "
            f"{totals['found']} findings, {totals['created']} inserted"
        )
        for outcome in first.rules:
            self.log(f"bench:   {outcome.code}: {outcome.found} findings")
        started = time.perf_counter()
        again = compute(scope)
        seconds = time.perf_counter() - started
        self.log(
            f"bench: alerts recomputation: {seconds:.2f} s, {again.totals['found']} findings, "
            f"{again.totals['updated']} updated, {again.totals['resolved']} resolved"
        )
        for code in RULES:
            started = time.perf_counter()
            compute(scope, codes=[code])
            self.log(f"bench:   {code}: {(time.perf_counter() - started) * 1000:.0f} ms")
        self._raw_tenure_scan(scope)
        self.report("alerts_compute_all_s", seconds)

    def _raw_tenure_scan(self, scope: Any) -> None:
        """The reference the issue gives (a tenure scan over all positions ~35 ms of raw SQL)."""
        from django.db import connection

        from core.dates import latest_start

        cutoff = latest_start(scope.today, 60)
        sql = (
            "SELECT p.id, p.cadre_id, p.start_date FROM cadres_position p "
            "JOIN cadres_cadre c ON c.id = p.cadre_id "
            "WHERE p.end_date IS NULL AND p.is_leading AND p.start_date <= %s "
            "AND c.status = 'active' AND c.unit_path LIKE %s"
        )

        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, [cutoff, scope.path + "%"])
                cursor.fetchall()

        samples = self.timed_ms(run, 10, warmup=2)
        self.log(
            f"bench: raw SQL of the same-post tenure scan: p50 {statistics.median(samples):.1f} ms"
        )

    def _busy_cadre(self) -> Any:
        from django.db.models import Count

        from alerts.models import Alert
        from cadres.models import Cadre

        row = (
            Alert.objects.filter(subject="cadre", is_active=True)
            .values("subject_id")
            .annotate(n=Count("id"))
            .order_by("-n", "subject_id")
            .first()
        )
        if row is None:
            raise RuntimeError("no cadre has an alert")
        return Cadre.objects.get(pk=row["subject_id"]), row["n"]

    def one_cadre(self) -> None:
        """All rules for the cadre with the most alerts, as the cadre page's 重新计算 does."""
        from alerts.engine import compute
        from alerts.registry import Scope

        cadre, count = self._busy_cadre()
        scope = Scope(path=cadre.unit_path, today=self._today(), cadre_ids=frozenset({cadre.pk}))
        samples = self.timed_ms(lambda: compute(scope), self.bench.repeat)
        self.log(
            f"bench: one cadre's alerts ({cadre.name}, {count} alerts): "
            f"p95 {self.percentile(samples, 95):.1f} ms"
        )
        self.report("alerts_one_cadre_ms", statistics.median(samples))

    def _cold(self, name: str, url: str) -> None:
        """A first view: the cache emptied before every request (the alert centre's counts,
        the structure analysis and the dashboard figures are remembered per state of the data,
        and any audit event — a login, an export — starts a new state)."""
        from django.core.cache import cache

        def first_view() -> None:
            cache.clear()
            self.bench.get(url)

        samples = self.timed_ms(first_view, self.bench.repeat)
        self.log(
            f"bench: GET {url} (cache emptied first): {self.bench.count_queries(url)} queries, "
            f"p95 {self.percentile(samples, 95):.1f} ms"
        )
        self.report(name, statistics.median(samples))

    def alert_centre(self) -> None:
        self._cold("alert_centre_page_p50", "/alerts/?size=50")

    def _big_team_unit(self) -> Any:
        from django.db.models import Count

        from cadres.models import Position
        from orgs.models import Unit

        row = (
            Position.objects.filter(end_date__isnull=True, is_leading=True, unit__isnull=False)
            .values("unit_id")
            .annotate(n=Count("id"))
            .order_by("-n", "unit_id")
            .first()
        )
        if row is None:
            raise RuntimeError("no unit has a leadership team")
        return Unit.objects.get(pk=row["unit_id"]), row["n"]

    def team_page(self) -> None:
        unit, size = self._big_team_unit()
        self.log(f"bench: team page of {unit.name} ({size} open leading positions)")
        self._cold("team_page_p50", f"/cadres/team/{unit.pk}/")

    def structure_page(self) -> None:
        """结构分析 of the root's largest child (a city at province tier, the county
        government at county tier), cold (the whole tier's root: ``structure_root_cold``)."""
        from django.db.models import Count

        from cadres.models import Cadre
        from orgs.models import Unit

        children = Unit.objects.filter(parent=self.bench.root, is_active=True)
        sizes = {
            u.pk: Cadre.objects.filter(unit_path__startswith=u.path).aggregate(n=Count("id"))["n"]
            for u in children
        }
        biggest = max(sizes, key=lambda pk: (sizes[pk], -pk))
        unit = Unit.objects.get(pk=biggest)
        self.log(f"bench: structure page of {unit.name} ({sizes[biggest]} cadres in the subtree)")
        self._cold("structure_page_p50", f"/cadres/structure/{unit.pk}/")

    def structure_root_cold(self) -> None:
        """结构分析 of the whole tier (the root) as a leader first opens it: each of
        ``COLD_RUNS`` runs is a new process (``_COLD_VIEW``: after one request of a page
        without cadre data, a new database connection, an empty cache, the page's first
        request in that process); the figure is their median.
        PostgreSQL's buffer cache and the OS page cache stay warm. The same page with the
        cache emptied in this (warm) process goes to stderr."""
        from django.core.cache import cache
        from django.db import connections

        url = f"/cadres/structure/{self.bench.root.pk}/"

        def root_view() -> None:
            cache.clear()
            self.bench.get(url)

        samples = self.timed_ms(root_view, 5, warmup=1)
        self.log(
            f"bench: GET {url} in this process, cache emptied first: "
            f"p50 {statistics.median(samples):.0f} ms"
        )
        connections.close_all()  # SQLite: nothing of ours open while the children read
        cold = [self._cold_process_ms(url) for _ in range(COLD_RUNS)]
        self.log(
            f"bench: GET {url} as the first request of a new process ({COLD_USER}):"
            f" {', '.join(f'{ms:.0f}' for ms in cold)} ms"
        )
        self.report("structure_root_cold", statistics.median(cold))

    def _cold_process_ms(self, url: str) -> float:
        env = dict(os.environ)  # the bench database and settings
        command = [sys.executable, "-c", _COLD_VIEW, url, WARM_URL, COLD_USER]
        done = subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        found = re.search(r"^BENCH-COLD-MS ([0-9.]+)$", done.stdout, re.MULTILINE)
        if done.returncode != 0 or found is None:
            raise RuntimeError(f"cold view exited {done.returncode}: {done.stderr[-300:]}")
        return float(found.group(1))

    def dashboard_cold(self) -> None:
        self._cold("dashboard_cold_p50", "/")

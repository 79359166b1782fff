"""Cadre figures of the bench (bench/README.md "Cadre figures"), called from bench/run.py.

Each step imports what it measures inside the step: while a module is missing or broken
the step fails with that ImportError, its figures print as ``nan`` and the others run.
Steps that change data (the imports) come last, so the read figures see the seeded tier.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent

# name: (unit, comparison, target). See bench/README.md for where each target comes from.
TARGETS: dict[str, tuple[str, str, float]] = {
    "cadre_roster_page_p50": ("ms", "<=", 50),
    # Derived (the issue sets no target for the raw SQL itself): the page's 50 ms minus
    # the 15 ms allowed for the framework around it.
    "cadre_roster_raw_sql_p50": ("ms", "<=", 35),
    "cadre_roster_overhead_ms": ("ms", "<=", 15),
    "cadre_roster_any_page_p95": ("ms", "<=", 100),
    "cadre_roster_admin_ratio": ("x", ">=", 1),
    "cadre_page_p50": ("ms", "<=", 30),
    # 12 for the page, up to 4 to record its 查看 event (SQLite: BEGIN IMMEDIATE, head, insert,
    # COMMIT; PostgreSQL: the chain lock, head, insert).
    "cadre_page_queries": ("queries", "<=", 16),
    "approval_form_ms": ("ms", "<=", 100),
    "lrmx_export_rate": ("files/s", ">=", 200),
    "roster_export_100k_s": ("s", "<=", 30),
    "roster_export_all_s": ("s", "<=", 30),
    "roster_export_rss_mb": ("MB", "<", 300),
    "excel_import_rate": ("rows/s", ">=", 1000),
    "lrmx_import_rate": ("files/s", ">=", 200),
}

PAGE = 50  # rows per roster page in every cadre figure (?size=50)
AGE_MIN, AGE_MAX = 35, 50
EXCEL_ROWS = 2_000
LRMX_FILES = 1_000
FORM_RUNS = 20
FORM_BATCH = 20
EXPORT_ROWS = 100_000
MAX_ROSTER_URLS = 6

Step = tuple[Callable[[], None], tuple[str, ...]]

# The parent of the export process: runs argv[1:], prints the child's peak RSS (KiB).
_RSS_OF_CHILD = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"BENCH-RSS-KB {rss}", file=sys.stderr)
sys.exit(code)
"""

# The child process of roster_export at ≥100k cadres: manage.py export_roster with the
# roster queryset narrowed to unit_path <= ZUGONG_BENCH_EXPORT_BOUND (see roster_export).
_NARROWED_EXPORT = """
import os, sys
import django
django.setup()
from cadres import roster
_all = roster.roster_queryset
bound = os.environ["ZUGONG_BENCH_EXPORT_BOUND"]
roster.roster_queryset = lambda **kw: _all(**kw).filter(unit_path__lte=bound)
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", *sys.argv[1:]])
"""


class _Rollback(Exception):
    """Raised to undo the temporary copies of a record (cadre page query-count check)."""


class CadreBench:
    """The cadre figures. ``bench`` is run.Bench (client, user, root, tier, repeat, get …);
    ``report``, ``log``, ``timed_ms`` and ``percentile`` are run.py's, so that every figure
    goes through the same list and summary."""

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
        self._filter: dict[str, Any] | None = None
        self._long_pk: int | None = None
        self._roster_p50: float | None = None

    def steps(self) -> list[Step]:
        return [
            (
                self.roster_page,
                (
                    "cadre_roster_page_p50",
                    "cadre_roster_raw_sql_p50",
                    "cadre_roster_overhead_ms",
                ),
            ),
            (self.roster_any_page, ("cadre_roster_any_page_p95",)),
            (self.roster_admin, ("cadre_roster_admin_ratio",)),
            (self.cadre_page, ("cadre_page_p50", "cadre_page_queries")),
            (self.approval_form, ("approval_form_ms",)),
            (self.lrmx_export, ("lrmx_export_rate",)),
            (self.roster_export, (self._export_name(), "roster_export_rss_mb")),
            (self.excel_import, ("excel_import_rate",)),
            (self.lrmx_import, ("lrmx_import_rate",)),
        ]

    # ------------------------------------------------------------ shared helpers

    def _export_name(self) -> str:
        """``roster_export_100k_s`` when the tier has ≥100k cadres to export, else ``_all_s``."""
        try:
            return (
                "roster_export_100k_s"
                if self._export_count() >= EXPORT_ROWS
                else ("roster_export_all_s")
            )
        except Exception:  # the cadre app is broken: the step reports the error itself
            return "roster_export_100k_s"

    def _export_count(self) -> int:
        from cadres import roster
        from core.permissions import Action

        qs = roster.roster_queryset(
            user=self.bench.user, filters={"status": "active"}, action=Action.CADRES_EXPORT
        )
        return qs.count()

    def _require_cadres(self) -> None:
        from cadres.models import Cadre

        if not Cadre.objects.exists():
            raise RuntimeError(
                "seed_demo made no cadres (demo/demo_cadres.py not wired into seed_demo yet?)"
            )

    def _filter_params(self) -> dict[str, Any]:
        """The filtered roster page: the biggest subtree below the root, its most common
        领导职务层次 among cadres aged 35–50, sorted by birth date, 50 a page."""
        if self._filter is not None:
            return self._filter
        self._require_cadres()
        from django.db.models import Count
        from django.utils import timezone

        from cadres import roster
        from cadres.models import Cadre
        from orgs.models import Unit

        active = Cadre.objects.filter(status="active")
        children = list(Unit.objects.filter(parent=self.bench.root, is_active=True))
        sizes = {c.pk: active.filter(unit_path__startswith=c.path).count() for c in children}
        unit = min(children, key=lambda c: (-sizes[c.pk], c.path))
        ages = roster.birth_range(AGE_MIN, AGE_MAX, timezone.localdate())
        levels = (
            active.filter(ages, unit_path__startswith=unit.path)
            .exclude(rank_level="")
            .values("rank_level")
            .annotate(n=Count("id"))
            .order_by("-n", "rank_level")
        )
        top = levels.first()
        if top is None:
            raise RuntimeError(f"no cadre aged {AGE_MIN}–{AGE_MAX} with a level under {unit.name}")
        params = {
            "unit": unit.code,
            "rank_level": top["rank_level"],
            # Strings, as a query string gives them: filters_from ignores what is not text,
            # and the expected count then left out the age filter (113 against the page's 72).
            "age_min": str(AGE_MIN),
            "age_max": str(AGE_MAX),
            "size": str(PAGE),
            "sort": "birth",
        }
        rows = roster.roster_queryset(user=self.bench.user, filters=roster.filters_from(params))
        count = rows.count()
        self.log(
            f"bench: roster filter: {unit.name} ({unit.code}, {sizes[unit.pk]} active cadres "
            f"in the subtree of {self.bench.root.name}'s {len(children)} children), "
            f"rank_level {top['rank_level']}, age {AGE_MIN}–{AGE_MAX}: {count} rows"
        )
        if count < PAGE:
            raise RuntimeError(f"the filtered roster has only {count} rows")
        self._filter = {"params": params, "unit": unit, "count": count}
        return self._filter

    def _roster_url(self) -> str:
        return "/cadres/?" + urlencode(self._filter_params()["params"])

    def cold(self, url: str) -> Any:
        """GET ``url`` as a first view: the roster's remembered totals are forgotten first
        (audit.selectors.counted), so the page counts its rows as the raw SQL does."""
        from django.core.cache import cache

        cache.clear()
        return self.bench.get(url)

    def _capture(self, url: str) -> list[tuple[str, Any]]:
        """(sql, params) of every statement one GET of ``url`` sends, in order."""
        from django.db import connection

        statements: list[tuple[str, Any]] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            statements.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            self.cold(url)
        return statements

    def _raw(self, statements: list[tuple[str, Any]]) -> Callable[[], list[list[Any]]]:
        from django.db import connection

        def run() -> list[list[Any]]:
            results = []
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    results.append(cursor.fetchall())
            return results

        return run

    @staticmethod
    def _short(sql: str) -> str:
        return re.sub(r"\s+", " ", sql)[:90]

    def _long_record_pk(self) -> int:
        """The active cadre with the most positions (ties: the lowest id)."""
        if self._long_pk is None:
            self._require_cadres()
            from django.db.models import Count

            from cadres.models import Position

            top = (
                Position.objects.filter(cadre__status="active")
                .values("cadre_id")
                .annotate(n=Count("id"))
                .order_by("-n", "cadre_id")
                .first()
            )
            if top is None:
                raise RuntimeError("no cadre has a position")
            self._long_pk = int(top["cadre_id"])
        return self._long_pk

    # ------------------------------------------------------------ roster

    def roster_page(self) -> None:
        """The filtered page, the raw SQL of its data queries, and the difference."""
        url = self._roster_url()
        samples = self.timed_ms(lambda: self.cold(url), self.bench.repeat)
        page_p50 = statistics.median(samples)
        warm = self.timed_ms(lambda: self.bench.get(url), self.bench.repeat)
        self.log(
            f"bench: same page viewed again (total remembered, no COUNT): p50 "
            f"{statistics.median(warm):.1f} ms, p95 {self.percentile(warm, 95):.1f} ms"
        )
        self._roster_p50 = page_p50
        statements = self._capture(url)
        # The data queries: the roster rows' COUNT and page (the only ones reading
        # cadres_cadre) and the prefetch of those rows' units (the first orgs_unit query
        # after the page). Not counted as data: the session, user and grants, the unit code
        # lookups of the filter and the heading, the code tables and the saved column sets.
        reads = [i for i, (sql, _) in enumerate(statements) if 'FROM "cadres_cadre"' in sql]
        units = [
            i
            for i, (sql, _) in enumerate(statements)
            if reads and i > reads[-1] and 'FROM "orgs_unit"' in sql
        ]
        data = [statements[i] for i in [*reads, *units[:1]]]
        if len(data) != 3:
            listing = "; ".join(self._short(s) for s, _ in statements)
            raise RuntimeError(f"expected count, page and units among {listing}")
        self.log(
            f"bench: GET {url}: {len(statements)} queries, p95 "
            f"{self.percentile(samples, 95):.1f} ms; raw SQL = "
            + " | ".join(self._short(s) for s, _ in data)
        )
        raw = self._raw(data)
        count_rows, page_rows, unit_rows = raw()
        expected = self._filter_params()["count"]
        if count_rows[0][0] != expected or len(page_rows) != PAGE or not unit_rows:
            raise RuntimeError(
                f"raw SQL returned count {count_rows[0][0]} (expected {expected}), "
                f"{len(page_rows)} rows, {len(unit_rows)} units"
            )
        raw_p50 = statistics.median(self.timed_ms(raw, self.bench.repeat))
        selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
        all_p50 = statistics.median(self.timed_ms(self._raw(selects), self.bench.repeat))
        self.log(
            f"bench: all {len(selects)} SELECTs of the request as raw SQL: p50 {all_p50:.2f} ms "
            f"(page minus all its SQL: {page_p50 - all_p50:.2f} ms)"
        )
        self.report("cadre_roster_page_p50", page_p50)
        self.report("cadre_roster_raw_sql_p50", raw_p50)
        self.report("cadre_roster_overhead_ms", page_p50 - raw_p50)

    def roster_any_page(self) -> None:
        """p95 over a mix of roster pages (each measured ``repeat`` times)."""
        from cadres import roster
        from cadres.models import Cadre

        f = self._filter_params()
        last = math.ceil(f["count"] / PAGE)
        cadre = Cadre.objects.get(pk=self._long_record_pk())
        initials = cadre.name_initials[:2]
        id_number = cadre.id_number.value if cadre.id_number else ""
        urls = {
            "unfiltered, by unit": f"/cadres/?size={PAGE}",
            "unfiltered, by name": f"/cadres/?sort=name&size={PAGE}",
            "unfiltered, by birth": f"/cadres/?sort=birth&size={PAGE}",
            "filter, last page": f"{self._roster_url()}&page={last}",
            f"initials {initials!r}": f"/cadres/?q={initials}&size={PAGE}",
        }
        if id_number:
            urls["ID number"] = f"/cadres/?q={id_number}&size={PAGE}"
        everything: list[float] = []
        again: list[float] = []
        for label, url in urls.items():
            samples = self.timed_ms(lambda u=url: self.cold(u), self.bench.repeat)
            everything.extend(samples)
            again.extend(self.timed_ms(lambda u=url: self.bench.get(u), self.bench.repeat))
            q = url.split("q=")[1].split("&")[0] if "q=" in url else ""
            rows = roster.roster_queryset(user=self.bench.user, filters={"q": q}).count()
            self.log(
                f"bench: roster {label}: p50 {statistics.median(samples):.1f} ms, "
                f"p95 {self.percentile(samples, 95):.1f} ms ({rows if q else '-'} rows; {url})"
            )
        # Not in the figure (the brief's mix above is): the deepest OFFSET there is.
        total = roster.roster_queryset(user=self.bench.user, filters={}).count()
        deep = f"/cadres/?size={PAGE}&page={math.ceil(total / PAGE)}"
        samples = self.timed_ms(lambda: self.cold(deep), min(self.bench.repeat, 10), 2)
        self.log(
            f"bench: roster unfiltered last page ({total} rows, not in the figure): p50 "
            f"{statistics.median(samples):.1f} ms, max {max(samples):.1f} ms ({deep})"
        )
        self.log(
            "bench: the same pages viewed again (totals remembered until the data changes): "
            f"p50 {statistics.median(again):.1f} ms, p95 {self.percentile(again, 95):.1f} ms"
        )
        self.report("cadre_roster_any_page_p95", self.percentile(everything, 95))

    def roster_admin(self) -> None:
        """The same filtered list through a stock Django admin changelist; ratio admin/ours."""
        from django.conf import settings
        from django.utils import timezone

        from cadres import roster

        if settings.ROOT_URLCONF != "bench.admin_urls":
            raise RuntimeError("run with DJANGO_SETTINGS_MODULE=bench.admin_settings")
        f = self._filter_params()
        birth = roster.birth_range(AGE_MIN, AGE_MAX, timezone.localdate())
        # birth_date__lt and birth_date__gte
        bounds: dict[str, dt.date] = dict(cast(list[tuple[str, dt.date]], birth.children))
        query = {
            "status__exact": "active",
            "unit_path__startswith": f["unit"].path,
            "rank_level": f["params"]["rank_level"],
            "birth_date__gte": bounds["birth_date__gte"].isoformat(),
            "birth_date__lt": bounds["birth_date__lt"].isoformat(),
            "o": "3",  # list_display[2] = birth_date, ascending (the admin adds -pk)
        }
        ours_url = self._roster_url()
        ours = self.timed_ms(lambda: self.cold(ours_url), self.bench.repeat)
        results = {}
        for prefix in ("bench-admin", "bench-admin-plain"):
            url = f"/{prefix}/cadres/cadre/?{urlencode(query)}"
            response = self.bench.get(url)
            shown = response.content.decode().count('class="field-name"')  # one per row
            if shown != PAGE:
                raise RuntimeError(f"GET {url} showed {shown} rows, expected {PAGE}")
            samples = self.timed_ms(lambda u=url: self.bench.get(u), self.bench.repeat)
            results[prefix] = statistics.median(samples)
            self.log(
                f"bench: admin GET {url}: {self.bench.count_queries(url)} queries, "
                f"p50 {results[prefix]:.1f} ms, p95 {self.percentile(samples, 95):.1f} ms"
            )
        ours_p50 = statistics.median(ours)
        self.log(
            f"bench: roster p50 {ours_p50:.1f} ms ({self.bench.count_queries(ours_url)} queries)"
            f" vs admin changelist p50 {results['bench-admin']:.1f} ms (with list_filter), "
            f"{results['bench-admin-plain']:.1f} ms (without): ratio "
            f"{results['bench-admin'] / ours_p50:.2f} and "
            f"{results['bench-admin-plain'] / ours_p50:.2f}"
        )
        self.report("cadre_roster_admin_ratio", results["bench-admin"] / ours_p50)

    # ------------------------------------------------------------ the cadre page

    def cadre_page(self) -> None:
        from django.db import transaction

        from cadres.models import Cadre, Education, FamilyMember, Position, RewardPunishment

        pk = self._long_record_pk()
        cadre = Cadre.objects.get(pk=pk)
        counts = {
            "positions": Position.objects.filter(cadre=cadre).count(),
            "family": FamilyMember.objects.filter(cadre=cadre).count(),
            "educations": Education.objects.filter(cadre=cadre).count(),
            "records": RewardPunishment.objects.filter(cadre=cadre).count(),
        }
        url = f"/cadres/{pk}/"
        samples = self.timed_ms(lambda: self.bench.get(url), self.bench.repeat)
        queries = self.bench.count_queries(url)
        tabs = {}
        for tab in ("resume", "positions", "family"):
            tab_url = f"{url}?tab={tab}"
            tab_samples = self.timed_ms(lambda u=tab_url: self.bench.get(u), 10, 2)
            tabs[tab] = (statistics.median(tab_samples), self.bench.count_queries(tab_url))
        self.log(
            f"bench: GET {url} ({cadre.name}: "
            + ", ".join(f"{n} {k}" for k, n in counts.items())
            + f"): {queries} queries, p95 {self.percentile(samples, 95):.1f} ms; "
            + ", ".join(f"tab {t} p50 {ms:.1f} ms / {q} queries" for t, (ms, q) in tabs.items())
        )
        # The same page with every position, family member, education and reward copied
        # once more (2× the record), in a transaction that is rolled back.
        doubled = 0
        try:
            with transaction.atomic():
                models: tuple[Any, ...] = (Position, FamilyMember, Education, RewardPunishment)
                for model in models:
                    copies: list[Any] = list(model.objects.filter(cadre=cadre))
                    for item in copies:
                        item.pk = None
                        item.id = None
                    model.objects.bulk_create(copies)
                doubled = self.bench.count_queries(url)
                raise _Rollback
        except _Rollback:
            pass
        same = "the same" if doubled == queries else "DIFFERENT"
        self.log(f"bench: the same page with 2× the record: {doubled} queries ({same} count)")
        if doubled != queries:
            raise RuntimeError(f"query count grows with the record: {queries} → {doubled}")
        self.report("cadre_page_p50", statistics.median(samples))
        self.report("cadre_page_queries", queries)

    # ------------------------------------------------------------ approval form (PDF)

    def approval_form(self) -> None:
        from cadres import selectors
        from cadres.approval_form import render_forms
        from cadres.lrmx import cadre_to_form
        from core.permissions import Action

        user = self.bench.user
        pk = self._long_record_pk()
        (cadre,) = selectors.cadres_for_forms(user=user, pks=[pk], action=Action.CADRES_EXPORT)
        pdf = b""

        def one() -> None:
            nonlocal pdf
            pdf = render_forms([cadre_to_form(cadre)])

        samples = self.timed_ms(one, FORM_RUNS)
        if not pdf.startswith(b"%PDF"):
            raise RuntimeError("render_forms did not return a PDF")
        f = self._filter_params()
        from cadres import roster

        pks = list(
            roster.roster_queryset(user=user, filters=roster.filters_from(f["params"]))
            .order_by("birth_date", "id")
            .values_list("pk", flat=True)[:FORM_BATCH]
        )
        started = time.perf_counter()
        batch = selectors.cadres_for_forms(user=user, pks=pks, action=Action.CADRES_EXPORT)
        fetched = time.perf_counter()
        data = render_forms([cadre_to_form(c) for c in batch])
        done = time.perf_counter()
        self.log(
            f"bench: approval form of cadre {pk}: {len(pdf) // 1024} KB, p95 "
            f"{self.percentile(samples, 95):.1f} ms; batch of {len(batch)}: fetch "
            f"{(fetched - started) * 1000:.0f} ms, render {(done - fetched) * 1000:.0f} ms = "
            f"{(done - fetched) * 1000 / len(batch):.1f} ms per form ({len(data) // 1024} KB)"
        )
        self.report("approval_form_ms", statistics.median(samples))

    # ------------------------------------------------------------ LRMX

    def _lrmx_pks(self) -> list[int]:
        from cadres.models import Cadre

        f = self._filter_params()
        pks = list(
            Cadre.objects.filter(status="active", unit_path__startswith=f["unit"].path)
            .order_by("unit_path", "sort_order", "id")
            .values_list("pk", flat=True)[:LRMX_FILES]
        )
        if len(pks) < LRMX_FILES:
            raise RuntimeError(f"only {len(pks)} cadres for the LRMX figures")
        return pks

    def lrmx_export(self) -> None:
        """``export_zip`` of 1,000 cadres, their records fetched by export_zip itself."""
        import zipfile

        from cadres.lrmx import export_zip
        from cadres.models import Cadre

        pks = self._lrmx_pks()
        export_zip(Cadre.objects.filter(pk__in=pks[:20]).order_by("id"))  # warm-up
        started = time.perf_counter()
        data = export_zip(Cadre.objects.filter(pk__in=pks).order_by("id"))
        seconds = time.perf_counter() - started
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
        if len(names) != LRMX_FILES:
            raise RuntimeError(f"export_zip wrote {len(names)} files for {LRMX_FILES} cadres")
        self._lrmx_zip = data
        self.log(
            f"bench: LRMX export of {LRMX_FILES} cadres: {seconds:.2f} s, "
            f"zip {len(data) // 1024} KB"
        )
        self.report("lrmx_export_rate", LRMX_FILES / seconds)

    def lrmx_import(self) -> None:
        """1,000 files of new people (the exported files with new ID numbers) imported into
        one township; then the same files again (every file unchanged, stderr only)."""
        from cadres.lrmx import build_lrmx, commit_import, export_zip, parse_lrmx, read_upload
        from cadres.models import Cadre
        from core.idnumber import parse_id_number

        data = getattr(self, "_lrmx_zip", None)
        if data is None:
            data = export_zip(Cadre.objects.filter(pk__in=self._lrmx_pks()).order_by("id"))
        originals = read_upload("bench.zip", data)
        forms = [parse_lrmx(content, name=name) for name, content in originals]
        people = [parse_id_number(form.get("ShenFenZheng")) for form in forms]
        numbers = self._new_id_numbers(
            [(p.birth_date, p.sex_code) for p in people], region="139901"
        )
        files = []
        for (name, _), form, number in zip(originals, forms, numbers, strict=True):
            form.values["ShenFenZheng"] = number
            files.append((f"new_{name}", build_lrmx(form)))
        unit = self._import_unit(1)
        started = time.perf_counter()
        with self._alerts_after("LRMX import"):
            plan = commit_import(acting_user=self.bench.user, unit=unit, files=files)
            seconds = time.perf_counter() - started
        counts = plan.counts
        if counts["new"] != LRMX_FILES:
            problems = "; ".join(
                f"{r.filename}: {r.status} {' '.join(r.messages)}"
                for r in plan.rows
                if r.status != "new"
            )[:500]
            raise RuntimeError(f"LRMX import: {plan.summary()} — {problems}")
        started = time.perf_counter()
        again = commit_import(acting_user=self.bench.user, unit=unit, files=files)
        again_seconds = time.perf_counter() - started
        self.log(
            f"bench: LRMX import of {LRMX_FILES} new files into {unit.name}: {seconds:.2f} s; "
            f"the same files again: {again.summary()} in {again_seconds:.2f} s "
            f"= {LRMX_FILES / again_seconds:.0f} files/s"
        )
        self.report("lrmx_import_rate", LRMX_FILES / seconds)

    def _import_unit(self, index: int) -> Any:
        """The ``index``-th township in tree order (a different one per import)."""
        from orgs.choices import UnitKind
        from orgs.models import Unit

        towns = Unit.objects.filter(
            kind__in=(UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT), is_active=True
        ).order_by("path")
        unit = towns[index : index + 1].first() or towns.first()
        if unit is None:
            raise RuntimeError("no township to import into")
        return unit

    def _new_id_numbers(self, people: list[tuple[dt.date, str]], *, region: str) -> list[str]:
        """Valid ID numbers, one per (birth date, sex code "1"/"2"), none in the database."""
        from cadres.models import Cadre, digest_in
        from core.fields import id_number_digest
        from core.idnumber import build_id_number

        rng = random.Random(f"bench:{region}")
        used: set[str] = set()
        while True:
            chosen: list[str] = []
            for birth, sex in people:
                while True:
                    sequence = rng.randrange(0, 500) * 2 + (1 if sex == "1" else 0)
                    number = build_id_number(region, birth, sequence)
                    if number.value not in used:
                        break
                used.add(number.value)
                chosen.append(number.value)
            digests = {id_number_digest(n): n for n in chosen}
            taken = set(
                Cadre.objects.filter(digest_in(digests)).values_list("id_digest", flat=True)
            )
            if not taken:
                return chosen
            self.log(f"bench: {len(taken)} generated ID numbers already exist, drawing again")

    # ------------------------------------------------------------ Excel

    @contextlib.contextmanager
    def _alerts_after(self, what: str) -> Iterator[None]:
        """Time an import's own work apart from the alerts computed once it commits
        (``cadres.signals.cadres_imported``): the block runs in a transaction, so those run
        when it ends, and their time is logged on its own."""
        from django.db import transaction

        with transaction.atomic():
            yield
            ended = time.perf_counter()
        after = time.perf_counter() - ended
        self.log(f"bench: {what}: the alerts computed after it took {after:.2f} s")

    def excel_import(self) -> None:
        """A 2,000-row roster of new people in the template's columns, planned and committed
        by ``cadres.excel_import.commit_import`` as ganbu into one township."""
        from openpyxl import Workbook, load_workbook

        from cadres.excel_import import commit_import, template_xlsx

        template = load_workbook(io.BytesIO(template_xlsx()), read_only=True)
        first = next(template.worksheets[0].iter_rows(min_row=1, max_row=2, values_only=True))
        headers = [str(h).rstrip("*") for h in first if h]
        rng = random.Random("bench:excel")
        people = []
        for _ in range(EXCEL_ROWS):
            birth = dt.date(rng.randint(1968, 1982), rng.randint(1, 12), rng.randint(1, 28))
            people.append((birth, rng.choice("12")))
        numbers = self._new_id_numbers(people, region="139902")
        surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
        given = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇芳娜敏静丽艳娟霞秀英玲"
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("干部名册")
        sheet.append(headers)
        for (birth, sex), number in zip(people, numbers, strict=True):
            values = {
                "身份证号": number,
                "姓名": rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                "性别": "男" if sex == "1" else "女",
                "出生年月": f"{birth:%Y.%m}",
                "民族": "汉族",
                "籍贯": "河北正定",
                "出生地": "河北石家庄",
                "政治面貌": "中共党员",
                "入党时间": f"{birth.year + 23}.06",
                "参加工作时间": f"{birth.year + 22}.07",
                "健康状况": "健康",
                "熟悉专业有何专长": "基层治理",
                "全日制学历": "大学",
                "全日制学位": "法学学士",
                "全日制毕业院校系及专业": "河北大学法学专业",
                "现任职务": "党委副书记",
                "任现职时间": "2021.05",
                "领导职务层次": "乡科级副职",
                "近年考核": "2023称职；2024优秀",
            }
            sheet.append([values.get(h) for h in headers])
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
        unit = self._import_unit(0)
        started = time.perf_counter()
        with self._alerts_after("Excel import"):
            plan = commit_import(acting_user=self.bench.user, unit=unit, data=data)
            seconds = time.perf_counter() - started
        created = plan.counts["new"]
        if created != EXCEL_ROWS:
            raise RuntimeError(f"Excel import created {created} of {EXCEL_ROWS} rows")
        self.log(
            f"bench: Excel import of {EXCEL_ROWS} new rows ({len(data) // 1024} KB, "
            f"{len(headers)} columns) into {unit.name}: {seconds:.2f} s"
        )
        self.report("excel_import_rate", EXCEL_ROWS / seconds)

    # ------------------------------------------------------------ export (subprocess)

    def roster_export(self) -> None:
        """``manage.py export_roster`` as its own process: wall time and peak RSS.

        With more than 100,000 cadres in scope (province tier) the child process narrows the
        command's queryset to the first ≥100,000 in the export's own order (every cadre of
        the units whose path sorts up to that of the 100,000th), as if ganbu's scope held
        that many: the command, its queries and its writer are otherwise untouched."""
        from django.db import connection

        from cadres import roster
        from core.permissions import Action

        self._require_cadres()
        rows = self._export_count()
        name = self._export_name()
        bound = ""
        if rows > EXPORT_ROWS:
            qs = roster.roster_queryset(
                user=self.bench.user, filters={"status": "active"}, action=Action.CADRES_EXPORT
            )
            ordered = qs.order_by(*roster.SORTS["unit"]).values_list("unit_path", flat=True)
            bound = ordered[EXPORT_ROWS - 1]
            total = rows
            rows = qs.filter(unit_path__lte=bound).count()
            self.log(
                f"bench: export_roster narrowed to the {rows} of {total} cadres in units whose "
                f"path sorts up to {bound}"
            )
        connection.close()  # SQLite: nothing of ours open while the child reads
        out = Path(tempfile.gettempdir()) / f"zugong-bench-export-{self.bench.tier}.xlsx"
        out.unlink(missing_ok=True)
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="zugong.settings")
        arguments = ["export_roster", "--out", str(out), "--user", self.bench.user.username]
        if bound:
            env["ZUGONG_BENCH_EXPORT_BOUND"] = bound
            command = [sys.executable, "-c", _NARROWED_EXPORT, *arguments]
        else:
            command = [sys.executable, "manage.py", *arguments]
        # Through a small Python parent that reports its child's peak RSS: a child forked
        # straight from this process would report *our* RSS (Linux carries the parent's
        # high-water mark across fork and exec into ru_maxrss).
        command = [sys.executable, "-c", _RSS_OF_CHILD, *command]
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            started = time.perf_counter()
            returncode = subprocess.call(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)  # noqa: S603
            seconds = time.perf_counter() - started
            stdout.seek(0)
            stderr.seek(0)
            said = stdout.read().decode(errors="replace").strip()
            errors = stderr.read().decode(errors="replace").strip()
        if returncode != 0:
            raise RuntimeError(f"export_roster exited {returncode}: {errors[-300:]}")
        rss = re.search(r"^BENCH-RSS-KB (\d+)$", errors, re.MULTILINE)
        if rss is None:
            raise RuntimeError(f"no peak RSS reported: {errors[-300:]}")
        match = re.search(r"已导出 (\d+) 人", said)
        exported = int(match.group(1)) if match else -1
        if exported != rows:
            raise RuntimeError(f"export_roster exported {exported} rows, expected {rows}: {said}")
        rss_mb = int(rss.group(1)) / 1024  # KiB on Linux
        size_mb = out.stat().st_size / 1024 / 1024
        out.unlink(missing_ok=True)
        value = seconds * EXPORT_ROWS / rows if rows >= EXPORT_ROWS else seconds  # ≈ 1.0×
        self.log(
            f"bench: export_roster: {rows} rows in {seconds:.1f} s wall (process start included;"
            f" {rows / seconds:.0f} rows/s), {size_mb:.1f} MB xlsx, peak RSS {rss_mb:.0f} MB; "
            + (
                f"{name} = seconds per 100,000 rows"
                if rows >= EXPORT_ROWS
                else f"fewer than {EXPORT_ROWS} cadres at this tier: {name} = the whole export"
            )
        )
        self.report(name, value)
        self.report("roster_export_rss_mb", rss_mb)

"""结构分析 (analysis.team.structure_of_subtree) against a straightforward recomputation.

The analysis adds its figures up in one SQL statement; here a random small tree of cadres and
posts (several posts per cadre, across units and subtrees; ended, non-leading and blank-level
posts; cadres who have left; a 撤销 unit; cadres kept by a unit outside a liaison's scope) is
recomputed post by post in Python, with ages from ``age_in_months_style``, and every figure of
the page is compared, for several users, units and days."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache

from analysis import team
from cadres.choices import CadreStatus
from cadres.models import Cadre, Position
from core.dates import age_in_months_style
from core.permissions import Action, scope_paths
from orgs.choices import UnitKind, UnitLevel
from orgs.models import PostQuota, Unit
from orgs.services import unit_create
from zugong.testing import PersonaTestCase

DAYS = (dt.date(2026, 6, 15), dt.date(2026, 1, 31), dt.date(2026, 12, 1))
LEVELS = ("131", "141", "142", "")
WORDS = ("农村经济", "基层党建", "招商引资", "组织人事", "财务", "法律")
SEPARATORS = ("、", " ", "，", "/", ";")


def _one_decimal(numerator: int, denominator: int) -> float | None:
    if not denominator:
        return None
    exact = Decimal(numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))


def _in_band(age: int, low: int | None, high: int | None) -> bool:
    return (low is None or age >= low) and (high is None or age <= high)


def recompute(user: Any, unit: Unit, today: dt.date) -> dict[str, Any]:
    """The analysis, post by post: every figure the page and the API show."""
    scope = scope_paths(user, Action.CADRES_VIEW)
    posts = [
        p
        for p in Position.objects.select_related("cadre", "unit")
        if p.end_date is None
        and p.is_leading
        and p.unit is not None
        and p.unit.path.startswith(unit.path)
        and p.unit.is_active
        and p.cadre.status == CadreStatus.ACTIVE
        and any(p.cadre.unit_path.startswith(s) for s in scope)
    ]
    people = {p.cadre_id: p.cadre for p in posts}
    unit_path = {p.pk: p.unit.path for p in posts if p.unit is not None}
    age = {pk: age_in_months_style(c.birth_date, today) for pk, c in people.items()}
    n = len(people)
    women = sum(c.sex == "2" for c in people.values())
    young = sum(a < team.YOUNG_BELOW for a in age.values())
    graduate = sum(c.education_level.startswith("1") for c in people.values())
    university = sum(c.education_level.startswith("2") for c in people.values())
    no_education = sum(c.education_level == "" for c in people.values())
    words: Counter[str] = Counter()
    for c in people.values():
        for word in set(team._WORD_SEPARATORS.split(c.expertise)) - {""}:
            words[word] += 1
    figures = {
        "count": n,
        "average_age": _one_decimal(sum(age.values()), n),
        "women": women,
        "women_percent": _one_decimal(100 * women, n),
        "under_40": young,
        "under_40_percent": _one_decimal(100 * young, n),
        "minority": sum(c.ethnicity not in ("01", "") for c in people.values()),
        "non_cpc": sum(c.political_status not in ("01", "02") for c in people.values()),
        "age_bands": {
            label: sum(_in_band(a, low, high) for a in age.values())
            for label, low, high in team.AGE_BANDS
        },
        "education": {
            "研究生": graduate,
            "大学": university,
            "大专及以下": n - graduate - university - no_education,
            **({"未填": no_education} if no_education else {}),
        },
        "expertise": sorted(words.items(), key=lambda item: (-item[1], item[0]))[:10],
    }
    quotas = [
        q
        for q in PostQuota.objects.select_related("unit")
        if q.unit.path.startswith(unit.path) and any(q.unit.path.startswith(s) for s in scope)
    ]
    levels = {p.rank_level for p in posts} | {q.rank_level for q in quotas}
    by_level = [
        (
            level,
            sum(q.quota for q in quotas if q.rank_level == level)
            if any(q.rank_level == level for q in quotas)
            else None,
            len({(p.cadre_id, p.unit_id) for p in posts if p.rank_level == level}),
        )
        for level in sorted(levels, key=lambda code: (code == "", code))
    ]
    visible = Unit.objects.restrict(user, Action.CADRES_VIEW).filter(parent=unit)
    children = [unit, *visible.order_by("order", "pinyin_initials", "name")]
    rows = []
    for child in children:
        own = child.pk == unit.pk

        def inside(path: str, child: Unit = child, own: bool = own) -> bool:
            return path == child.path if own else path.startswith(child.path)

        of_child = [p for p in posts if inside(unit_path[p.pk])]
        members = {p.cadre_id for p in of_child}
        if not (child.is_active or members or own):
            continue
        ages = [age[pk] for pk in members]
        rows.append(
            {
                "unit_id": child.pk,
                "is_self": own,
                "count": len(members),
                "women": sum(people[pk].sex == "2" for pk in members),
                "under_40": sum(a < team.YOUNG_BELOW for a in ages),
                "average_age": _one_decimal(sum(ages), len(ages)),
                "quota": sum(q.quota for q in quotas if inside(q.unit.path)),
                "actual": len({(p.cadre_id, p.unit_id, p.rank_level) for p in of_child}),
            }
        )
    return {"figures": figures, "quotas": by_level, "children": rows}


def computed(user: Any, unit: Unit, today: dt.date) -> dict[str, Any]:
    """The same figures as ``structure_of_subtree`` gives them."""
    cache.clear()  # remembered per audit event; this test writes rows without audit events
    found = team.structure_of_subtree(user=user, unit=unit, today=today)
    f = found["figures"]
    slices = {key: {s["name"]: s["value"] for s in f[key]} for key in ("age_bands", "education")}
    return {
        "figures": {
            **{
                key: f[key]
                for key in (
                    "count",
                    "average_age",
                    "women",
                    "women_percent",
                    "under_40",
                    "under_40_percent",
                    "minority",
                    "non_cpc",
                )
            },
            **slices,
            "expertise": [(s["name"], s["value"]) for s in f["expertise"]],
        },
        "quotas": [(q["rank_level"], q["quota"], q["actual"]) for q in found["quotas"]],
        "children": [
            {key: row[key] for key in row if key != "name"}  # type: ignore[literal-required]
            for row in found["children"]
        ],
    }


class StructureRecomputationTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        u = cls.units
        for key, parent, name, code in (
            ("a_office", "a", "甲镇党政办", "TA02"),
            ("b_deep", "b_village", "乙村一组", "TB02"),
            ("c", "root", "丙镇", "TC00"),
        ):
            u[key] = unit_create(
                acting_user=cls.clerk,
                parent=u[parent],
                name=name,
                code=code,
                kind=UnitKind.TOWNSHIP,
                level=UnitLevel.TOWNSHIP,
            )
        Unit.objects.filter(pk=u["a_village"].pk).update(is_active=False)  # 撤销
        Unit.objects.filter(pk=u["c"].pk).update(is_active=False)  # 撤销, a subtree of its own
        units = list(Unit.objects.order_by("path"))
        rng = random.Random(14)
        cadres = []
        for i in range(70):
            birth = dt.date(rng.randint(1958, 2001), rng.randint(1, 12), rng.randint(1, 28))
            if i % 9 == 0:  # born in a month the days below fall in
                birth = birth.replace(month=rng.choice((1, 6, 12)))
            home = rng.choice(units)
            words = rng.sample(WORDS, rng.randint(0, 3))
            cadres.append(
                Cadre.objects.create(
                    name=f"干部{i}",
                    sex=rng.choice(("1", "2", "2", "")),
                    birth_date=birth,
                    ethnicity=rng.choice(("01", "01", "03", "")),
                    political_status=rng.choice(("01", "02", "03", "13", "")),
                    education_level=rng.choice(("11", "14", "21", "31", "41", "")),
                    expertise=rng.choice(SEPARATORS).join(words + words[:1]),
                    status=CadreStatus.ACTIVE if rng.random() < 0.85 else CadreStatus.RETIRED,
                    unit=home,
                    unit_path=home.path,
                )
            )
        for cadre in cadres:
            for _ in range(rng.randint(1, 4)):
                Position.objects.create(
                    cadre=cadre,
                    unit=rng.choice(units),
                    title="职务",
                    rank_level=rng.choice(LEVELS),
                    is_leading=rng.random() < 0.85,
                    start_date=dt.date(2020, 1, 1),
                    end_date=dt.date(2024, 1, 1) if rng.random() < 0.15 else None,
                )
        # Cases made sure of: two posts of one level in one unit (one 职数) plus a post
        # elsewhere; a cadre kept by 乙镇 holding a post in 甲镇 (outside a liaison's scope).
        both = cadres[1]
        Cadre.objects.filter(pk=both.pk).update(status=CadreStatus.ACTIVE)
        for unit, title in ((u["a"], "党委书记"), (u["a"], "人大主席"), (u["b_deep"], "组长")):
            Position.objects.create(
                cadre=both,
                unit=unit,
                title=title,
                rank_level="141",
                is_leading=True,
                start_date=dt.date(2021, 1, 1),
            )
        outsider = cadres[2]
        Cadre.objects.filter(pk=outsider.pk).update(
            status=CadreStatus.ACTIVE, unit=u["b"], unit_path=u["b"].path
        )
        Position.objects.create(
            cadre=outsider,
            unit=u["a"],
            title="副镇长",
            rank_level="142",
            is_leading=True,
            start_date=dt.date(2021, 1, 1),
        )
        for unit in units:
            for level in rng.sample(LEVELS[:3], rng.randint(0, 2)):
                PostQuota.objects.create(unit=unit, rank_level=level, quota=rng.randint(1, 4))

    def test_it_matches_a_recomputation_post_by_post(self) -> None:
        u = self.units
        for user, keys in (
            (self.clerk, ("root", "a", "b", "b_village", "a_village", "c", "dept")),
            (self.leader, ("root",)),
            (self.liaison_a, ("a", "a_office")),
        ):
            for key in keys:
                for day in DAYS:
                    with self.subTest(user=user.username, unit=key, day=day):
                        expected = recompute(user, u[key], day)
                        assert computed(user, u[key], day) == expected

    def test_the_tree_has_the_cases_the_recomputation_is_for(self) -> None:
        """The random tree is not a trivial one: the comparison above covers each case."""
        u = self.units
        whole = recompute(self.clerk, u["root"], DAYS[0])
        assert whole["figures"]["count"] > 30
        assert {level for level, _q, _a in whole["quotas"]} == set(LEVELS)
        assert any(q is None for _l, q, _a in whole["quotas"])  # a level with no quota
        assert "未填" in whole["figures"]["education"]
        a_for_clerk = recompute(self.clerk, u["a"], DAYS[0])["figures"]["count"]
        a_for_liaison = recompute(self.liaison_a, u["a"], DAYS[0])["figures"]["count"]
        assert a_for_liaison < a_for_clerk  # cadres kept outside 甲镇 hold posts in it
        open_posts = Position.objects.filter(end_date=None, is_leading=True, unit__is_active=True)
        per_cadre = Counter(open_posts.values_list("cadre_id", flat=True).order_by())
        assert max(per_cadre.values()) >= 3

    def test_a_user_without_a_scope_gets_empty_figures(self) -> None:
        cache.clear()
        found = team.structure_of_subtree(user=self.nobody, unit=self.units["root"], today=DAYS[0])
        assert found["figures"]["count"] == 0
        assert found["figures"]["average_age"] is None
        assert found["quotas"] == []

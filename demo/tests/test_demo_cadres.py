"""seed_demo's cadres: every row as the services would accept it, deterministic, visible.

The generator bulk-loads rows without going through ``cadres.services``; these tests hold
the rows to the services' own rules — ``validate_cadre``, the position checks, the code
tables — and recompute the derived columns with ``refresh_derived`` itself.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import random
from collections import Counter, defaultdict

from django.test import TestCase
from django.utils import timezone
from PIL import Image

from accounts.models import User
from analysis.team import team_of
from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres.choices import (
    DECEASED_WORDS,
    AppointmentMethod,
    AssessmentGrade,
    CadreStatus,
    EducationKind,
    RecordKind,
)
from cadres.models import (
    Assessment,
    Cadre,
    CadrePhoto,
    Education,
    FamilyMember,
    Position,
    RewardPunishment,
)
from cadres.services import cadre_create, refresh_derived, validate_cadre
from core.choices import CodeTable
from core.fields import id_number_digest
from core.idnumber import cross_check, parse_id_number
from core.models import Code
from core.permissions import Action
from core.pinyin import initials
from demo.demo import build_tree, seed
from demo.demo_cadres import (
    PARTY_TITLE_WORDS,
    PARTY_UNIT_KINDS,
    SHOWCASE_ID,
    CadreGenerator,
    Ids,
    add_years,
    region_codes,
    retirement_day,
)
from orgs.choices import UnitKind
from orgs.models import PostQuota, Unit

DERIVED = (
    "current_title",
    "rank_level",
    "rank_level_since",
    "grade",
    "education_level",
    "degree",
    "resume",
)


def codes(table: CodeTable) -> set[str]:
    return set(Code.objects.filter(table=table).values_list("code", flat=True))


def in_memory(tier: str, seed_value: int, scale: float, today: dt.date) -> list[tuple[str, str]]:
    """(name, ID digest) of every cadre the generator builds, without a database write."""
    nodes = build_tree(tier, seed_value)
    units = {u.code: u for u in Unit.objects.all()}
    for node in nodes:  # ids and paths as stored (the same tree when the seed matches)
        stored = units.get(node.code)
        node.id = stored.pk if stored else 0
        node.path = stored.path if stored else ""
    first = Cadre.objects.order_by("id").values_list("id", flat=True).first() or 1
    generator = CadreGenerator(
        tier=tier,
        seed=seed_value,
        nodes=nodes,
        today=today,
        regions=region_codes(),
        scale=scale,
        ids=Ids(cadre=first),
    )
    return [(c.name, c.id_digest) for chunk in generator.chunks() for c in chunk.cadres]


class DemoCadresTests(TestCase):
    """The county tier as ``make run`` builds it (≈ 2,000 cadres, ≈ 10,000 positions)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.today = timezone.localdate()
        cls.summary = seed(tier="county", seed=1, progress=lambda _m: None)
        cls.cadres = list(Cadre.objects.order_by("id"))
        cls.positions = defaultdict(list)
        for p in Position.objects.order_by("start_date", "id"):
            cls.positions[p.cadre_id].append(p)

    def test_it_builds_the_design_scale(self):
        assert 1_900 <= len(self.cadres) <= 2_100
        assert self.summary.cadres == len(self.cadres)
        per_cadre = Position.objects.count() / len(self.cadres)
        # docs/architecture.md, "Scale": 10,000 positions for 2,000 cadres
        assert 4.5 <= per_cadre <= 6.0
        assert self.summary.positions == Position.objects.count()
        # One 新增 event per cadre (later demo work, e.g. an ended 挂职, adds 修改 events).
        created = AuditEvent.objects.filter(object_type="cadres.Cadre", action=AuditAction.CREATE)
        assert created.count() == len(self.cadres)

    def test_its_people_look_like_a_cadre_population(self):
        n = len(self.cadres)
        women = sum(c.sex == "2" for c in self.cadres) / n
        han = sum(c.ethnicity == "01" for c in self.cadres) / n
        cpc = sum(c.political_status in ("01", "02") for c in self.cadres) / n
        assert 0.25 <= women <= 0.4
        assert 0.85 <= han <= 0.97
        assert cpc >= 0.75
        assert {c.political_status for c in self.cadres} >= {"01", "13"}
        assert any(c.other_parties for c in self.cadres)
        # Ages, not years: the demo made on any day has the same age structure.
        born = {c.birth_date.year for c in self.cadres if c.name != "张卫东"}
        assert self.today.year - 64 <= min(born)  # 63 at the latest retirement, and the planted
        assert max(born) <= self.today.year - 26
        statuses = Counter(c.status for c in self.cadres)
        assert 0 < statuses[CadreStatus.RETIRED] < n * 0.05
        assert {c.management_level for c in self.cadres} >= {"03", "04"}
        staffed = Unit.objects.exclude(kind__in=(UnitKind.VILLAGE, UnitKind.COMMUNITY))
        assert {c.unit_id for c in self.cadres} == set(staffed.values_list("id", flat=True))
        assert len({c.name for c in self.cadres}) > n * 0.8

    def test_every_id_number_is_valid_unique_and_agrees_with_birth_and_sex(self):
        digests = set()
        for cadre in self.cadres:
            number = parse_id_number(cadre.id_number.value)
            assert number.birth_date == cadre.birth_date
            cross_check(number, birth_month=f"{cadre.birth_date:%Y%m}", sex_code=cadre.sex)
            assert cadre.id_digest == id_number_digest(number)
            digests.add(cadre.id_digest)
        assert len(digests) == len(self.cadres)

    def test_id_numbers_are_stored_encrypted_and_found_by_digest(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM cadres_cadre")
            stored = [row[0] for row in cursor.fetchall()]
        assert all(s.startswith("zg1$") for s in stored)
        assert not any(SHOWCASE_ID in s for s in stored)
        found = Cadre.objects.get(id_digest=id_number_digest(SHOWCASE_ID))
        assert found.name == "张卫东"
        someone = self.cadres[len(self.cadres) // 2]
        match = Cadre.objects.filter(id_digest=id_number_digest(someone.id_number.value))
        assert list(match) == [someone]

    def test_every_cadre_passes_the_services_validation(self):
        ethnicities = codes(CodeTable.ETHNICITY)
        political = codes(CodeTable.POLITICAL_STATUS)
        for cadre in self.cadres:
            assert cadre.ethnicity in ethnicities
            assert cadre.political_status in political
            assert cadre.name_initials == initials(cadre.name)[:18]
            assert cadre.unit_path == cadre.unit.path
            assert cadre.work_start_date <= self.today
            assert add_years(cadre.birth_date, 18) <= cadre.work_start_date
            if cadre.party_join_date:
                assert cadre.political_status in ("01", "02")
                assert add_years(cadre.birth_date, 18) <= cadre.party_join_date <= self.today
            if cadre.political_status in ("04", "05", "06", "07", "08", "09", "10", "11"):
                name = Code.objects.get(
                    table=CodeTable.POLITICAL_STATUS, code=cadre.political_status
                )
                assert cadre.other_parties == name.name
        for cadre in random.Random(7).sample(self.cadres, 200):
            validate_cadre(cadre)  # raises on any broken rule

    def test_positions_form_a_rising_contiguous_career_ending_in_the_own_unit(self):
        ranks, grades = codes(CodeTable.RANK_LEVEL), codes(CodeTable.GRADE)
        for cadre in self.cadres:
            positions = self.positions[cadre.pk]
            assert 3 <= len(positions) <= 11, cadre.name
            open_keys = [(p.unit_name, p.title) for p in positions if p.end_date is None]
            assert len(open_keys) == len(set(open_keys))
            for p in positions:
                assert p.title
                assert p.unit_name
                assert p.unit_id
                assert p.start_date <= self.today
                assert p.end_date is None or p.start_date <= p.end_date <= self.today
                assert not p.rank_level or p.rank_level in ranks
                assert not p.grade or p.grade in grades
                assert p.method in AppointmentMethod.values
                assert p.probation_end is None or p.probation_end > p.start_date
                assert p.is_leading == bool(p.rank_level)
            chain = [p for p in positions if p.is_primary]
            assert chain[0].start_date == cadre.work_start_date
            for before, after in itertools.pairwise(chain):
                assert before.end_date == after.start_date  # no gaps, no overlaps
                assert before.full_title != after.full_title  # a post, not a repeated line
                if before.rank_level and after.rank_level:
                    assert after.rank_level <= before.rank_level  # a smaller code is higher
            if cadre.status == CadreStatus.ACTIVE:
                assert chain[-1].end_date is None
                assert chain[-1].unit_id == cadre.unit_id
            else:
                assert all(p.end_date is not None for p in positions)
        leaders = [c for c in self.cadres if c.rank_level]
        assert {c.rank_level for c in leaders} == {"131", "132", "141", "142"}
        staff = [c for c in self.cadres if c.status == CadreStatus.ACTIVE and not c.rank_level]
        assert {c.grade for c in staff} <= grades

    def test_the_county_leadership_matches_the_quotas(self):
        root = Unit.objects.get(parent__isnull=True)
        secretaries = Position.objects.filter(
            unit=root, title="书记", end_date__isnull=True, rank_level="131"
        )
        assert secretaries.count() <= 1
        assert Cadre.objects.filter(unit=root, rank_level="131").count() <= 1
        assert Position.objects.filter(title="驻村第一书记", end_date__isnull=True).exists()

    def test_educations_assessments_records_and_family_are_valid(self):
        levels, degrees = codes(CodeTable.EDUCATION), codes(CodeTable.DEGREE)
        work_start = {c.pk: c.work_start_date for c in self.cadres}
        in_service = set()
        for e in Education.objects.all():
            assert e.education_level in levels
            assert not e.degree or e.degree in degrees
            assert e.start_date <= e.end_date <= self.today
            if e.kind == EducationKind.FULL_TIME:
                assert e.end_date <= work_start[e.cadre_id]
            else:
                in_service.add(e.cadre_id)
        assert 0.1 <= len(in_service) / len(self.cadres) <= 0.4
        grades = Counter()
        for a in Assessment.objects.all():
            assert a.year < self.today.year
            grades[a.grade] += 1
        assert set(grades) <= set(AssessmentGrade.values)
        assert 0.1 <= grades[AssessmentGrade.EXCELLENT] / sum(grades.values()) <= 0.2
        assert grades[AssessmentGrade.COMPETENT] > grades[AssessmentGrade.EXCELLENT]
        for r in RewardPunishment.objects.all():
            assert r.kind == RecordKind.REWARD
            assert r.date <= self.today
        sizes = Counter(FamilyMember.objects.values_list("cadre_id", flat=True))
        assert set(sizes) == {c.pk for c in self.cadres}
        assert min(sizes.values()) >= 3
        assert max(sizes.values()) <= 6
        for m in FamilyMember.objects.all():
            assert m.name
            assert len(m.name) <= 18
            assert m.birth_date <= self.today
            assert m.is_deceased == any(w in m.work_unit_post for w in DECEASED_WORDS)
        assert FamilyMember.objects.filter(is_deceased=True).exists()

    def test_derived_columns_equal_what_refresh_derived_computes(self):
        sample = random.Random(3).sample(self.cadres, 300)
        sample += [c for c in self.cadres if c.name == "张卫东"]
        for stored in sample:
            fresh = Cadre.objects.get(pk=stored.pk)
            refresh_derived(fresh, save=False)
            for name in DERIVED:
                assert getattr(fresh, name) == getattr(stored, name), (stored.name, name)
        active = [c for c in self.cadres if c.status == CadreStatus.ACTIVE]
        assert all(c.current_title and c.resume for c in active)

    def test_the_showcase_cadre_has_the_sample_forms_life_and_a_photo(self):
        cadre = Cadre.objects.get(id_digest=id_number_digest(SHOWCASE_ID))
        assert (cadre.sex, cadre.birth_date, cadre.ethnicity) == ("1", dt.date(1978, 3, 15), "15")
        assert cadre.current_title.endswith("街道党工委书记")
        lines = cadre.resume.splitlines()
        assert lines[0] == "1996.09--2000.07  湖南大学经济系国民经济管理专业学习"
        assert lines[2].endswith("镇党委委员、组织委员")
        assert "（其间：2010.09--2013.07  在湖南省委党校经济管理专业在职研究生学习）" in lines[4]
        assert lines[-1].startswith("2019.01--         ")
        assert [m.relation for m in cadre.family.all()] == ["妻子", "女儿", "父亲", "母亲"]
        photo = CadrePhoto.objects.get(cadre=cadre)
        image = Image.open(io.BytesIO(bytes(photo.data)))
        assert (image.format, image.size) == ("JPEG", (300, 375))
        assert (photo.width, photo.height) == (300, 375)

    def test_the_demo_cadre_clerk_sees_every_cadre_and_the_liaison_one_township(self):
        clerk = User.objects.get(username="ganbu")
        assert Cadre.objects.restrict(clerk, Action.CADRES_VIEW).count() == len(self.cadres)
        liaison = User.objects.get(username="lianluo")
        seen = Cadre.objects.restrict(liaison, Action.CADRES_VIEW).count()
        assert 0 < seen < len(self.cadres)

    def test_every_titled_quota_row_counts_the_posts_it_names(self):
        # Issue 14, item 1: "党（工）委书记、乡镇长（主任）" showed 实配 0 空缺 2 in every town.
        # The posts each title names, written out by hand for the titles the demo generates.
        names = {
            "党（工）委书记、乡镇长（主任）": {
                "党委书记",
                "党工委书记",
                "镇长",
                "乡长",
                "办事处主任",
            }
        }
        clerk = User.objects.get(username="ganbu")
        titled = list(PostQuota.objects.exclude(title="").select_related("unit"))
        assert len(titled) >= 12
        for quota in titled:
            wanted = names.get(quota.title, {quota.title})
            holders = {
                p.cadre_id
                for p in Position.objects.filter(
                    unit=quota.unit,
                    rank_level=quota.rank_level,
                    end_date__isnull=True,
                    is_leading=True,
                    cadre__status=CadreStatus.ACTIVE,
                    title__in=wanted,
                )
            }
            team = team_of(user=clerk, unit=quota.unit, with_alerts=False)
            (row,) = [
                r
                for r in team["quotas"]
                if (r["rank_level"], r["title"]) == (quota.rank_level, quota.title)
            ]
            assert row["actual"] == len(holders), (quota.unit.name, quota.title)
            assert row["actual"] > 0, quota.unit.name

    def test_an_unchanged_export_in_the_template_columns_imports_as_unchanged(self):
        # Issue 14, item 6: export → edit in Excel → import back; with no edit, nothing changes.
        from django.test import Client

        from cadres.excel_import import RowStatus, plan_import

        clerk = User.objects.get(username="ganbu")
        client = Client()
        client.force_login(clerk)
        response = client.get("/cadres/", {"export": "template", "status": "all"})
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        root = Unit.objects.get(parent__isnull=True)
        plan = plan_import(acting_user=clerk, unit=root, data=data)
        statuses = Counter(r.status for r in plan.rows)
        changed = [
            (r.number, r.errors, r.notes) for r in plan.rows if r.status != RowStatus.UNCHANGED
        ]
        assert len(plan.rows) == len(self.cadres) - sum(c.id_number is None for c in self.cadres)
        assert statuses[RowStatus.UNCHANGED] == len(plan.rows), changed[:5]

    def test_the_services_keep_working_after_the_bulk_load(self):
        # Sequences were moved past the pre-allocated ids: a new cadre gets a fresh id.
        clerk = User.objects.get(username="ganbu")
        root = Unit.objects.get(parent__isnull=True)
        new = cadre_create(
            acting_user=clerk, unit=root, name="测试干部", sex="1", birth_date=dt.date(1990, 1, 1)
        )
        assert new.pk > max(c.pk for c in self.cadres)

    # -- the demo keeps the rules it checks (issue 14, item 2; docs/demo.md)

    def test_nobody_in_service_has_passed_the_retirement_age_but_the_planted_case(self):
        active = [c for c in self.cadres if c.status == CadreStatus.ACTIVE]
        past = {c.pk for c in active if retirement_day(c.sex, c.birth_date) <= self.today}
        assert past == set(self.summary.planted["retirement"])
        assert len(past) == 1
        retired = [c for c in self.cadres if c.status == CadreStatus.RETIRED]
        for cadre in retired:
            last = max(p.end_date for p in self.positions[cadre.pk])
            assert last == retirement_day(cadre.sex, cadre.birth_date), cadre.name

    def test_party_posts_are_held_by_party_members_who_joined_before(self):
        kinds = dict(Unit.objects.values_list("id", "kind"))
        checked = 0
        for cadre in self.cadres:
            for p in self.positions[cadre.pk]:
                party = any(w in p.title for w in PARTY_TITLE_WORDS) or (
                    p.is_leading and kinds[p.unit_id] in PARTY_UNIT_KINDS
                )
                if not party:
                    continue
                checked += 1
                assert cadre.political_status == "01", (cadre.name, p.title)
                assert cadre.party_join_date < p.start_date, (cadre.name, p.title)
        assert checked > 200

    def test_leaders_keep_the_tenure_limits_but_the_planted_case(self):
        for cadre in self.cadres:
            if cadre.status != CadreStatus.ACTIVE or cadre.pk in self.summary.planted["same_level"]:
                continue
            if cadre.id_digest == id_number_digest(SHOWCASE_ID):
                continue  # the sample file's record has fixed dates (2019 post): see below
            chain = [p for p in self.positions[cadre.pk] if p.is_primary and p.rank_level]
            for p in chain:
                if p.end_date is None:  # the 同一职位 rule looks at the post held today
                    assert (self.today - p.start_date).days < 10 * 365, (cadre.name, p.title)
            for level in {p.rank_level for p in chain}:
                held = [p for p in chain if p.rank_level == level]
                stop = held[-1].end_date or self.today
                assert (stop - held[0].start_date).days < 15 * 365, (cadre.name, level)

    def test_the_demo_raises_each_rule_and_no_violation_it_did_not_plant(self):
        """Every rule shows at least one alert. A 须处理 (danger) alert, a missing
        assessment and a due 试用期 are raised only for the cases the generator planted, and
        each planted case raises its alert; the rest are reminders a real county has
        (retirement ahead, five years in a post, 职级 eligibility, a vacancy it left open)."""
        from alerts.choices import Severity
        from alerts.models import Alert, AlertRule

        alerts = list(Alert.objects.filter(is_active=True).select_related("rule"))
        # The 张卫东 of the sample LRMX file keeps its fixed dates (党工委书记 since 2019.01): from
        # 2029 on, his own record reaches the tenure limits, as it would for the real person.
        showcase = Cadre.objects.get(id_digest=id_number_digest(SHOWCASE_ID)).pk
        alerts = [a for a in alerts if a.cadre_id != showcase]
        by_rule: dict[str, set[int]] = defaultdict(set)
        for alert in alerts:
            by_rule[alert.rule.code].add(alert.subject_id)
        rules = set(AlertRule.objects.values_list("code", flat=True))
        # 重点部门 posts (marked_key_post) alert only when a head of one of the three units the
        # demo marks has held the post five years, which the draw gives on some days only.
        assert rules - set(by_rule) - {"marked_key_post"} == set()
        planted = self.summary.planted
        assert set(planted) == {
            "retirement",
            "probation",
            "missing_assessment",
            "avoidance",
            "same_level",
        }
        for code, ids in planted.items():
            assert set(ids) <= by_rule[code], code
        danger = {(a.rule.code, a.cadre_id) for a in alerts if a.severity == Severity.DANGER}
        assert danger == {(code, i) for code in planted for i in planted[code]} - {
            ("probation", i) for i in planted["probation"]
        } - {("missing_assessment", i) for i in planted["missing_assessment"]}
        assert by_rule["missing_assessment"] == set(planted["missing_assessment"])
        assert by_rule["probation"] == set(planted["probation"])
        assert by_rule["avoidance"] == set(planted["avoidance"])
        for alert in alerts:
            facts = alert.facts
            if alert.rule.code == "retirement" and alert.cadre_id not in planted["retirement"]:
                assert facts["months_left"] >= 0
            if alert.rule.code == "post_quota":
                assert facts["actual"] < facts["quota"], alert.message  # a vacancy, never 超配
            if alert.rule.code in ("same_post", "two_terms"):
                assert facts["months"] < 120, alert.message
            if alert.rule.code == "team_composition":
                assert "党外" not in alert.message  # 人大, 政协 and 政府 have their 党外 deputy

    def test_it_is_deterministic(self):
        stored = [(c.name, c.id_digest) for c in self.cadres]
        assert in_memory("county", 1, 1.0, self.today) == stored
        other = in_memory("county", 2, 0.05, self.today)
        assert [name for name, _ in other[1:20]] != [name for name, _ in stored[1:20]]

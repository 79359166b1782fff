"""Deterministic demo and scale data: a realistic unit tree, leadership quotas and users.

``seed_demo --tier county|city|province --seed N`` builds the same data for the same
arguments. Units are bulk-inserted with pre-allocated ids and paths (one INSERT per batch,
no per-row round trips), so the province tier (~30k units) takes seconds, not hours.
Later issues extend this module with cadres and the rest.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.services import system_user_create
from audit.choices import AuditAction
from audit.services import PendingEvent, audit_record_many
from core.idnumber import build_id_number
from core.permissions import Role
from core.pinyin import initials
from demo.demo_cadres import CADRE_TABLES, seed_cadres
from demo.demo_work import seed_work
from demo.models import DemoSeed
from orgs.choices import UnitKind, UnitLevel
from orgs.models import PostQuota, Unit, path_segment

DEMO_PASSWORD = "Zugong@2026"  # noqa: S105 (public demo password, printed by make run)

# username, full name, role, scope ("root" or "township" = the first township). Full names
# are people's names: they are printed as 填表人 and shown in the user menu and the audit.
DEMO_ACCOUNTS: list[tuple[str, str, str, str | None]] = [
    ("xitong", "周信安", Role.SYSADMIN, None),
    ("anquan", "吴保国", Role.SECADMIN, None),
    ("shenji", "郑明审", Role.AUDITOR, None),
    ("ganbu", "李晓明", Role.CADRE_CLERK, "root"),
    ("zuzhi", "王建华", Role.ORG_CLERK, "root"),
    ("rencai", "陈思远", Role.TALENT_CLERK, "root"),
    ("lianluo", "赵秀兰", Role.LIAISON, "township"),
    ("lingdao", "刘振东", Role.LEADER, "root"),
]
# What each demo account is for, as ``make run`` prints it.
DEMO_DUTIES = {
    "xitong": "系统管理员",
    "anquan": "安全管理员",
    "shenji": "审计管理员",
    "ganbu": "干部科科员",
    "zuzhi": "组织科科员",
    "rencai": "人才办科员",
    "lianluo": "乡镇联络员",
    "lingdao": "部领导",
}

TIERS = ("county", "city", "province")

PLACE_SYLLABLES = [
    "青",
    "石",
    "柳",
    "桥",
    "河",
    "山",
    "平",
    "安",
    "新",
    "兴",
    "东",
    "西",
    "南",
    "北",
    "龙",
    "凤",
    "云",
    "水",
    "田",
    "林",
    "马",
    "鞍",
    "金",
    "银",
    "松",
    "花",
    "梅",
    "竹",
    "清",
    "泉",
    "白",
    "沙",
    "黄",
    "土",
    "红",
    "岩",
    "永",
    "和",
    "长",
    "乐",
    "高",
    "峰",
    "望",
    "江",
    "湖",
    "塘",
    "坪",
    "坝",
    "岭",
    "冲",
    "湾",
    "集",
    "铺",
    "口",
    "寨",
    "庄",
    "营",
    "堡",
    "庙",
    "台",
]
COUNTY_NAMES = [
    "清河",
    "永平",
    "安宁",
    "临川",
    "桃源",
    "松溪",
    "云阳",
    "凤台",
    "龙泉",
    "白水",
    "青田",
    "长丰",
    "宁远",
    "平江",
    "江华",
    "石门",
    "新化",
    "双峰",
    "桂东",
    "汝城",
    "嘉禾",
    "蓝山",
    "通道",
    "绥宁",
    "城步",
    "隆回",
    "洞口",
    "武冈",
    "邵东",
    "新宁",
    "祁阳",
    "东安",
    "道县",
    "宜章",
]
CITY_NAMES = [
    "江州",
    "云州",
    "平州",
    "安州",
    "临州",
    "宁州",
    "兴州",
    "永州",
    "和州",
    "泰州",
    "康州",
    "瑞州",
    "德州",
    "丰州",
    "南州",
]

PARTY_DEPTS = (
    "办公室",
    "组织部",
    "宣传部",
    "统战部",
    "政法委员会",
    "机构编制委员会办公室",
    "网络安全和信息化委员会办公室",
    "巡察工作领导小组办公室",
    "社会工作部",
    "党校",
    "党史研究室",
    "老干部局",
)
GOV_DEPTS = (
    "人民政府办公室",
    "发展和改革局",
    "教育局",
    "科学技术和工业信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化旅游广电体育局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "乡村振兴局",
    "行政审批服务局",
    "城市管理局",
    "信访局",
    "数据资源局",
)
INSTITUTIONS = (
    "人民医院",
    "中医医院",
    "妇幼保健院",
    "疾病预防控制中心",
    "第一中学",
    "第二中学",
    "职业中等专业学校",
    "融媒体中心",
    "档案馆",
    "图书馆",
    "农业技术推广中心",
    "不动产登记中心",
    "公共资源交易中心",
    "住房公积金管理中心",
)
SOES = (
    "城市建设投资集团有限公司",
    "国有资产经营有限公司",
    "水务集团有限公司",
    "交通投资集团有限公司",
    "农业发展投资有限公司",
)
MASS_ORGS = ("总工会", "共青团", "妇女联合会", "科学技术协会", "工商业联合会", "残疾人联合会")


@dataclass
class Node:
    """A unit before insertion; ids and paths are assigned in memory."""

    name: str
    kind: str
    level: str
    code: str
    region_code: str
    order: int
    parent: Node | None = None
    id: int = 0
    path: str = ""
    depth: int = 0
    quotas: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass
class Summary:
    units: int = 0
    quotas: int = 0
    users: int = 0
    cadres: int = 0
    positions: int = 0
    audit_events: int = 0
    alerts: int = 0
    # The alerts the demo shows on purpose: rule code → cadre ids (docs/demo.md).
    planted: dict[str, list[int]] = field(default_factory=dict)


class TreeBuilder:
    """Generates the unit tree of one tier with a seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.nodes: list[Node] = []
        self.child_counts: dict[int, int] = {}

    def add(
        self,
        parent: Node | None,
        name: str,
        kind: str,
        level: str,
        region: str,
        quotas: list[tuple[str, int, str]] | None = None,
    ) -> Node:
        key = id(parent)
        order = self.child_counts[key] = self.child_counts.get(key, 0) + 1
        code = f"{region}{len(self.nodes) + 1:06d}"
        node = Node(
            name=name,
            kind=kind,
            level=level,
            code=code,
            region_code=region,
            order=order,
            parent=parent,
            quotas=quotas or [],
        )
        self.nodes.append(node)
        return node

    def place(self, suffix: str, taken: set[str]) -> str:
        for _ in range(200):
            name = "".join(self.rng.sample(PLACE_SYLLABLES, 2)) + suffix
            if name not in taken:
                taken.add(name)
                return name
        raise RuntimeError("ran out of place names")

    # A county (县/区) with its departments, townships and villages.
    def county(self, parent: Node | None, name: str, region: str) -> Node:
        head_levels = ("131", "132")  # 县处级正职/副职 lead the county
        root = self.add(
            parent,
            f"中共{name}委员会",
            UnitKind.PARTY_COMMITTEE,
            UnitLevel.COUNTY,
            region,
            [
                (head_levels[0], 1, "书记"),
                (head_levels[1], 3, "副书记"),
                (head_levels[1], 8, "常委"),
            ],
        )
        for dept in PARTY_DEPTS:
            self.add(
                root,
                f"中共{name}委{dept}",
                UnitKind.PARTY_DEPT,
                UnitLevel.TOWNSHIP,
                region,
                [("141", 1, ""), ("142", self.rng.randint(2, 3), "")],
            )
        self.add(
            root,
            f"{name}纪委监委",
            UnitKind.DISCIPLINE,
            UnitLevel.COUNTY,
            region,
            [("131", 1, "书记"), ("132", 3, "")],
        )
        self.add(
            root,
            f"{name}人大常委会",
            UnitKind.CONGRESS,
            UnitLevel.COUNTY,
            region,
            [("131", 1, "主任"), ("132", 4, "副主任")],
        )
        gov = self.add(
            root,
            f"{name}人民政府",
            UnitKind.GOVERNMENT,
            UnitLevel.COUNTY,
            region,
            [("131", 1, "县长"), ("132", 5, "副县长")],
        )
        for dept in GOV_DEPTS:
            self.add(
                gov,
                f"{name}{dept}",
                UnitKind.GOV_DEPT,
                UnitLevel.TOWNSHIP,
                region,
                [("141", 1, ""), ("142", self.rng.randint(2, 4), "")],
            )
        self.add(
            root,
            f"政协{name}委员会",
            UnitKind.CPPCC,
            UnitLevel.COUNTY,
            region,
            [("131", 1, "主席"), ("132", 4, "副主席")],
        )
        self.add(
            root,
            f"{name}人民法院",
            UnitKind.JUDICIAL,
            UnitLevel.TOWNSHIP,
            region,
            [("141", 1, "院长"), ("142", 3, "")],
        )
        self.add(
            root,
            f"{name}人民检察院",
            UnitKind.JUDICIAL,
            UnitLevel.TOWNSHIP,
            region,
            [("141", 1, "检察长"), ("142", 3, "")],
        )
        taken: set[str] = set()
        towns = self.rng.randint(10, 14)
        for i in range(towns):
            if i < 2:
                kind, suffix, sub_kind, sub_suffix = (
                    UnitKind.SUBDISTRICT,
                    "街道",
                    UnitKind.COMMUNITY,
                    "社区",
                )
            else:
                kind, suffix = UnitKind.TOWNSHIP, ("镇" if i % 4 else "乡")
                sub_kind, sub_suffix = UnitKind.VILLAGE, "村"
            town = self.add(
                root,
                self.place(suffix, taken),
                kind,
                UnitLevel.TOWNSHIP,
                region,
                [("141", 2, "党（工）委书记、乡镇长（主任）"), ("142", self.rng.randint(5, 8), "")],
            )
            village_names: set[str] = set()
            for _ in range(self.rng.randint(8, 18)):
                self.add(
                    town, self.place(sub_suffix, village_names), sub_kind, UnitLevel.NONE, region
                )
        for inst in INSTITUTIONS:
            self.add(
                gov,
                f"{name}{inst}",
                UnitKind.INSTITUTION,
                UnitLevel.BELOW,
                region,
                [("141", 1, ""), ("142", 2, "")],
            )
        for soe in SOES[: self.rng.randint(3, 5)]:
            self.add(
                gov,
                f"{name}{soe}",
                UnitKind.SOE,
                UnitLevel.BELOW,
                region,
                [("141", 1, ""), ("142", 2, "")],
            )
        for org in MASS_ORGS:
            label = f"共青团{name}委员会" if org == "共青团" else f"{name}{org}"
            self.add(
                root,
                label,
                UnitKind.MASS_ORG,
                UnitLevel.TOWNSHIP,
                region,
                [("141", 1, ""), ("142", 2, "")],
            )
        return root

    # A city (市/州): city-level departments at 县处级 plus its counties.
    def city(self, parent: Node | None, name: str, region: str, counties: int) -> Node:
        root = self.add(
            parent,
            f"中共{name}市委员会",
            UnitKind.PARTY_COMMITTEE,
            UnitLevel.PREFECTURE,
            region,
            [("121", 1, "书记"), ("122", 3, "副书记"), ("122", 8, "常委")],
        )
        for dept in PARTY_DEPTS:
            self.add(
                root,
                f"中共{name}市委{dept}",
                UnitKind.PARTY_DEPT,
                UnitLevel.COUNTY,
                region,
                [("131", 1, ""), ("132", self.rng.randint(3, 4), "")],
            )
        gov = self.add(
            root,
            f"{name}市人民政府",
            UnitKind.GOVERNMENT,
            UnitLevel.PREFECTURE,
            region,
            [("121", 1, "市长"), ("122", 6, "副市长")],
        )
        for dept in GOV_DEPTS:
            self.add(
                gov,
                f"{name}市{dept}",
                UnitKind.GOV_DEPT,
                UnitLevel.COUNTY,
                region,
                [("131", 1, ""), ("132", self.rng.randint(3, 4), "")],
            )
        names = self.rng.sample(COUNTY_NAMES, counties)
        for i, county_name in enumerate(names):
            suffix = "区" if i == 0 else "县"
            self.county(root, county_name + suffix, f"{region[:4]}{i + 1:02d}")
        return root

    def province(self, name: str, region: str, cities: int, counties: int) -> Node:
        root = self.add(
            None,
            f"中共{name}省委员会",
            UnitKind.PARTY_COMMITTEE,
            UnitLevel.PROVINCE,
            region,
            [("111", 1, "书记"), ("112", 3, "副书记"), ("112", 10, "常委")],
        )
        for dept in PARTY_DEPTS:
            self.add(
                root,
                f"中共{name}省委{dept}",
                UnitKind.PARTY_DEPT,
                UnitLevel.PREFECTURE,
                region,
                [("121", 1, ""), ("122", 4, "")],
            )
        gov = self.add(
            root,
            f"{name}省人民政府",
            UnitKind.GOVERNMENT,
            UnitLevel.PROVINCE,
            region,
            [("111", 1, "省长"), ("112", 6, "副省长")],
        )
        for dept in GOV_DEPTS:
            self.add(
                gov,
                f"{name}省{dept.replace('局', '厅')}",
                UnitKind.GOV_DEPT,
                UnitLevel.PREFECTURE,
                region,
                [("121", 1, ""), ("122", 4, "")],
            )
        for i, city_name in enumerate(CITY_NAMES[:cities]):
            self.city(root, city_name, f"{region[:2]}{i + 1:02d}00", counties)
        return root


def build_tree(tier: str, seed: int) -> list[Node]:
    """All nodes of a tier, parents before children, deterministic for (tier, seed)."""
    rng = random.Random(f"zugong-demo:{tier}:{seed}")
    builder = TreeBuilder(rng)
    if tier == "county":
        builder.county(None, "清河县", "130101")
    elif tier == "city":
        builder.city(None, "江州", "130100", counties=9)
    elif tier == "province":
        builder.province("江北", "130000", cities=14, counties=8)
    else:
        raise ValueError(f"unknown tier {tier!r}; use one of {TIERS}")
    return builder.nodes


def _batched(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _reset_sequences(models: list[Any]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def seed(
    *,
    tier: str,
    seed: int,
    progress: Callable[[str], None] = print,
    cadre_scale: float = 1.0,
) -> Summary:
    """Insert the demo data of ``tier``; refuses a database that already has units.

    ``cadre_scale`` shrinks (or grows) the number of cadres, e.g. for quick tests.
    """
    if Unit.objects.exists():
        raise RuntimeError(
            "数据库中已有单位数据；seed_demo 只用于空数据库（可用 --flush 先清空演示数据）"
        )
    today = timezone.localdate()
    # All or nothing: a load that fails half-way (a rule the demo broke, a full disk, Ctrl-C)
    # leaves the database as it found it, so the next ``make run`` seeds it afresh.
    with transaction.atomic():
        summary = _load(tier=tier, seed=seed, progress=progress, cadre_scale=cadre_scale)
        DemoSeed.objects.create(tier=tier, seed=seed, seeded_on=today)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        _statistics(vacuum=True)
    return summary


def _load(*, tier: str, seed: int, progress: Callable[[str], None], cadre_scale: float) -> Summary:
    """Every row of the demo, in the caller's transaction."""
    nodes = build_tree(tier, seed)
    summary = Summary()
    start_id = (Unit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    for offset, node in enumerate(nodes):
        node.id = start_id + offset
        node.depth = node.parent.depth + 1 if node.parent else 0
        node.path = (node.parent.path if node.parent else "") + path_segment(node.id)
    now = timezone.now()
    units = [
        Unit(
            id=n.id,
            name=n.name,
            code=n.code,
            parent_id=n.parent.id if n.parent else None,
            path=n.path,
            depth=n.depth,
            order=n.order,
            kind=n.kind,
            level=n.level,
            region_code=n.region_code,
            pinyin_initials=initials(n.name)[:50],
            created_at=now,
            updated_at=now,
        )
        for n in nodes
    ]
    for batch in _batched(units, 2000):
        Unit.objects.bulk_create(batch)
    _reset_sequences([Unit])
    summary.units = len(units)
    progress(f"单位：{summary.units}")

    quotas = [
        PostQuota(unit_id=n.id, rank_level=level, title=title, quota=count)
        for n in nodes
        for level, count, title in n.quotas
    ]
    for batch in _batched(quotas, 5000):
        PostQuota.objects.bulk_create(batch)
    summary.quotas = len(quotas)
    progress(f"职数：{summary.quotas} 条")

    events = [
        PendingEvent(
            action=AuditAction.CREATE,
            object_type="orgs.Unit",
            object_id=str(n.id),
            object_repr=n.name,
            changes={"after": {"code": n.code, "source": f"seed_demo {tier}"}},
        )
        for n in nodes
    ]
    for batch in _batched(events, 5000):
        summary.audit_events += len(audit_record_many(batch))

    by_id = {u.id: u for u in units}
    root = by_id[nodes[0].id]
    township = next(
        by_id[n.id] for n in nodes if n.kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
    )
    org_dept = next((by_id[n.id] for n in nodes if n.name.endswith("组织部")), root)
    id_rng = random.Random(f"zugong-demo-ids:{seed}")
    for index, (username, full_name, role, scope) in enumerate(DEMO_ACCOUNTS):
        grant_scope = {"root": root, "township": township}.get(scope or "")
        birth = dt.date(id_rng.randint(1968, 1995), id_rng.randint(1, 12), id_rng.randint(1, 28))
        system_user_create(
            id_number=build_id_number(root.region_code or "130101", birth, 2 * index + 1),
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            unit=township if scope == "township" else org_dept,
            roles=[(role, grant_scope)],
            must_change_password=False,
        )
        summary.users += 1
    summary.users += _liaisons(nodes, by_id)
    summary.audit_events += summary.users
    progress(f"账户：{summary.users}")
    cadres = seed_cadres(tier=tier, seed=seed, nodes=nodes, scale=cadre_scale, progress=progress)
    summary.cadres, summary.positions = cadres.cadres, cadres.positions
    summary.audit_events += cadres.audit_events
    summary.planted = cadres.planted
    _statistics(vacuum=False)
    # After the statistics: the warning rules' plans depend on them. PostgreSQL's ANALYZE
    # counts the rows this transaction inserted, so the plans see 2M positions, not none.
    work = seed_work(root, seed)
    progress(
        f"选拔任用：{work.cases} 件；个人有关事项报告：{work.reports} 份；"
        f"正负面清单：{work.conduct_entries} 条；重点部门：{work.key_units} 个；"
        f"挂职墩苗：{work.assignments} 人"
    )
    for note in work.notes:
        progress(f"注意：{note}")
    summary.alerts = _demo_alerts(root)
    _demo_pools(root)
    progress(f"预警：{summary.alerts} 条")
    return summary


def _statistics(*, vacuum: bool) -> None:
    """Planner statistics for the bulk-loaded tables (ANALYZE; on PostgreSQL, outside a
    transaction, VACUUM (ANALYZE), which also sets the visibility map so that a roster count
    over 300k cadres is answered from the index alone, bench/README.md). Without them the unit
    list plans a join over the whole tree (SQLite keeps no statistics of its own)."""
    with connection.cursor() as cursor:
        for table in (
            "orgs_unit",
            "orgs_postquota",
            "accounts_user",
            "accounts_rolegrant",
            "audit_auditevent",
            *CADRE_TABLES,
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")


def _demo_alerts(root: Unit) -> int:
    """The warnings of the demo data as of today, computed as the daily scheduled run does
    (audited), so that the alert centre and the badges are filled from the first login."""
    from alerts.services import alerts_compute_scheduled

    results = alerts_compute_scheduled(today=timezone.localdate())
    return sum(summary.totals["found"] for _name, summary in results)


def _demo_pools(root: Unit) -> None:
    """Two empty pools with typical criteria: their 推荐人选 tab lists candidates at once."""
    from development.choices import PoolKind
    from development.services import pool_create

    clerk = User.objects.get(username="ganbu")
    pool_create(
        acting_user=clerk,
        unit=root,
        kind=PoolKind.YOUNG,
        name="优秀年轻干部库",
        description="乡科级领导干部中 35 岁以下、本科以上、近三年考核称职以上且至少一次优秀者",
        criteria={
            "max_age": 35,
            "rank_levels": ["141", "142"],
            "min_education": "2",
            "recent_assessments": {"years": 3, "none_below_competent": True, "min_excellent": 1},
        },
    )
    pool_create(
        acting_user=clerk,
        unit=root,
        kind=PoolKind.SPECIALIST,
        name="专业化干部库（经济与规划）",
        description="熟悉经济、财政、规划、金融等领域的 45 岁以下干部",
        criteria={
            "max_age": 45,
            "min_education": "2",
            "expertise_keywords": ["经济", "财政", "规划", "金融"],
            "recent_assessments": {"years": 3, "none_below_competent": True, "min_excellent": 0},
        },
    )


def _liaisons(nodes: list[Node], by_id: dict[int, Unit]) -> int:
    """One liaison account (no password yet: the system administrator issues one) per
    township, subdistrict and county-level department — the people who report for their unit."""
    kinds = {UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.PARTY_DEPT, UnitKind.GOV_DEPT}
    targets = [n for n in nodes if n.kind in kinds]
    users = []
    for n in targets:
        user = User(
            username=f"ll{n.code}",
            full_name=f"{n.name}联络员",
            unit_id=n.id,
            must_change_password=True,
        )
        user.set_unusable_password()
        users.append(user)
    for batch in _batched(users, 2000):
        User.objects.bulk_create(batch)
    created = {
        u.username: u.pk
        for u in User.objects.filter(username__startswith="ll").only("id", "username")
    }
    grants = [
        RoleGrant(user_id=created[f"ll{n.code}"], role=Role.LIAISON, unit_id=n.id) for n in targets
    ]
    for batch in _batched(grants, 5000):
        RoleGrant.objects.bulk_create(batch)
    events = [
        PendingEvent(
            action=AuditAction.CREATE,
            object_type="accounts.User",
            object_id=str(created[f"ll{n.code}"]),
            object_repr=f"ll{n.code}",
            changes={"after": {"role": Role.LIAISON.value, "unit": n.name}},
        )
        for n in targets
    ]
    for batch in _batched(events, 5000):
        audit_record_many(batch)
    return len(users)

"""Pool pages: the clerk works, the leader reads, outsiders get the missing-object 404."""

from __future__ import annotations

import datetime as dt
import io
import re

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres.choices import AssessmentGrade
from development import services
from development.choices import EntryStatus, EvidenceTag
from development.models import Pool, PoolEntry, PoolEvidence
from development.tests.base import PoolTestCase

EX, OK = AssessmentGrade.EXCELLENT, AssessmentGrade.COMPETENT
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
THIS_YEAR = dt.date.today().year
# 29 or 30 on any day the suite runs: under the young pool's 35 (the default 1992 is not).
BORN = dt.date(THIS_YEAR - 30, 3, 1)
GOOD = {THIS_YEAR - 3: EX, THIS_YEAR - 2: OK, THIS_YEAR - 1: OK}


def comparable(response) -> str:
    """The page without its per-render CSRF token (BREACH masking differs every time)."""
    return CSRF_INPUT.sub("csrf", response.content.decode())


def url(name: str, *args: int) -> str:
    return reverse(f"development:{name}", args=list(args))


class PoolPageTests(PoolTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.young = cls.pool()
        cls.town = cls.pool("甲镇年轻干部库", unit="a")
        cls.zs = cls.person("张三", birth=BORN, grades=GOOD)
        cls.ls = cls.person("李四", birth=BORN, grades=GOOD)
        cls.ww = cls.person("王五", unit="b", birth=BORN, grades=GOOD)
        cls.entry = cls.enter(cls.young, cls.zs)
        services.pool_evidence_add(
            acting_user=cls.clerk, entry=cls.entry, tag=EvidenceTag.STUDIED, text="省委党校中青班"
        )
        cls.town_entry = cls.enter(cls.town, cls.ls)

    def body(self, user, path: str, **params) -> str:
        response = self.client_for(user).get(path, params)
        assert response.status_code == 200, (path, response.status_code)
        return response.content.decode()

    def test_it_lists_pools_with_their_counts_and_criteria(self) -> None:
        body = self.body(self.clerk, url("pool_list"))
        assert "全县优秀年轻干部库" in body
        assert "甲镇年轻干部库" in body
        assert "35岁及以下；乡科级正职、乡科级副职；大学本科及以上" in body
        assert "新建干部库" in body
        body = self.body(self.clerk_a, url("pool_list"))
        assert "甲镇年轻干部库" in body
        assert "全县优秀年轻干部库" not in body
        assert "新建干部库" not in self.body(self.leader, url("pool_list"))

    def test_it_shows_members_with_evidence_badges_and_cadre_links(self) -> None:
        body = self.body(self.clerk, url("pool_detail", self.young.pk))
        assert "张三" in body
        assert reverse("cadres:detail", args=[self.zs.pk]) in body
        assert 'text-bg-primary me-1" title="省委党校中青班">学过 1</span>' in body
        assert "干过</span>" in body  # none yet: a grey badge without a count
        assert url("entry_exit", self.entry.pk) in body

    def test_it_finds_members_by_name_or_initials(self) -> None:
        self.enter(self.young, self.ls)
        detail = url("pool_detail", self.young.pk)
        for q, shown, hidden in (("张", "张三", "李四"), ("ls", "李四", "张三")):
            body = self.body(self.clerk, detail, q=q).split("<tbody>")[1]
            assert shown in body, q
            assert hidden not in body, q
        assert "库中没有“赵”" in self.body(self.clerk, detail, q="赵")

    def test_it_links_every_stay_of_a_cadre_from_the_entry_page(self) -> None:
        services.pool_entry_exit(acting_user=self.clerk, entry=self.entry, reason="调整")
        again = self.enter(self.young, self.zs, reason="重新入库")
        body = self.body(self.clerk, url("entry_detail", again.pk))
        assert "入库记录：" in body
        assert url("entry_detail", self.entry.pk) in body
        old = self.body(self.clerk, url("entry_detail", self.entry.pk))
        assert "已出库" in old
        assert "调整" in old
        assert "添加佐证" not in old

    def test_it_suggests_candidates_and_enters_one_with_a_click(self) -> None:
        client = self.client_for(self.clerk)
        body = self.body(self.clerk, url("pool_detail", self.young.pk), tab="candidates")
        assert "李四" in body
        assert "王五" in body
        assert "张三" not in body.split("<tbody>")[1]
        assert f"{THIS_YEAR - 3}优秀" in body
        facts = re.search(
            rf'name="cadre" value="{self.ww.pk}">.*?name="note" value="(入库时情况：[^"]*)"', body
        )
        assert facts is not None
        response = client.post(
            url("entry_add", self.young.pk),
            {
                "cadre": self.ww.pk,
                "reason": "符合入库条件",
                "note": facts.group(1),
                "back": "tab=candidates&page=1",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == url("pool_detail", self.young.pk) + "?tab=candidates&page=1"
        entry = PoolEntry.objects.get(pool=self.young, cadre=self.ww, status="in")
        assert entry.note.startswith("入库时情况：")
        assert "乡科级副职；大学；近3年考核" in entry.note
        again = client.post(
            url("entry_add", self.young.pk),
            {"cadre": self.ww.pk, "reason": "再来一次"},
            follow=True,
        )
        assert "王五已在“全县优秀年轻干部库”中" in again.content.decode()

    def test_it_sends_the_clerk_back_only_to_this_pool_page(self) -> None:
        response = self.client_for(self.clerk).post(
            url("entry_add", self.young.pk),
            {"cadre": self.ls.pk, "reason": "理由", "back": "tab=candidates\r\nSet-Cookie: x=1"},
        )
        assert response.status_code == 302
        location = response["Location"]
        assert location.startswith(url("pool_detail", self.young.pk) + "?tab=candidates")
        assert "\n" not in location

    def test_it_offers_no_entry_into_a_switched_off_pool(self) -> None:
        services.pool_update(acting_user=self.clerk, pool=self.young, is_active=False)
        body = self.body(self.clerk, url("pool_detail", self.young.pk), tab="candidates")
        assert "本库已停用，不能入库" in body
        assert ">入库</button>" not in body
        response = self.client_for(self.clerk).post(
            url("entry_add", self.young.pk), {"cadre": self.ls.pk, "reason": "理由"}, follow=True
        )
        assert "“全县优秀年轻干部库”已停用，不能入库" in response.content.decode()

    def test_it_finds_a_cadre_by_name_and_opens_the_new_entry(self) -> None:
        body = self.body(self.clerk, url("entry_add", self.young.pk), q="李")
        assert "李四" in body
        response = self.client_for(self.clerk).post(
            url("entry_add", self.young.pk), {"cadre": self.ls.pk, "reason": "组织推荐"}
        )
        entry = PoolEntry.objects.get(pool=self.young, cadre=self.ls)
        assert response["Location"] == url("entry_detail", entry.pk)
        again = self.client_for(self.clerk).post(
            url("entry_add", self.young.pk), {"cadre": self.ls.pk, "reason": "再来", "q": "李"}
        )
        assert again["Location"] == url("entry_add", self.young.pk) + "?q=%E6%9D%8E"
        body = self.body(self.clerk, url("entry_add", self.young.pk), q="李")
        assert "已在库" in body

    def test_it_adds_and_deletes_evidence_on_the_entry_page(self) -> None:
        client = self.client_for(self.clerk)
        page = url("entry_detail", self.entry.pk)
        response = client.post(
            url("evidence_add", self.entry.pk),
            {"tag": "proven", "text": "乡村振兴考核全县第一", "date": "2024.12", "source": "考核"},
        )
        assert response["Location"] == page
        item = PoolEvidence.objects.get(tag="proven")
        assert item.date == dt.date(2024, 12, 1)
        body = self.body(self.clerk, page)
        assert "乡村振兴考核全县第一" in body
        assert "2024.12" in body
        invalid = client.post(url("evidence_add", self.entry.pk), {"tag": "proven", "text": ""})
        assert invalid.status_code == 200
        assert "这个字段是必填项" in invalid.content.decode()
        response = client.post(url("evidence_delete", item.pk))
        assert response["Location"] == page
        assert not PoolEvidence.objects.filter(pk=item.pk).exists()

    def test_it_exits_with_a_reason_and_shows_the_history(self) -> None:
        client = self.client_for(self.clerk)
        form = client.post(url("entry_exit", self.entry.pk), {"exit_reason": ""})
        assert form.status_code == 200
        assert "这个字段是必填项" in form.content.decode()
        response = client.post(url("entry_exit", self.entry.pk), {"exit_reason": "已提拔"})
        assert response["Location"] == url("pool_detail", self.young.pk) + "?tab=history"
        body = self.body(self.clerk, url("pool_detail", self.young.pk), tab="history")
        assert "张三" in body
        assert "已提拔" in body
        assert "省委党校中青班" in body

    def test_it_creates_and_edits_a_pool_through_the_form(self) -> None:
        client = self.client_for(self.clerk)
        assert client.get(url("pool_create")).status_code == 200
        data = {
            "unit": "TA00",
            "kind": "specialist",
            "name": "甲镇专业化干部库",
            "is_active": "on",
            "max_age": "45",
            "rank_levels": ["141", "142"],
            "min_education": "3",
            "expertise_keywords": "规划、财政 法律",
            "assessment_years": "3",
            "none_below_competent": "on",
            "min_excellent": "",
        }
        response = client.post(url("pool_create"), data)
        pool = Pool.objects.get(name="甲镇专业化干部库")
        assert response["Location"] == url("pool_detail", pool.pk) + "?tab=candidates"
        assert pool.unit == self.units["a"]
        assert pool.criteria["expertise_keywords"] == ["规划", "财政", "法律"]
        bad = client.post(url("pool_create"), {**data, "name": "另一个", "max_age": "80"})
        assert "确保该值小于或等于70。" in bad.content.decode()
        bad = client.post(
            url("pool_create"),
            {**data, "name": "另一个", "assessment_years": "", "min_excellent": "1"},
        )
        assert "设置了考核条件，请填写看近几年的考核" in bad.content.decode()
        outside = client.post(url("pool_create"), {**data, "unit": "NOPE"})
        assert "找不到该单位，或您无权在其中建立干部库" in outside.content.decode()
        edit = client.get(url("pool_edit", pool.pk))
        assert edit.context["form"].initial["expertise_keywords"] == "规划 财政 法律"
        response = client.post(
            url("pool_edit", pool.pk), {**data, "name": "甲镇专业干部库", "version": 1}
        )
        assert response["Location"] == url("pool_detail", pool.pk)
        pool.refresh_from_db()
        assert (pool.name, pool.version) == ("甲镇专业干部库", 2)

    def test_it_exports_members_as_a_sensitive_audited_read(self) -> None:
        before = AuditEvent.objects.count()
        response = self.client_for(self.clerk).get(url("pool_export", self.young.pk))
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        rows = list(
            load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)
        )
        assert rows[0][:2] == ("姓名", "性别")
        assert [r[0] for r in rows[1:]] == ["张三"]
        assert rows[1][11] == "省委党校中青班"  # 学过
        event = AuditEvent.objects.order_by("-seq").first()
        assert AuditEvent.objects.count() == before + 1
        assert (event.action, event.sensitive, event.object_repr) == (
            AuditAction.EXPORT,
            True,
            "全县优秀年轻干部库在库名单（1 人）",
        )

    def test_it_lets_the_leader_read_but_not_write(self) -> None:
        leader = self.client_for(self.leader)
        body = self.body(self.leader, url("pool_detail", self.young.pk))
        assert "张三" in body
        assert url("entry_exit", self.entry.pk) not in body
        assert "编辑条件" not in body
        candidates = self.body(self.leader, url("pool_detail", self.young.pk), tab="candidates")
        assert "李四" in candidates
        assert ">入库</button>" not in candidates
        assert self.body(self.leader, url("entry_detail", self.entry.pk))
        refused = [
            leader.get(url("pool_create")),
            leader.post(url("pool_create"), {"unit": "T000", "kind": "young", "name": "库"}),
            leader.get(url("pool_edit", self.young.pk)),
            leader.post(url("entry_add", self.young.pk), {"cadre": self.ls.pk, "reason": "理由"}),
            leader.post(url("entry_exit", self.entry.pk), {"exit_reason": "理由"}),
            leader.post(url("evidence_add", self.entry.pk), {"tag": "done", "text": "内容"}),
            leader.post(url("evidence_delete", self.entry.evidence.get().pk)),
            leader.get(url("pool_export", self.young.pk)),  # 领导 holds no export right
        ]
        assert [r.status_code for r in refused] == [404] * len(refused)
        assert PoolEntry.objects.filter(status=EntryStatus.IN).count() == 2
        assert PoolEvidence.objects.count() == 1

    def test_it_gives_outsiders_the_missing_object_404(self) -> None:
        missing = 987_654
        pages = [
            ("pool_detail", self.town.pk),
            ("pool_edit", self.town.pk),
            ("pool_export", self.town.pk),
            ("entry_add", self.town.pk),
            ("entry_detail", self.town_entry.pk),
            ("entry_exit", self.town_entry.pk),
        ]
        for user in (self.outsider_b, self.clerk_b):
            client = self.client_for(user)
            for name, pk in pages:
                with self.subTest(user=user.username, page=name):
                    a_obj, nothing = client.get(url(name, pk)), client.get(url(name, missing))
                    assert a_obj.status_code == nothing.status_code == 404
                    assert comparable(a_obj) == comparable(nothing)
            posted = client.post(
                url("entry_add", self.town.pk), {"cadre": self.zs.pk, "reason": "越权"}
            )
            assert posted.status_code == 404
        assert self.client_for(self.outsider_b).get(url("pool_list")).status_code == 404
        # clerk_b may use pools, but 甲镇's pool and cadres are not in its list or search.
        body = self.body(self.clerk_b, url("pool_list"))
        assert "甲镇" not in body
        b_pool = self.pool("乙镇库", unit="b", user=self.clerk_b)
        response = self.client_for(self.clerk_b).post(
            url("entry_add", b_pool.pk), {"cadre": self.zs.pk, "reason": "越权"}
        )
        assert response.status_code == 404
        found = self.body(self.clerk_b, url("entry_add", b_pool.pk), q="张三")
        assert "没有找到“张三”" in found
        assert PoolEntry.objects.filter(cadre=self.zs).count() == 1

    def test_it_keeps_list_page_query_counts_flat(self) -> None:
        # The clock stands still: past a minute the session's last-seen time is written once
        # (accounts/middleware.py), which would add queries to whichever round crossed it.
        with time_machine.travel(timezone.now(), tick=False):
            self.assert_query_counts_flat()

    def assert_query_counts_flat(self) -> None:
        client = self.client_for(self.clerk)
        gone = self.enter(self.young, self.person("赵六", birth=BORN, grades=GOOD))
        services.pool_entry_exit(acting_user=self.clerk, entry=gone, reason="调整")
        pages = [
            (url("pool_list"), {}),
            (url("pool_detail", self.young.pk), {}),
            (url("pool_detail", self.young.pk), {"tab": "history"}),
            (url("pool_detail", self.young.pk), {"tab": "candidates"}),
        ]

        def counts() -> list[int]:
            found = []
            cache.clear()  # the candidates' total is remembered per state of the data
            for path, params in pages:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(path, params).status_code == 200
                found.append(len(queries))
            return found

        counts()  # warm the per-process code-table cache
        small = counts()
        for i in range(8):
            cadre = self.person(f"新人{i}", unit="a_village", birth=BORN, grades=GOOD)
            entry = self.enter(self.young, cadre)
            services.pool_evidence_add(
                acting_user=self.clerk, entry=entry, tag=EvidenceTag.DONE, text=f"事迹{i}"
            )
            if i % 2:
                services.pool_entry_exit(acting_user=self.clerk, entry=entry, reason="调整")
            self.person(f"候选{i}", unit="a_village", birth=BORN, grades=GOOD)
            self.pool(f"其他库{i}", unit="a")
        assert counts() == small

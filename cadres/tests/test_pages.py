"""Roster and cadre pages: scoping, filters, tabs, edit forms with field errors, query counts."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.selectors import export_subjects
from cadres import services
from cadres.models import Cadre
from zugong.testing import PersonaTestCase

ZWD_ID = "433101197803152136"


def make_cadre(user, unit, name="张卫东", id_number=ZWD_ID, **extra) -> Cadre:
    fields = {"name": name, "id_number": id_number, "ethnicity": "01", "political_status": "01"}
    fields.update(extra)
    return services.cadre_create(acting_user=user, unit=unit, **fields)


class RosterPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        u = cls.units
        cls.zwd = make_cadre(cls.clerk, u["a"])
        services.position_start(
            acting_user=cls.clerk,
            cadre=cls.zwd,
            unit=u["a"],
            title="党委书记",
            rank_level="141",
            is_leading=True,
            is_head=True,
            start_date=dt.date(2019, 1, 1),
        )
        cls.lisi = make_cadre(
            cls.clerk,
            u["b"],
            name="李四",
            id_number=None,
            sex="2",
            # Under 31 on any day the suite runs: the age filter below keeps her out.
            birth_date=dt.date(timezone.localdate().year - 30, 5, 1),
        )

    def test_roster_lists_only_scope(self) -> None:
        page = self.client_for(self.liaison_a).get(reverse("cadres:roster"))
        assert page.status_code == 200
        assert "张卫东" in page.content.decode()
        assert "李四" not in page.content.decode()
        page = self.client_for(self.clerk).get(reverse("cadres:roster"))
        assert "李四" in page.content.decode()

    def test_search_by_initials_name_and_id(self) -> None:
        client = self.client_for(self.clerk)
        for q in ("zwd", "张卫", ZWD_ID):
            response = client.get(reverse("cadres:search"), {"q": q})
            assert response.status_code == 302, q
            assert response["Location"] == reverse("cadres:detail", args=[self.zwd.pk]), q

    def test_filters(self) -> None:
        client = self.client_for(self.clerk)
        body = client.get(reverse("cadres:roster"), {"rank_level": "141"}).content.decode()
        assert "张卫东" in body
        assert "李四" not in body
        body = client.get(reverse("cadres:roster"), {"sex": "2"}).content.decode()
        assert "李四" in body
        assert "张卫东" not in body
        body = client.get(reverse("cadres:roster"), {"unit": "TB00"}).content.decode()
        assert "李四" in body
        assert "张卫东" not in body
        # A window around 张卫东's age on the day (born 1978-03-15, 48 in 2026).
        age = self.zwd.age_at(timezone.localdate())
        body = client.get(
            reverse("cadres:roster"), {"age_min": str(age - 8), "age_max": str(age + 12)}
        ).content.decode()
        assert "张卫东" in body
        assert "李四" not in body

    def test_detail_tabs_and_scope(self) -> None:
        client = self.client_for(self.clerk)
        for tab in (
            "basic",
            "resume",
            "positions",
            "education",
            "assessments",
            "records",
            "family",
            "history",
        ):
            response = client.get(reverse("cadres:detail", args=[self.zwd.pk]), {"tab": tab})
            assert response.status_code == 200, tab
        body = client.get(reverse("cadres:detail", args=[self.zwd.pk])).content.decode()
        assert ZWD_ID not in body
        assert "433101********2136" in body
        assert (
            self.client_for(self.outsider_b)
            .get(reverse("cadres:detail", args=[self.zwd.pk]))
            .status_code
            == 404
        )

    def test_reveal_is_audited(self) -> None:
        before = AuditEvent.objects.count()
        response = self.client_for(self.clerk).post(reverse("cadres:reveal_id", args=[self.zwd.pk]))
        assert ZWD_ID in response.content.decode()
        assert AuditEvent.objects.count() == before + 1
        assert (
            self.client_for(self.leader)
            .post(reverse("cadres:reveal_id", args=[self.zwd.pk]))
            .status_code
            == 404
        )

    def test_edit_shows_field_error_and_keeps_data(self) -> None:
        client = self.client_for(self.clerk)
        self.zwd.refresh_from_db()
        url = reverse("cadres:edit", args=[self.zwd.pk])
        form = client.get(url).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update(birth_date="1978.03", sex="2", id_number="", version=self.zwd.version)
        response = client.post(url, data)
        assert response.status_code == 200
        assert "性别与身份证号不一致" in response.content.decode()
        self.zwd.refresh_from_db()
        assert self.zwd.sex == "1"

    def test_page_query_counts_do_not_grow(self) -> None:
        client = self.client_for(self.clerk)
        url = reverse("cadres:detail", args=[self.zwd.pk])
        with CaptureQueriesContext(connection) as small:
            client.get(url, {"tab": "family"})
        for i in range(6):
            services.family_add(
                acting_user=self.clerk, cadre=self.zwd, relation="子", name=f"张{i}"
            )
            services.position_start(
                acting_user=self.clerk,
                cadre=self.zwd,
                unit_name="外县",
                title=f"职务{i}",
                start_date=dt.date(2000 + i, 1, 1),
                end_date=dt.date(2000 + i, 6, 1),
            )
        for tab in ("family", "positions", "basic"):
            with CaptureQueriesContext(connection) as big:
                client.get(url, {"tab": tab})
            assert len(big) <= len(small) + 1, tab
        with CaptureQueriesContext(connection) as roster_small:
            client.get(reverse("cadres:roster"))
        for i in range(10):
            make_cadre(
                self.clerk,
                self.units["a_village"],
                name=f"王{i}",
                id_number=None,
                sex="1",
                birth_date=dt.date(1980, 1, 1),
            )
        with CaptureQueriesContext(connection) as roster_big:
            client.get(reverse("cadres:roster"))
        assert len(roster_big) == len(roster_small)


class CadreApiTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.zwd = make_cadre(cls.clerk, cls.units["a"])

    def test_list_detail_scope(self) -> None:
        body = self.client_for(self.liaison_a).get("/api/v1/cadres").json()
        assert [c["name"] for c in body["items"]] == ["张卫东"]
        assert body["items"][0]["id_number_masked"] == "433101********2136"
        assert self.client_for(self.outsider_b).get("/api/v1/cadres").json()["items"] == []
        assert (
            self.client_for(self.outsider_b).get(f"/api/v1/cadres/{self.zwd.pk}").status_code == 404
        )
        detail = self.client_for(self.clerk).get(f"/api/v1/cadres/{self.zwd.pk}").json()
        assert detail["name"] == "张卫东"
        assert detail["positions"] == []

    def test_create_and_patch_with_version(self) -> None:
        client = self.client_for(self.clerk)
        response = client.post(
            "/api/v1/cadres",
            {"unit_id": self.units["a"].pk, "name": "王五", "sex": "1", "birth_date": "1985-06-01"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        pk, version = response.json()["id"], response.json()["version"]
        stale = client.patch(
            f"/api/v1/cadres/{pk}",
            {"version": version - 1, "expertise": "农业"},
            content_type="application/json",
        )
        assert stale.status_code == 422
        assert "修改" in str(stale.json())
        ok = client.patch(
            f"/api/v1/cadres/{pk}",
            {"version": version, "expertise": "农业"},
            content_type="application/json",
        )
        assert ok.status_code == 200
        assert ok.json()["version"] == version + 1
        bad = client.post(
            "/api/v1/cadres",
            {"unit_id": self.units["a"].pk, "name": "赵六", "id_number": "433101197803152137"},
            content_type="application/json",
        )
        assert bad.status_code == 422
        assert "校验位" in str(bad.json())


class BatchTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.first = make_cadre(
            cls.clerk,
            cls.units["a"],
            name="甲干部",
            id_number=None,
            sex="1",
            birth_date=dt.date(1970, 1, 1),
        )
        cls.second = make_cadre(
            cls.clerk,
            cls.units["b"],
            name="乙干部",
            id_number=None,
            sex="2",
            birth_date=dt.date(1980, 1, 1),
        )

    def post(self, what: str, order: list[int]) -> Any:
        data = {
            "order": "1",
            "what": what,
            "ids": [str(pk) for pk in order],
            "RenMianLiYou": "工作需要",
            "JiSuanNianLingShiJian": "2026.11",
            f"proposed_{order[0]}": "拟任某职",
        }
        return self.client_for(self.clerk).post(reverse("cadres:batch"), data)

    def test_the_packet_keeps_the_chosen_order(self) -> None:
        order = [self.second.pk, self.first.pk]
        response = self.post("pdf", order)
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        event = AuditEvent.objects.order_by("-seq").first()
        assert event is not None
        assert export_subjects(event) == sorted(order)
        zipped = self.post("lrmx", order)
        names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
        assert len(names) == 2
        assert names[0].startswith("乙干部")

    def test_outsiders_get_nothing(self) -> None:
        page = self.client_for(self.outsider_b).get(
            reverse("cadres:batch"), {"ids": [self.first.pk]}
        )
        assert "甲干部" not in page.content.decode()


class RosterCountTests(PersonaTestCase):
    """The roster's total is counted once per state of the data, and exact after a change."""

    def test_the_total_is_remembered_until_the_data_changes(self) -> None:
        make_cadre(
            self.clerk,
            self.units["a"],
            name="计数甲",
            id_number=None,
            sex="1",
            birth_date=dt.date(1970, 1, 1),
        )
        client = self.client_for(self.clerk)
        first = client.get(reverse("cadres:roster"))
        assert first.context["page"].paginator.count == 1
        with CaptureQueriesContext(connection) as again:
            client.get(reverse("cadres:roster"))
        assert not any(
            "COUNT(" in q["sql"] and "cadres_cadre" in q["sql"] for q in again.captured_queries
        )
        make_cadre(
            self.clerk,
            self.units["b"],
            name="计数乙",
            id_number=None,
            sex="1",
            birth_date=dt.date(1970, 1, 1),
        )
        assert client.get(reverse("cadres:roster")).context["page"].paginator.count == 2
        # Another user's scope is another query, hence another total.
        assert (
            self.client_for(self.liaison_a)
            .get(reverse("cadres:roster"))
            .context["page"]
            .paginator.count
            == 1
        )

    def test_an_empty_filter_counts_nothing(self) -> None:
        client = self.client_for(self.clerk)
        page = client.get(reverse("cadres:roster"), {"unit": "NO-SUCH-UNIT"})
        assert page.status_code == 200
        assert page.context["page"].paginator.count == 0

"""Entering a selection case (issue 14, item 10).

提出人选 picks a cadre by typing, not from a dropdown of every cadre (issue 14, item 10).

The old dropdown held the first 500 cadres of the unit by pinyin (a county's 2,000 made a
cadre beyond them impossible to propose); the picker asks for the few that match what was
typed — name, pinyin initials or ID number — within the case's unit and the user's scope.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cadres import services as cadres
from selection.choices import CHECKLIST_ITEMS, Stage
from selection.models import Candidate, InspectionChecklist, SelectionCase
from selection.tests.base import SelectionTestCase


class CandidatePickerTests(SelectionTestCase):
    def setUp(self) -> None:
        self.case_ = self.case()
        self.advance(self.case_, Stage.RECOMMENDATION)
        self.zhang = self.person("张三")
        self.li = self.person("李四")

    def options(self, user, **query) -> str:
        url = reverse("selection:candidate_options", args=[self.case_.pk])
        response = self.client_for(user).get(url, query)
        assert response.status_code == 200
        return response.content.decode()

    def test_the_page_offers_a_picker_not_a_list_of_every_cadre(self):
        page = self.client_for(self.clerk).get(
            reverse("selection:case_detail", args=[self.case_.pk])
        )
        html = page.content.decode()
        assert 'list="cadre-picks"' in html
        assert "<select" not in html.split("提出人选")[1].split("</form>")[0]
        assert "李四" not in html  # nobody is listed before anything is typed

    def test_it_finds_by_name_and_by_pinyin_initials(self):
        by_initials = self.options(self.clerk, cadre="zs")
        assert f'value="{self.zhang.pk}"' in by_initials
        assert "李四" not in by_initials
        assert "甲镇" in by_initials  # the unit tells namesakes apart
        assert f'value="{self.li.pk}"' in self.options(self.clerk, cadre="李")
        assert "<option" not in self.options(self.clerk, cadre="")

    def test_it_offers_only_the_cases_unit_and_active_cadres(self):
        other = cadres.cadre_create(
            acting_user=self.clerk,
            unit=self.units["b"],
            name="张乙",
            sex="1",
            birth_date=self.zhang.birth_date,
        )
        found = self.options(self.clerk, cadre="张")
        assert f'value="{other.pk}"' not in found
        assert f'value="{self.zhang.pk}"' in found

    def test_an_outsider_gets_404_and_the_same_for_a_missing_case(self):
        url = reverse("selection:candidate_options", args=[self.case_.pk])
        missing = reverse("selection:candidate_options", args=[987654321])
        for user in (self.clerk_b, self.outsider_b):
            client = self.client_for(user)
            assert client.get(url, {"cadre": "zs"}).status_code == 404
            assert client.get(missing, {"cadre": "zs"}).status_code == 404

    def test_the_chosen_cadre_is_proposed_and_a_foreign_id_is_refused(self):
        url = reverse("selection:candidate_add", args=[self.case_.pk])
        client = self.client_for(self.clerk)
        version = SelectionCase.objects.get(pk=self.case_.pk).version
        client.post(url, {"cadre": self.zhang.pk, "version": version})
        assert Candidate.objects.get().cadre == self.zhang
        bad = self.client_for(self.clerk).post(url, {"cadre": "zs"})
        shown = [str(m) for m in get_messages(bad.wsgi_request)]
        assert shown == ["干部：请从列表中选择干部"]
        assert Candidate.objects.count() == 1


class ChecklistDefaultsTests(SelectionTestCase):
    """考察 dates default to today; an unchecked item's date is not saved (issue 14, item 10)."""

    def setUp(self) -> None:
        case = self.case()
        self.candidate = self.nominate(case, self.person("张三"))
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION, on=dt.date(2026, 1, 26))
        self.case_ = SelectionCase.objects.get(pk=case.pk)

    def test_the_date_boxes_start_at_today(self):
        page = self.client_for(self.clerk).get(
            reverse("selection:case_detail", args=[self.case_.pk])
        )
        today = timezone.localdate().isoformat()
        html = page.content.decode()
        name = f'name="c{self.candidate.pk}-file_review_date"'
        assert name in html
        assert html.count(f'value="{today}"') >= 4

    def test_only_the_checked_items_keep_their_date(self):
        today = timezone.localdate()
        prefix = f"c{self.candidate.pk}-"
        data = {f"{prefix}{item}_date": today.isoformat() for item in CHECKLIST_ITEMS}
        data[f"{prefix}file_review"] = "on"
        data["version"] = str(self.case_.version)
        self.client_for(self.clerk).post(
            reverse("selection:checklist_set", args=[self.candidate.pk]), data
        )
        record = InspectionChecklist.objects.get(candidate=self.candidate)
        assert (record.file_review, record.file_review_date) == (True, today)
        assert (record.personal_matters, record.personal_matters_date) == (False, None)

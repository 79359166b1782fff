"""Searching by an ID number with a wrong check digit says what is wrong (issue 14, item 3).

"433101197803152136" is the LRMX fixture's number; its check digit is 6 (GB 11643: the
weighted sum of the first 17 digits is 229, 229 mod 11 = 9, and 9 maps to 6), so
"…2135" is wrong and the message names the right digit.
"""

from __future__ import annotations

from django.urls import reverse

from cadres.roster import query_problem
from cadres.tests.test_pages import ZWD_ID, make_cadre
from zugong.testing import PersonaTestCase

WRONG = ZWD_ID[:-1] + "5"


def test_query_problem_names_the_right_check_digit():
    assert ZWD_ID.endswith("6")
    assert query_problem(WRONG) == "身份证号校验位错误，应为 6"
    assert query_problem(ZWD_ID) == ""
    assert query_problem("张卫东") == ""
    assert query_problem("zwd") == ""


class IdSearchPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.zwd = make_cadre(cls.clerk, cls.units["a"])

    def test_the_roster_says_what_is_wrong_with_the_number(self):
        client = self.client_for(self.clerk)
        page = client.get(reverse("cadres:roster"), {"q": WRONG}).content.decode()
        assert "身份证号校验位错误，应为 6" in page
        assert "没有符合条件的干部" not in page
        found = client.get(reverse("cadres:roster"), {"q": ZWD_ID}).content.decode()
        assert "张卫东" in found
        assert "校验位" not in found

    def test_the_top_search_says_it_too(self):
        client = self.client_for(self.clerk)
        partial = client.get(reverse("cadres:search"), {"q": WRONG}, HTTP_HX_REQUEST="true")
        assert "身份证号校验位错误，应为 6" in partial.content.decode()

    def test_the_api_answers_422_with_the_reason(self):
        response = self.client_for(self.clerk).get("/api/v1/cadres", {"q": WRONG})
        assert response.status_code == 422
        assert response.json()["errors"] == {"q": ["身份证号校验位错误，应为 6"]}
        assert self.client_for(self.clerk).get("/api/v1/cadres", {"q": ZWD_ID}).status_code == 200

"""Bad input answers 4xx, never 500 (docs/security.md, "Bad input"): the cases of issue 12,
item 9 that the fuzz test (tests/test_bad_input_fuzz.py) does not reach on its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres import services
from cadres.lrmx import MAX_XML_DEPTH, LrmxError, parse_lrmx
from zugong.testing import PersonaTestCase

HUGE = "99999999999999999999999"


def deep_lrmx(levels: int) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Person><XingMing>张三</XingMing>'.encode()
        + b"<X>" * levels
        + b"</X>" * levels
        + b"</Person>"
    )


def test_it_refuses_an_lrmx_nested_beyond_the_depth_limit():
    with pytest.raises(LrmxError) as caught:
        parse_lrmx(deep_lrmx(200_000), name="deep.lrmx")
    assert f"嵌套超过 {MAX_XML_DEPTH} 层" in caught.value.message


def test_it_keeps_an_unknown_element_nested_within_the_limit():
    form = parse_lrmx(deep_lrmx(MAX_XML_DEPTH - 2))
    assert form.get("XingMing") == "张三"
    assert [tag for _prev, tag, _xml in form.unknown] == ["X"]


class BadInputTests(PersonaTestCase):
    def setUp(self) -> None:
        self.client = self.client_for(self.clerk)

    def test_it_answers_a_deep_lrmx_upload_to_the_api_without_a_500(self):
        response = self.client.post(
            "/api/v1/cadres/import/lrmx",
            {
                "unit_id": self.units["a"].pk,
                "file": SimpleUploadedFile("deep.lrmx", deep_lrmx(200_000)),
            },
        )
        assert response.status_code == 200
        assert "嵌套超过" in response.json()["rows"][0]["messages"][0]

    def test_it_previews_a_deep_lrmx_upload_on_the_page_without_a_500(self):
        response = self.client.post(
            reverse("cadres:import_lrmx"),
            {
                "unit": self.units["a"].code,
                "file": SimpleUploadedFile("deep.lrmx", deep_lrmx(200_000)),
            },
            follow=True,
        )
        assert response.status_code == 200
        assert "嵌套超过" in response.content.decode()

    def test_it_ignores_ids_beyond_64_bits_in_a_batch(self):
        cadre = services.cadre_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            name="张三",
            sex="1",
            birth_date=dt.date(1985, 2, 1),
        )
        for ids in (HUGE, "²", f"{cadre.pk},{HUGE}"):
            response = self.client.get(reverse("cadres:batch") + f"?ids={ids}")
            assert response.status_code < 500, ids

    def test_it_ignores_a_unicode_digit_column_set(self):
        response = self.client.get(reverse("cadres:roster") + "?export=xlsx&column_set=²")
        assert response.status_code == 200

    def test_it_refuses_a_unicode_digit_version_on_a_family_delete(self):
        cadre = services.cadre_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            name="张三",
            sex="1",
            birth_date=dt.date(1985, 2, 1),
        )
        kin = services.family_add(acting_user=self.clerk, cadre=cadre, relation="妻子", name="李四")
        url = reverse("cadres:child_delete", args=[cadre.pk, "family", kin.pk])
        response = self.client.post(url, {"version": "²"})
        assert response.status_code < 500

    def test_it_answers_422_for_api_numbers_beyond_64_bits(self):
        for path in (
            f"/api/v1/units?parent={HUGE}",
            f"/api/v1/units?page={HUGE}",
            f"/api/v1/cadres?page={HUGE}",
            f"/api/v1/alerts?page={HUGE}",
            f"/api/v1/pools?page={HUGE}",
        ):
            response = self.client.get(path)
            assert response.status_code == 422, path
            field = "page" if "page=" in path else "parent"
            assert "不能大于" in response.json()["errors"][field][0]

    def test_it_answers_422_for_a_unit_order_beyond_its_column(self):
        unit = self.units["a"]
        response = self.client.patch(
            f"/api/v1/units/{unit.pk}",
            {"version": unit.version, "order": 10**20},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["errors"]["order"] == ["不能大于 2147483647"]

"""The account pages' unit and user pickers (scale to a province: no giant <select>)."""

from __future__ import annotations

from django.urls import reverse

from zugong.testing import PersonaTestCase


class PickerTests(PersonaTestCase):
    def test_it_offers_units_by_name_pinyin_or_code_to_the_administrators(self):
        for admin in (self.sysadmin, self.secadmin):
            client = self.client_for(admin)
            for q in ("甲", "jz", "TA00"):
                body = client.get(reverse("accounts:unit_options"), {"unit": q}).content.decode()
                assert '<option value="TA00">甲镇' in body, (admin.username, q)
            assert client.get(reverse("accounts:unit_options"), {"unit": ""}).content == b"\n"

    def test_it_offers_active_accounts_to_the_security_administrator(self):
        client = self.client_for(self.secadmin)
        body = client.get(reverse("accounts:user_options"), {"user": "liaison"}).content.decode()
        assert '<option value="liaison_a">' in body
        assert "outsider_b" not in body

    def test_it_hides_the_pickers_from_everyone_else(self):
        for user in (self.auditor, self.clerk, self.liaison_a, self.leader, self.nobody):
            client = self.client_for(user)
            assert client.get(reverse("accounts:unit_options"), {"unit": "甲"}).status_code == 404
            assert client.get(reverse("accounts:user_options"), {"user": "a"}).status_code == 404
        assert (
            self.client_for(self.sysadmin)
            .get(reverse("accounts:user_options"), {"user": "a"})
            .status_code
            == 404
        )

    def test_it_refuses_an_unknown_unit_code_with_a_chinese_message(self):
        client = self.client_for(self.secadmin)
        response = client.post(
            reverse("accounts:grant_list"),
            {"user": "nobody", "role": "liaison", "unit": "NOPE"},
        )
        assert "找不到代码为 NOPE 的有效单位" in response.content.decode()

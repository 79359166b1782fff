"""Prefilled date fields: an ``<input type="date">`` accepts only ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import translation


class DayForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def test_a_date_input_renders_iso_under_the_chinese_locale() -> None:
    with translation.override("zh-hans"):
        html = str(DayForm(initial={"day": dt.date(2026, 9, 29)})["day"])
    assert 'value="2026-09-29"' in html


def test_the_chinese_forms_a_clerk_types_are_still_read() -> None:
    with translation.override("zh-hans"):
        for typed in ("2026-09-29", "2026/09/29"):
            form = DayForm(data={"day": typed})
            assert form.is_valid(), typed
            assert form.cleaned_data["day"] == dt.date(2026, 9, 29)

"""Unit and quota forms."""

from __future__ import annotations

from typing import Any

from django import forms

from core.choices import CodeTable
from core.forms import BootstrapMixin
from core.selectors import code_choices
from orgs.choices import UnitKind, UnitLevel


class UnitForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    code = forms.RegexField(
        label="单位代码",
        max_length=32,
        regex=r"^[0-9A-Za-z_.-]+$",
        error_messages={"invalid": "单位代码只能包含字母、数字和 _ . -"},
    )
    kind = forms.ChoiceField(label="单位类别", choices=UnitKind.choices)
    level = forms.ChoiceField(label="单位级别", choices=UnitLevel.choices)
    order = forms.IntegerField(label="排序号", min_value=0, initial=0, required=False)
    region_code = forms.RegexField(
        label="所在行政区划代码",
        max_length=12,
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": "行政区划代码应为 6 位数字"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0


class UnitMoveForm(BootstrapMixin, forms.Form):
    new_parent = forms.CharField(
        label="新的上级单位（输入名称、拼音首字母或代码后选择）", max_length=32
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class QuotaForm(BootstrapMixin, forms.Form):
    rank_level = forms.ChoiceField(label="领导职务层次")
    title = forms.CharField(label="职务名称", max_length=50, required=False)
    quota = forms.IntegerField(
        label="核定职数", min_value=0, max_value=99, help_text="填 0 表示删除该项职数"
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rank_level"].choices = code_choices(table=CodeTable.RANK_LEVEL)

"""Supervision forms: a conduct entry, the spot-check draw, a report year, a key post."""

from __future__ import annotations

from typing import Any

from django import forms

from cadres.forms import unit_picker
from core.choices import CodeTable
from core.forms import BootstrapMixin
from core.selectors import code_choices
from supervision.choices import Polarity, PostMatch
from supervision.models import BehaviourTrait, Indicator
from supervision.rules import DEFAULT_ROTATION_YEARS, DEFAULT_SPOT_CHECK_PERCENT
from supervision.services import (
    EVIDENCE_MAX,
    MAX_ROTATION_YEARS,
    NOTE_MAX,
    SOURCE_MAX,
    TITLE_MAX,
)


class ConductForm(BootstrapMixin, forms.Form):
    """One positive or negative entry in a single form (the trait is optional)."""

    polarity = forms.ChoiceField(label="清单", choices=Polarity.choices, widget=forms.RadioSelect)
    date = forms.DateField(label="时间", widget=forms.DateInput(attrs={"type": "date"}))
    indicator = forms.ModelChoiceField(label="指标", queryset=Indicator.objects.none())
    trait = forms.ModelChoiceField(
        label="行为特征（可选）", queryset=BehaviourTrait.objects.none(), required=False
    )
    source = forms.CharField(
        label="来源", max_length=SOURCE_MAX, help_text="如：考察谈话、巡察反馈、信访核查"
    )
    evidence = forms.CharField(
        label="事实依据", max_length=EVIDENCE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(is_active=True)
        self.fields["trait"].queryset = BehaviourTrait.objects.select_related("indicator")
        self.fields["trait"].label_from_instance = lambda t: f"{t.indicator.name}：{t.text}"
        self.fields["polarity"].widget.attrs["class"] = "form-check-input"


class DrawForm(BootstrapMixin, forms.Form):
    percentage = forms.IntegerField(
        label="抽查比例（%）", min_value=1, max_value=100, initial=DEFAULT_SPOT_CHECK_PERCENT
    )
    seed = forms.IntegerField(
        label="随机种子（可选）", required=False, min_value=1, help_text="不填则由系统生成并记录"
    )


def _unit_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=32, widget=unit_picker("change"))


class ReportYearForm(BootstrapMixin, forms.Form):
    """Open a report year: defaults are 31 January next year and 县处级副职 and above."""

    unit = _unit_field("组织单位（含下级单位；输入名称、拼音首字母或代码后选择）")
    year = forms.IntegerField(label="报告年度", min_value=2000)
    due_date = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="不填为次年 1 月 31 日（《领导干部报告个人有关事项规定》第五条）",
    )
    rank_levels = forms.MultipleChoiceField(
        label="应报告的领导职务层次",
        widget=forms.CheckboxSelectMultiple,
        help_text="默认县处级副职以上（规定第二条），可按本地规定调整",
    )
    note = forms.CharField(label="说明", max_length=NOTE_MAX, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rank_levels"].choices = code_choices(table=CodeTable.RANK_LEVEL)


class KeyPostForm(BootstrapMixin, forms.Form):
    unit = _unit_field("单位（输入名称、拼音首字母或代码后选择）")
    title = forms.CharField(label="职务名称或关键词", max_length=TITLE_MAX)
    match = forms.ChoiceField(label="匹配方式", choices=PostMatch.choices)
    rotation_years = forms.IntegerField(
        label="轮岗年限", min_value=1, max_value=MAX_ROTATION_YEARS, initial=DEFAULT_ROTATION_YEARS
    )
    note = forms.CharField(label="说明", max_length=NOTE_MAX, required=False)

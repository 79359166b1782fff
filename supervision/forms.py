"""Supervision forms: a conduct entry, the indicator catalogue, the spot-check draw, a report
year and one report (submission, items, targeted check, finding), key units and posts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from cadres.forms import unit_picker
from core.choices import CodeTable
from core.forms import BootstrapMixin
from core.selectors import code_choices
from supervision.choices import (
    FAMILY_CATEGORIES,
    PROPERTY_CATEGORIES,
    FindingKind,
    FindingSubkind,
    KeyUnitReason,
    Polarity,
    PostMatch,
    ReportCategory,
    ReportGroup,
    subkinds_of,
)
from supervision.models import BehaviourTrait, Indicator, PersonalReport
from supervision.rules import DEFAULT_ROTATION_YEARS, DEFAULT_SPOT_CHECK_PERCENT
from supervision.services import (
    EVIDENCE_MAX,
    INDICATOR_NAME_MAX,
    MAX_ORDER,
    MAX_ROTATION_YEARS,
    NOTE_MAX,
    REASON_MAX,
    SOURCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    TRAIT_TEXT_MAX,
)


class ConductForm(BootstrapMixin, forms.Form):
    """One positive or negative entry in a single form (the trait is optional)."""

    polarity = forms.ChoiceField(label="清单", choices=Polarity.choices, widget=forms.RadioSelect)
    date = forms.DateField(
        label="时间", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
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
        # A switched-off indicator is no longer offered; old entries keep showing it.
        self.fields["indicator"].queryset = Indicator.objects.filter(is_active=True)
        self.fields["trait"].queryset = (
            BehaviourTrait.objects.filter(indicator__is_active=True)
            .select_related("indicator")
            .order_by("indicator__order", "indicator_id", "order", "id")
        )
        self.fields["trait"].label_from_instance = lambda t: f"{t.indicator.name}：{t.text}"
        self.fields["polarity"].widget.attrs["class"] = "form-check-input"


def _order_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="排序", min_value=0, max_value=MAX_ORDER, initial=0, help_text="数字小的排在前面"
    )


class IndicatorForm(BootstrapMixin, forms.Form):
    """An indicator of the catalogue; ``is_active`` only when editing (a new one is active)."""

    name = forms.CharField(label="指标名称", max_length=INDICATOR_NAME_MAX)
    description = forms.CharField(
        label="说明",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    order = _order_field()
    is_active = forms.BooleanField(
        label="启用",
        required=False,
        help_text="停用后不再出现在记入正面 / 负面清单的表单中，已有记录仍保留并照常显示",
    )

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["is_active"]


class TraitForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label="行为特征", max_length=TRAIT_TEXT_MAX)
    polarity = forms.ChoiceField(
        label="适用清单",
        choices=[("", "均可"), *Polarity.choices],
        required=False,
        help_text="提示录入人员该特征通常记入哪个清单",
    )
    order = _order_field()


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


def _grouped_categories() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (f"{group.label}（{len(codes)} 项）", [(c, ReportCategory(c).label) for c in codes])
        for group, codes in (
            (ReportGroup.FAMILY, FAMILY_CATEGORIES),
            (ReportGroup.PROPERTY, PROPERTY_CATEGORIES),
        )
    ]


def _grouped_subkinds() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (kind.label, [(c, FindingSubkind(c).label) for c in subkinds_of(kind)])
        for kind in FindingKind
    ]


class ReportSubmitForm(BootstrapMixin, forms.Form):
    submitted_on = forms.DateField(label="报告日期", widget=forms.DateInput(attrs={"type": "date"}))


class ReportUnsubmitForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="撤销原因",
        max_length=REASON_MAX,
        error_messages={"required": "请填写撤销登记的原因"},
    )


class ReportItemForm(BootstrapMixin, forms.Form):
    """One reported matter: its category among the 8 家事 and 6 家产, and what was reported."""

    category = forms.ChoiceField(label="事项类别", choices=[("", "—"), *_grouped_categories()])
    content = forms.CharField(
        label="报告内容",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：房产坐落、面积、产权性质；股票名称、数量、市值等",
    )


class FindingForm(BootstrapMixin, forms.Form):
    """What a check found (查核结果处理办法 Art.3 漏报 / Art.4 隐瞒不报)."""

    kind = forms.ChoiceField(label="认定", choices=FindingKind.choices, widget=forms.RadioSelect)
    subkind = forms.ChoiceField(label="情形", choices=[("", "—"), *_grouped_subkinds()])
    description = forms.CharField(
        label="查核情况", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    consequence = forms.CharField(
        label="处理结果",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：批评教育、责令作出检查、诫勉、取消考察对象资格",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class TargetedCheckForm(BootstrapMixin, forms.Form):
    """重点抽查: one of the year's reports (in the clerk's scope) and the reason."""

    report = forms.ModelChoiceField(
        label="干部",
        queryset=PersonalReport.objects.none(),
        empty_label="— 选择本年度报告人 —",
    )
    reason = forms.CharField(
        label="查核事由",
        max_length=REASON_MAX,
        help_text="如：拟提拔为副处级以上干部人选（凡提必查）",
    )

    def __init__(self, *args: Any, reports: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["report"]
        field.queryset = reports if reports is not None else PersonalReport.objects.none()
        field.label_from_instance = lambda r: f"{r.cadre.name}（{r.cadre.unit.name}）"


class KeyUnitForm(BootstrapMixin, forms.Form):
    unit = forms.CharField(
        label="单位",
        max_length=32,
        widget=unit_picker("change"),
        help_text="输入名称、拼音首字母或代码后选择",
    )
    reason = forms.ChoiceField(label="类型", choices=[("", "—"), *KeyUnitReason.choices])
    note = forms.CharField(label="说明", max_length=NOTE_MAX, required=False)


class KeyPostEditForm(BootstrapMixin, forms.Form):
    """A key post's title, matching, rotation span and note (its unit stays)."""

    title = forms.CharField(label="职务名称或关键词", max_length=TITLE_MAX)
    match = forms.ChoiceField(label="匹配方式", choices=PostMatch.choices)
    rotation_years = forms.IntegerField(
        label="轮岗年限", min_value=1, max_value=MAX_ROTATION_YEARS, initial=DEFAULT_ROTATION_YEARS
    )
    note = forms.CharField(label="说明", max_length=NOTE_MAX, required=False)

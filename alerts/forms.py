"""Forms of the alert centre: the filter row, handling an alert, a rule's thresholds."""

from __future__ import annotations

from typing import Any

from django import forms

from alerts.choices import AlertStatus, Severity
from alerts.models import AlertRule
from alerts.registry import RULES
from core.forms import BootstrapMixin

STATUS_CHOICES = [
    ("pending", "未排除"),
    *AlertStatus.choices,
    ("all", "全部"),
]


class AlertFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="干部或单位", required=False, max_length=40)
    rule = forms.ModelChoiceField(
        label="规则", queryset=AlertRule.objects.all(), required=False, empty_label="全部规则"
    )
    unit = forms.CharField(label="单位（含下级）", required=False, max_length=40)
    severity = forms.ChoiceField(
        label="级别", choices=[("", "全部级别"), *Severity.choices], required=False
    )
    status = forms.ChoiceField(label="处理状态", choices=STATUS_CHOICES, required=False)
    new = forms.BooleanField(label="只看上次查看以来新增", required=False)
    resolved = forms.BooleanField(label="含已不成立的", required=False)


class AlertHandleForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label="说明",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "处理情况或排除理由"}),
    )


class RuleForm(BootstrapMixin, forms.Form):
    """One field per threshold of the rule's defaults (numbers, switches, word lists)."""

    enabled = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args: Any, rule: AlertRule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spec = RULES.get(rule.code)
        defaults = spec.defaults if spec else {}
        values = {**defaults, **rule.params}
        self.initial.setdefault("enabled", rule.enabled)
        for name, default in defaults.items():
            current = values.get(name, default)
            label = PARAM_LABELS.get(name, name)
            field: forms.Field
            if isinstance(default, bool):
                field = forms.BooleanField(label=label, required=False)
            elif isinstance(default, int | float):
                field = forms.FloatField(label=label, min_value=0, max_value=100)
            elif isinstance(default, list):
                field = forms.CharField(label=label, help_text="多个词语用空格分隔", max_length=500)
                current = " ".join(str(i) for i in current)
            else:
                field = forms.CharField(label=label, max_length=100)
            field.help_text = field.help_text or f"默认：{shown(default)}"
            self.fields[f"p_{name}"] = field
            self.initial.setdefault(f"p_{name}", current)
        for field in self.fields.values():  # BootstrapMixin styled only the static field
            widget = field.widget
            if "class" not in widget.attrs:
                checkbox = getattr(widget, "input_type", "") == "checkbox"
                widget.attrs["class"] = "form-check-input" if checkbox else "form-control"

    def params(self) -> dict[str, Any]:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("p_")}


def shown(value: Any) -> str:
    """A threshold as a clerk reads it: 是/否, words separated by spaces, numbers without .0."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


# Chinese labels of the thresholds the rules use (a key without a label shows as is).
PARAM_LABELS = {
    "consider_years": "提示考虑交流（年）",
    "must_years": "必须交流（年）",
    "leading_only": "只看领导职务",
    "years": "年限（年）",
    "warn_years_before": "提前提示（年）",
    "term_years": "每个任期（年）",
    "terms": "任期数",
    "heads_only": "只看正职",
    "keywords": "重点岗位关键词",
    "exclude_keywords": "排除词语（含这些词的不算重点岗位）",
    "key_unit_years": "重点部门领导职务轮岗年限（年）",
    "months_ahead": "提前提示（月）",
    "days_ahead": "提前提示（天）",
    "senior_women_schedule": "县处级女干部延迟方案（male/fixed60）",
    "due_month_day": "考核截止（月-日）",
    "report_vacancies": "提示空缺",
    "unit_kinds": "检查的单位类别",
    "min_team_size": "班子最少人数",
    "young_age": "年轻干部年龄（岁，不满）",
    "non_cpc_kinds": "应配党外干部的单位类别",
    "cpc_codes": "中共党员政治面貌代码",
    "sensitive_keywords": "组织人事等工作关键词",
    "sensitive_depth": "下属单位层数",
    "kin_spouse": "夫妻关系称谓",
    "kin_lineal": "直系血亲称谓",
    "kin_collateral": "三代以内旁系血亲称谓",
    "kin_affinal": "近姻亲称谓",
    "recent_months": "只提示最近几个月内具备资格的（月，0 为全部）",
    "excellent_months": "每个优秀年度缩短（月）",
    "senior_rank_levels": "按60周岁退休的女干部职务层次代码",
    "senior_women_by_grade": "任县处级相应职级（一级至四级调研员等）的女干部按60周岁退休",
    "senior_grades": "按60周岁退休的女干部职级代码",
    "senior_title_words": "高级职称关键词",
    "senior_title_excluded": "不算高级职称的词语",
}

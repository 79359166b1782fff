"""选拔任用 forms: the case with its first post, and one small form per stage."""

from __future__ import annotations

from django import forms

from core.forms import BootstrapMixin
from core.ranks import rank_names
from selection.choices import CHECKLIST_ITEMS
from selection.rules import NOTICE_MIN_WORKING_DAYS, RANK_LADDER
from selection.services import REASON_MAX, TITLE_MAX

DATE = forms.DateInput(attrs={"type": "date"})


class CaseForm(BootstrapMixin, forms.Form):
    unit = forms.CharField(label="所属单位代码", max_length=20)
    title = forms.CharField(label="事项名称", max_length=TITLE_MAX)
    opened_on = forms.DateField(label="动议时间", widget=DATE)
    post_unit = forms.CharField(label="任职单位代码", max_length=20)
    post_title = forms.CharField(label="拟任职务", max_length=100)
    rank_level = forms.ChoiceField(
        label="领导职务层次", choices=[(c, rank_names()[c]) for c in RANK_LADDER]
    )
    is_head = forms.BooleanField(label="正职", required=False)
    probation_applies = forms.BooleanField(
        label="适用试用期（提拔担任非选举产生的厅局级以下领导职务）", required=False, initial=True
    )


class AdvanceForm(BootstrapMixin, forms.Form):
    to_stage = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label="日期", widget=DATE, required=False)
    reason = forms.CharField(label="理由", max_length=REASON_MAX, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StageRecordForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label="时间", widget=DATE)
    outcome = forms.CharField(
        label="结果", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    note = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CandidateForm(BootstrapMixin, forms.Form):
    # A search-as-you-type picker (name, pinyin initials or ID number), not a dropdown of
    # every cadre of the unit; the view checks the chosen one is in scope.
    cadre = forms.IntegerField(
        label="干部",
        min_value=1,
        help_text="输入姓名、拼音首字母或身份证号，从列表中选择",
        error_messages={"invalid": "请从列表中选择干部", "required": "请选择干部"},
    )
    recommendation_votes = forms.IntegerField(label="推荐票数", min_value=0, required=False)
    exceptional = forms.BooleanField(label="破格提拔", required=False)
    exceptional_reason = forms.CharField(
        label="破格情形和理由", max_length=REASON_MAX, required=False
    )
    end_current = forms.BooleanField(label="任职时免去现任职务", required=False, initial=True)

    def __init__(self, *args: object, options_url: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].widget = forms.TextInput(
            attrs={
                "class": "form-control",
                "list": "cadre-picks",
                "autocomplete": "off",
                "placeholder": "如：王小明、wxm",
                "hx-get": options_url,
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#cadre-picks",
            }
        )


class ChecklistForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label="考察情况", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for item, label in CHECKLIST_ITEMS.items():
            self.fields[item] = forms.BooleanField(label=label, required=False)
            self.fields[f"{item}_date"] = forms.DateField(
                label=f"{label}时间", widget=DATE, required=False
            )
        self.order_fields([*(f for i in CHECKLIST_ITEMS for f in (i, f"{i}_date")), "note"])


class DecisionForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label="会议时间", widget=DATE)
    members_due = forms.IntegerField(label="应到会成员", min_value=1)
    members_present = forms.IntegerField(label="实到会成员", min_value=0)
    note = forms.CharField(label="备注", required=False)


class NoticeForm(BootstrapMixin, forms.Form):
    start_date = forms.DateField(label="公示开始", widget=DATE)
    working_days = forms.IntegerField(
        label="公示工作日", min_value=1, initial=NOTICE_MIN_WORKING_DAYS.value
    )
    objections = forms.CharField(
        label="公示反映情况", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="原因", max_length=REASON_MAX)

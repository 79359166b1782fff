"""Pool forms (the pool with its criteria as ordinary fields, entries, exits, evidence) and
programme forms (the programme, an assignment and its start, evaluations, end, cancel)."""

from __future__ import annotations

from typing import Any

from django import forms

from cadres.forms import MonthField, unit_picker
from core.choices import CodeTable
from core.forms import BootstrapMixin
from core.selectors import code_choices
from development.choices import (
    EducationGroup,
    EvaluationGrade,
    EvaluationStage,
    EvidenceTag,
    PoolKind,
    ProgrammeKind,
)
from development.criteria import MAX_ASSESSMENT_YEARS, PoolCriteria, split_keywords
from development.services import (
    EVALUATION_MAX,
    HOST_MAX,
    MENTOR_MAX,
    NAME_MAX,
    NOTE_MAX,
    POST_MAX,
    REASON_MAX,
    SOURCE_MAX,
    TEXT_MAX,
)

CRITERIA_FIELDS = (
    "max_age",
    "rank_levels",
    "min_education",
    "expertise_keywords",
    "assessment_years",
    "none_below_competent",
    "min_excellent",
)


class PoolForm(BootstrapMixin, forms.Form):
    """干部库 and its 入库条件; ``criteria()`` gives the JSON the service checks."""

    unit = forms.CharField(
        label="所属单位（本库覆盖该单位及其下级单位；输入名称、拼音首字母或代码后选择）",
        max_length=32,
        widget=unit_picker("view"),
    )
    kind = forms.ChoiceField(label="类别", choices=PoolKind.choices)
    name = forms.CharField(label="名称", max_length=NAME_MAX)
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label="启用（停用后不再入库，历史记录保留）", required=False)
    max_age = forms.IntegerField(
        label="年龄上限（含）",
        required=False,
        min_value=18,
        max_value=70,
        help_text="如乡科级 35 岁、县处级 40 岁；年龄按月计算，与任免审批表一致",
    )
    rank_levels = forms.MultipleChoiceField(
        label="领导职务层次", required=False, widget=forms.CheckboxSelectMultiple
    )
    min_education = forms.ChoiceField(
        label="最低学历",
        required=False,
        choices=[("", "不限"), *EducationGroup.choices],
        help_text="按最高学历；中专及以下不计入专科",
    )
    expertise_keywords = forms.CharField(
        label="专长关键词（任一即可）",
        required=False,
        max_length=400,
        help_text="用空格或顿号分隔，如：规划 财政 法律；匹配“熟悉专业有何专长”",
    )
    assessment_years = forms.IntegerField(
        label="看近几年考核",
        required=False,
        min_value=0,
        max_value=MAX_ASSESSMENT_YEARS,
        help_text="如 3 表示今年之前的 3 个年度；0 或空为不看考核",
    )
    none_below_competent = forms.BooleanField(label="其间无基本称职及以下等次", required=False)
    min_excellent = forms.IntegerField(
        label="其间至少几次优秀", required=False, min_value=0, max_value=MAX_ASSESSMENT_YEARS
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rank_levels"].choices = code_choices(table=CodeTable.RANK_LEVEL)
        if not creating:
            del self.fields["unit"]

    @staticmethod
    def initial_from(criteria: PoolCriteria) -> dict[str, Any]:
        """Form values of stored criteria."""
        return {
            "max_age": criteria.max_age,
            "rank_levels": list(criteria.rank_levels),
            "min_education": criteria.min_education,
            "expertise_keywords": " ".join(criteria.expertise_keywords),
            "assessment_years": criteria.assessment_years or None,
            "none_below_competent": criteria.none_below_competent,
            "min_excellent": criteria.min_excellent or None,
        }

    def criteria(self) -> dict[str, Any]:
        """The submitted criteria in the stored JSON shape (``development.criteria``)."""
        data = self.cleaned_data
        return {
            "max_age": data.get("max_age"),
            "rank_levels": list(data.get("rank_levels") or []),
            "min_education": data.get("min_education") or "",
            "expertise_keywords": split_keywords(data.get("expertise_keywords") or ""),
            "recent_assessments": {
                "years": data.get("assessment_years") or 0,
                "none_below_competent": bool(data.get("none_below_competent")),
                "min_excellent": data.get("min_excellent") or 0,
            },
        }


class EntryAddForm(BootstrapMixin, forms.Form):
    cadre = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="入库理由", max_length=REASON_MAX)
    note = forms.CharField(label="备注", max_length=NOTE_MAX, required=False)


class EntryExitForm(BootstrapMixin, forms.Form):
    exit_reason = forms.CharField(
        label="出库理由",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：已提拔为县处级领导干部；年龄超过条件；考核为基本称职",
    )


class EvidenceForm(BootstrapMixin, forms.Form):
    tag = forms.ChoiceField(label="类别", choices=EvidenceTag.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="内容",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="学过：学历、培训、专业资格；干过：岗位经历、重大任务；管用：工作实绩、考核评价",
    )
    date = MonthField(label="时间", required=False)
    source = forms.CharField(
        label="来源", max_length=SOURCE_MAX, required=False, help_text="如：考察材料、年度考核"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].widget.attrs["class"] = "form-check-input"


class ProgrammeForm(BootstrapMixin, forms.Form):
    """培养项目: kind, name, dates and goals; the unit only when creating."""

    unit = forms.CharField(
        label="主办单位（项目覆盖该单位及其下级单位；输入名称、拼音首字母或代码后选择）",
        max_length=32,
        widget=unit_picker("view"),
    )
    kind = forms.ChoiceField(label="类别", choices=ProgrammeKind.choices)
    name = forms.CharField(
        label="名称", max_length=NAME_MAX, help_text="类别为“其他”时，名称即项目的称呼"
    )
    start_date = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    goals = forms.CharField(label="目标", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(
        label="启用（停用后不再新增培养安排，已有安排不受影响）", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["unit"]


class AssignmentForm(BootstrapMixin, forms.Form):
    """A new assignment: the cadre (chosen from a search), the host and the planned dates."""

    cadre = forms.IntegerField(widget=forms.HiddenInput)
    host_unit = forms.CharField(
        label="接收单位（本系统中的单位：输入名称、拼音首字母或代码后选择）",
        max_length=32,
        required=False,
        widget=unit_picker("view"),
    )
    host_name = forms.CharField(
        label="或：接收单位名称（不在本系统中的单位）",
        max_length=HOST_MAX,
        required=False,
        help_text="如：临江县石桥镇；将写入简历的其间说明",
    )
    post_title = forms.CharField(label="挂任职务", max_length=POST_MAX)
    mentor_name = forms.CharField(label="导师", max_length=MENTOR_MAX, required=False)
    start_date = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="计划结束日期", widget=forms.DateInput(attrs={"type": "date"}))


class AssignmentEditForm(AssignmentForm):
    """Correct an assignment: the same host, post, mentor and dates, the cadre fixed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, started: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["cadre"]
        if started:
            self.fields["start_date"].help_text = "已到岗：开始日期即实际到岗日期，不能晚于今天"


class AssignmentStartForm(BootstrapMixin, forms.Form):
    started_on = forms.DateField(
        label="到岗日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="不填则按计划开始日期",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignmentEvaluateForm(BootstrapMixin, forms.Form):
    stage = forms.ChoiceField(label="评价", choices=EvaluationStage.choices)
    text = forms.CharField(
        label="评价内容", max_length=EVALUATION_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    evaluated_on = forms.DateField(label="评价日期", widget=forms.DateInput(attrs={"type": "date"}))
    grade = forms.ChoiceField(
        label="等次（期满评价）",
        required=False,
        choices=[("", "—"), *EvaluationGrade.choices],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignmentEndForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(
        label="实际结束日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="挂职锻炼、年轻干部墩苗结束后，将在简历中写入“（其间：…挂职任…）”",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignmentCancelForm(BootstrapMixin, forms.Form):
    cancel_reason = forms.CharField(
        label="取消原因", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

"""Cadre forms. Month fields accept ``1978.03``, ``1978-03``, ``197803`` or a full date."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from cadres.choices import (
    AppointmentMethod,
    AssessmentGrade,
    CadreStatus,
    EducationKind,
    ManagementLevel,
    RecordKind,
)
from core.choices import CodeTable
from core.forms import BootstrapMixin
from core.idnumber import parse_id_number
from core.selectors import code_choices

_MONTH = re.compile(r"^\s*(\d{4})\s*[.\-/年]?\s*(\d{1,2})\s*(?:[.\-/月]\s*(\d{1,2})\s*日?)?\s*$")


def parse_month(text: str) -> dt.date:
    """``1978.03`` → 1978-03-01; ``1978-03-15`` keeps the day. Chinese message otherwise."""
    match = _MONTH.match(text or "")
    if not match:
        raise ValidationError("日期格式应为 YYYY.MM，如 2019.03")
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3) or 1)
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValidationError(f"“{text}”不是有效日期") from exc


class MonthField(forms.Field):
    """A date typed as a month (the personnel forms' ``YYYY.MM``)."""

    widget = forms.TextInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(placeholder="YYYY.MM", inputmode="numeric", maxlength="10")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return f"{value:%Y.%m}" if value.day == 1 else f"{value:%Y.%m.%d}"
        return value

    def to_python(self, value: Any) -> dt.date | None:
        text = str(value or "").strip()
        if not text:
            return None
        return parse_month(text)


class IdNumberField(forms.Field):
    widget = forms.TextInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(maxlength="20", autocomplete="off")

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return None
        return parse_id_number(text)


def unit_picker(scope: str = "change") -> forms.TextInput:
    """A text box offering units of the user's cadre scope as they type (value = unit code)."""
    return forms.TextInput(
        attrs={
            "list": "unit-picks",
            "autocomplete": "off",
            "hx-get": format_lazy(
                "{}{}", reverse_lazy("cadres:unit_options"), "?for=view" if scope == "view" else ""
            ),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#unit-picks",
        }
    )


def _with_blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class CadreForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=18)
    id_number = IdNumberField(
        label="公民身份号码", required=False, help_text="填写后将校验出生年月和性别"
    )
    sex = forms.ChoiceField(label="性别", choices=[("1", "男"), ("2", "女")])
    birth_date = MonthField(label="出生年月")
    ethnicity = forms.ChoiceField(label="民族", required=False)
    native_place = forms.CharField(label="籍贯", max_length=40, required=False)
    birthplace = forms.CharField(label="出生地", max_length=40, required=False)
    grown_place = forms.CharField(label="成长地", max_length=40, required=False)
    political_status = forms.ChoiceField(label="政治面貌", required=False)
    party_join_date = MonthField(label="入党时间", required=False)
    other_parties = forms.CharField(label="民主党派", max_length=40, required=False)
    work_start_date = MonthField(label="参加工作时间", required=False)
    health = forms.CharField(label="健康状况", max_length=30, required=False, initial="健康")
    professional_title = forms.CharField(label="专业技术职务", max_length=90, required=False)
    expertise = forms.CharField(label="熟悉专业有何专长", max_length=110, required=False)
    management_level = forms.ChoiceField(label="管理类别", choices=ManagementLevel.choices)
    sort_order = forms.IntegerField(label="单位内排序", min_value=0, required=False, initial=0)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].choices = _with_blank(code_choices(table=CodeTable.ETHNICITY))
        self.fields["political_status"].choices = _with_blank(
            code_choices(table=CodeTable.POLITICAL_STATUS)
        )

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


class NewCadreForm(CadreForm):
    unit = forms.CharField(
        label="所在单位（输入名称、拼音首字母或代码后选择）", max_length=32, widget=unit_picker()
    )

    field_order = ["unit"]


class ResumeForm(BootstrapMixin, forms.Form):
    resume_manual = forms.BooleanField(
        label="简历手工维护（不再随任职和学历自动生成）", required=False
    )
    resume = forms.CharField(
        label="简历",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace"}),
        help_text="手工维护时保存此处文字；每段一行，格式“YYYY.MM--YYYY.MM  经历”",
    )
    resume_extra = forms.CharField(
        label="补充行",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        help_text="自动生成时并入：如“（其间：2018.03--2018.07  在省委党校中青年干部培训班学习）”",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PositionForm(BootstrapMixin, forms.Form):
    unit = forms.CharField(
        label="任职单位（本系统内单位：输入名称或代码后选择）",
        max_length=32,
        required=False,
        widget=unit_picker("view"),
    )
    unit_name = forms.CharField(
        label="任职单位名称", max_length=100, required=False, help_text="系统外单位直接填写名称"
    )
    title = forms.CharField(label="职务名称", max_length=100)
    rank_level = forms.ChoiceField(label="领导职务层次", required=False)
    grade = forms.ChoiceField(label="职级", required=False)
    is_leading = forms.BooleanField(label="领导职务", required=False)
    is_head = forms.BooleanField(label="正职", required=False)
    is_primary = forms.BooleanField(label="主职", required=False, initial=True)
    start_date = MonthField(label="任职时间")
    end_date = MonthField(label="免职时间", required=False)
    appointment_doc = forms.CharField(label="任职文号", max_length=60, required=False)
    method = forms.ChoiceField(label="任职方式", required=False)
    probation_end = MonthField(label="试用期满", required=False)
    order = forms.IntegerField(label="排序", min_value=0, required=False, initial=0)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rank_level"].choices = _with_blank(code_choices(table=CodeTable.RANK_LEVEL))
        self.fields["grade"].choices = _with_blank(code_choices(table=CodeTable.GRADE))
        self.fields["method"].choices = _with_blank(AppointmentMethod.choices)

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("unit") and not data.get("unit_name"):
            self.add_error("unit_name", "请选择任职单位或填写单位名称")
        return data


class PositionEndForm(BootstrapMixin, forms.Form):
    end_date = MonthField(label="免职时间")
    end_doc = forms.CharField(label="免职文号", max_length=60, required=False)
    end_reason = forms.CharField(label="免职原因", max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EducationForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="教育类别", choices=EducationKind.choices)
    education_level = forms.ChoiceField(label="学历", required=False)
    degree = forms.ChoiceField(label="学位", required=False)
    school = forms.CharField(label="毕业院校", max_length=60, required=False)
    major = forms.CharField(label="系及专业", max_length=60, required=False)
    start_date = MonthField(label="入学时间", required=False)
    end_date = MonthField(label="毕业时间", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["education_level"].choices = _with_blank(
            code_choices(table=CodeTable.EDUCATION)
        )
        self.fields["degree"].choices = _with_blank(code_choices(table=CodeTable.DEGREE))


class AssessmentForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=1950, max_value=2200)
    grade = forms.ChoiceField(label="考核等次", choices=AssessmentGrade.choices)
    note = forms.CharField(label="备注", max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RecordForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=RecordKind.choices)
    name = forms.CharField(label="奖惩名称", max_length=100)
    date = MonthField(label="时间")
    issuer = forms.CharField(label="批准机关", max_length=100, required=False)
    doc_no = forms.CharField(label="文号", max_length=60, required=False)
    end_date = MonthField(label="影响期满", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FamilyForm(BootstrapMixin, forms.Form):
    relation = forms.CharField(label="称谓", max_length=10, help_text="如：妻子、长子、父亲")
    name = forms.CharField(label="姓名", max_length=18)
    birth_date = MonthField(label="出生年月", required=False)
    political_status = forms.CharField(label="政治面貌", max_length=20, required=False)
    work_unit_post = forms.CharField(label="工作单位及职务", max_length=100, required=False)
    is_deceased = forms.BooleanField(label="已去世", required=False)
    id_number = IdNumberField(label="公民身份号码", required=False)
    order = forms.IntegerField(label="排序", min_value=0, required=False, initial=0)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 0


class StatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label="状态", choices=CadreStatus.choices)
    on = MonthField(label="日期", help_text="退休、调出、去世时，其未免职务于此日免去")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TransferForm(BootstrapMixin, forms.Form):
    to_unit = forms.CharField(
        label="调往单位（输入名称、拼音首字母或代码后选择）", max_length=32, widget=unit_picker()
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PhotoForm(BootstrapMixin, forms.Form):
    photo = forms.FileField(label="照片", help_text="JPEG 或 PNG，不超过 5 MB；将裁成 4:5")


class ApprovalFormForm(BootstrapMixin, forms.Form):
    """The per-meeting fields of the 任免审批表."""

    NiRenZhiWu = forms.CharField(label="拟任职务", max_length=324, required=False)
    NiMianZhiWu = forms.CharField(label="拟免职务", max_length=324, required=False)
    RenMianLiYou = forms.CharField(
        label="任免理由", max_length=552, required=False, initial="工作需要"
    )
    ChengBaoDanWei = forms.CharField(label="呈报单位", max_length=252, required=False)
    JiSuanNianLingShiJian = forms.RegexField(
        label="计算年龄时间",
        regex=r"^\d{4}\.?\d{2}$",
        error_messages={"invalid": "格式应为 YYYY.MM"},
        help_text="年龄按此年月计算，格式 YYYY.MM",
    )
    TianBiaoRen = forms.CharField(label="填表人", max_length=18, required=False)

    def clean_JiSuanNianLingShiJian(self) -> str:
        value = self.cleaned_data["JiSuanNianLingShiJian"].replace(".", "")
        month = int(value[4:6])
        if not 1 <= month <= 12:
            raise ValidationError("月份应在 01–12 之间")
        return value


class ImportUploadForm(BootstrapMixin, forms.Form):
    unit = forms.CharField(
        label="导入到单位（输入名称、拼音首字母或代码后选择）", max_length=32, widget=unit_picker()
    )
    file = forms.FileField(label="文件")


class _ManyFilesInput(forms.FileInput):
    allow_multiple_selected = True


class _ManyFilesField(forms.FileField):
    """Every file chosen in one ``<input type=file multiple>`` (a list; empty when none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _ManyFilesInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(_ManyFilesField, self).clean(item, initial) for item in items]


class LrmxUploadForm(ImportUploadForm):
    """LRMX: several files at once (``.lrmx``, ``.xml``, ``.zip``), or a whole folder."""

    file = _ManyFilesField(
        label="文件（可多选：.lrmx、.xml 或 .zip）",
        widget=_ManyFilesInput(attrs={"multiple": True, "accept": ".lrmx,.xml,.zip"}),
    )
    folder = _ManyFilesField(
        label="或选择整个目录",
        widget=_ManyFilesInput(attrs={"multiple": True, "webkitdirectory": True}),
        help_text="目录中的 .lrmx、.xml 和 .zip 都会读取，其他文件跳过并在预览中列出。",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("folder") and "file" not in self.errors:
            self.add_error("file", "请选择要导入的文件或目录")
        return data

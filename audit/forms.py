"""The auditor's search form."""

from django import forms

from audit.choices import AuditAction
from core.forms import BootstrapMixin


class AuditSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label="关键词",
        required=False,
        help_text="对象名称、账号、对象编号、IP、请求编号；干部姓名、编号或身份证号（含导出了该干部的记录）",
    )
    actor = forms.CharField(label="操作人账号", required=False)
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部"), *AuditAction.choices]
    )
    object_type = forms.CharField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False)
    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    sensitive = forms.BooleanField(label="仅敏感访问（查看/导出/下载）", required=False)

"""Account forms: labels and errors in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accounts.choices import Role
from accounts.models import User
from core.forms import BootstrapMixin
from core.idnumber import parse_id_number
from orgs.models import Unit


class LoginForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)


class TotpForm(BootstrapMixin, forms.Form):
    code = forms.RegexField(
        label="动态口令", regex=r"^\d{6}$", error_messages={"invalid": "请输入 6 位数字动态口令"}
    )


class PasswordChangeForm(BootstrapMixin, forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput,
        strip=False,
        help_text="至少 8 位，含大写、小写、数字、符号中的 3 类，不能与最近 5 次相同",
    )
    new_password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "　" * obj.depth + obj.name


class UserForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label="用户名",
        max_length=150,
        regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字和 _ . @ -"},
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    unit = UnitChoiceField(label="所属单位", queryset=Unit.objects.none(), required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        required=False,
        help_text="可空；加密存储，页面仅显示前 6 后 4 位",
    )

    UNCHANGED = object()

    def __init__(
        self,
        *args: Any,
        units: Any = None,
        editing: bool = False,
        masked_id: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.masked_id = masked_id
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        if editing:
            self.fields["username"].disabled = True

    def clean_id_number(self) -> Any:
        raw = self.cleaned_data.get("id_number", "")
        if not raw:
            return None
        if self.masked_id and raw == self.masked_id:
            return self.UNCHANGED  # the masked number was left as shown
        try:
            return parse_id_number(raw)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class GrantForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label="用户", queryset=User.objects.filter(is_active=True))
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    unit = UnitChoiceField(
        label="授权范围（单位及其下级）",
        queryset=Unit.objects.none(),
        required=False,
        help_text="三员角色不选单位",
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class ApiTokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="用途", max_length=50)
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=365, initial=90)

"""Account forms: labels and errors in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from accounts.models import User
from core.forms import BootstrapMixin
from core.idnumber import parse_id_number
from core.permissions import Role
from orgs.models import Unit


class LoginForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)


class TotpForm(BootstrapMixin, forms.Form):
    code = forms.RegexField(
        label="动态口令", regex=r"^\d{6}$", error_messages={"invalid": "请输入 6 位数字动态口令"}
    )


class TotpEnrolCodeForm(BootstrapMixin, forms.Form):
    enrol_code = forms.RegexField(
        label="绑定码",
        regex=r"^\s*\d{8}\s*$",
        help_text="由安全管理员当面交给您的 8 位数字",
        error_messages={"invalid": "请输入 8 位数字绑定码"},
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


def _picker(url_name: str, list_id: str) -> forms.TextInput:
    """A text box that offers matches from ``url_name`` as the user types (htmx + datalist);
    it scales to a province's tens of thousands of units, unlike a <select>."""
    return forms.TextInput(
        attrs={
            "list": list_id,
            "autocomplete": "off",
            "hx-get": reverse_lazy(url_name),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{list_id}",
        }
    )


class UnitCodeField(forms.CharField):
    """A unit chosen by its code (the picker's options carry codes, labelled with names)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", _picker("accounts:unit_options", "unit-options"))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Unit) else value

    def clean(self, value: Any) -> Unit | None:
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        unit = Unit.objects.filter(code=code, is_active=True).first()
        if unit is None:
            raise ValidationError(f"找不到代码为 {code} 的有效单位，请从候选中选择")
        return unit


class UsernameField(forms.CharField):
    """An active account chosen by its username."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault("widget", _picker("accounts:user_options", "user-options"))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> User:
        username = (super().clean(value) or "").strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(f"找不到有效账户 {username}，请从候选中选择")
        return user


class UserForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label="用户名",
        max_length=150,
        regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字和 _ . @ -"},
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    unit = UnitCodeField(
        label="所属单位", required=False, help_text="输入单位名称、拼音首字母或代码后从候选中选择"
    )
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
        editing: bool = False,
        masked_id: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.masked_id = masked_id
        current = self.initial.get("unit")
        if isinstance(current, Unit):  # the box shows a code; say which unit it is
            self.fields["unit"].help_text = f"当前：{current.name}。{self.fields['unit'].help_text}"
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
    user = UsernameField(label="用户", help_text="输入账号或姓名后从候选中选择")
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    unit = UnitCodeField(
        label="授权范围（单位及其下级）",
        required=False,
        help_text="三员角色不选单位；业务角色输入单位名称、拼音首字母或代码后选择",
    )


class ApiTokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="用途", max_length=50)
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=365, initial=90)

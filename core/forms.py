"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase

T = TypeVar("T")
R = TypeVar("R", bound=HttpResponseBase)


def add_service_errors(form: Any, exc: ValidationError, default_field: str | None = None) -> None:
    """Show a service's ValidationError next to the fields it names (else at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        for message in exc.messages:
            form.add_error(default_field, message)


def form_saved(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str],
    then: Callable[[T], R],
) -> R | None:
    """The POST half of every create/edit page: with a submitted, valid ``form``, call
    ``save(cleaned_data)`` (the service; a unit looked up in scope raises its refusal as a
    ValidationError on the form's field). Its ValidationError is shown next to the fields it
    names and None returned: the view renders the form again, nothing lost. Otherwise
    ``success`` is flashed and ``then(result)`` (a redirect) returned."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return then(result)


class BootstrapMixin:
    """Gives widgets Bootstrap classes, and ``is-invalid`` to fields with errors."""

    fields: dict[str, Any]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            input_type = getattr(widget, "input_type", "")
            css = {"select": "form-select", "checkbox": "form-check-input"}.get(
                input_type, "form-control"
            )
            if widget.__class__.__name__ in ("Select", "SelectMultiple"):
                css = "form-select"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def add_error(self, field: str | None, error: Any) -> None:
        # Covers errors from clean() and those a service raises after validation.
        super().add_error(field, error)  # type: ignore[misc]
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css.split():
                    widget.attrs["class"] = f"{css} is-invalid".strip()

"""Shared kernel models: standard code tables and the base querysets every app uses."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models

from core.choices import CodeTable
from core.permissions import scope_paths


def _under(paths: list[str], path_field: str) -> models.Q:
    condition = models.Q()
    for path in paths:
        condition |= models.Q(**{f"{path_field}__startswith": path})
    return condition


def scope_q(user: Any, action: str, path_field: str) -> models.Q:
    """The user's subtrees for ``action`` as a condition on ``path_field`` (never true when
    there are none): for a scoped count or subquery over a related model."""
    paths = scope_paths(user, action)
    return _under(paths, path_field) if paths else models.Q(pk__in=[])


class RestrictedQuerySet(models.QuerySet):
    """The one scoping mechanism (docs/security.md, "Separation of
    duties"): ``Model.objects.restrict(user, action)``.

    A model opts in by naming the path of its unit in ``scope_path_field`` (``"path"`` for
    Unit, ``"unit__path"`` for a model with a ``unit`` foreign key). The user's grants that
    carry ``action`` give unit subtrees; anything outside them is simply not in the queryset,
    so views that 404 on a missing object also 404 on a forbidden one. Views and API
    handlers never call it: they ask a selector (``<thing>_get``, ``<things>_for``), and
    writes check one object with ``core.permissions.require``.
    """

    def restrict(self, user: Any, action: str) -> Self:

        path_field = getattr(self.model, "scope_path_field", None)
        if path_field is None:
            raise TypeError(f"{self.model.__name__} has no scope_path_field; it cannot be scoped")
        paths = scope_paths(user, action)
        if not paths:
            return self.none()
        return self.filter(_under(paths, path_field))


class Versioned(models.Model):
    """When a record was created and last changed, and its version for optimistic locking: a
    save that carries an older ``version`` than the row's is refused (the services'
    ``_locked`` helpers), so two clerks cannot overwrite each other's edits unnoticed."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        abstract = True


class Tracked(Versioned):
    """A ``Versioned`` record that also names who created it (kept when the account goes)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class Code(models.Model):
    """One entry of a standard code table (GB/T, 中组部 ZB, 并行规定)."""

    table = models.CharField("代码表", max_length=16, choices=CodeTable.choices)
    code = models.CharField("代码", max_length=16)
    name = models.CharField("名称", max_length=64)
    pinyin_initials = models.CharField("拼音首字母", max_length=32, blank=True)
    parent_code = models.CharField("上级代码", max_length=16, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    extra = models.JSONField("附加属性", default=dict, blank=True)

    class Meta:
        verbose_name = "代码"
        verbose_name_plural = "代码表"
        ordering = ["table", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="core_code_unique_per_table")
        ]
        indexes = [models.Index(fields=["table", "name"], name="core_code_table_name")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

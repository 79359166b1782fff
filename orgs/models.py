"""The unit tree and leadership-post quotas."""

from __future__ import annotations

from django.db import models

from core.models import RestrictedQuerySet, Versioned
from orgs.choices import UnitKind, UnitLevel

PATH_SEGMENT = 8  # base-36 digits of a unit id in the materialised path (~2.8e12 ids)


def path_segment(unit_id: int) -> str:
    """Fixed-width base-36 segment of a unit id, so paths sort and prefix-match."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    n = unit_id
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(PATH_SEGMENT, "0") + "/"


class UnitQuerySet(RestrictedQuerySet):
    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and all its descendants (one indexed prefix scan)."""
        return self.filter(path__startswith=unit.path)


class Unit(Versioned):
    """A node of the unit tree (党委, 政府部门, 乡镇街道, 村社区, 事业单位, 国有企业 …).

    ``path`` is the materialised path of ids from the root (``0000000a/0000000f/``): a
    subtree is ``path LIKE 'prefix%'`` on both SQLite and PostgreSQL (indexed with
    varchar_pattern_ops there). Units are never hard-deleted: ``is_active`` marks 撤销.
    """

    scope_path_field = "path"

    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    code = models.CharField("单位代码", max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    order = models.PositiveIntegerField("排序号", default=0)
    kind = models.CharField("单位类别", max_length=20, choices=UnitKind.choices)
    level = models.CharField("单位级别", max_length=12, choices=UnitLevel.choices)
    region_code = models.CharField("所在行政区划", max_length=12, blank=True)
    pinyin_initials = models.CharField("拼音首字母", max_length=50, blank=True, editable=False)
    is_active = models.BooleanField("有效", default=True)
    deactivated_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        indexes = [
            # Prefix search (subtree) on PostgreSQL needs pattern ops; ORDER BY path (tree
            # order) needs a plain btree. SQLite ignores opclasses and uses either.
            models.Index(fields=["path"], name="orgs_unit_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["path"], name="orgs_unit_path_order"),
            models.Index(fields=["parent", "order"], name="orgs_unit_parent_order"),
            models.Index(fields=["name"], name="orgs_unit_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name if self.is_active else f"{self.name}（已撤销）"


class PostQuota(models.Model):
    """职数: approved number of leadership posts of one 领导职务层次 in a unit."""

    scope_path_field = "unit__path"

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="quotas"
    )
    rank_level = models.CharField("领导职务层次", max_length=8)
    title = models.CharField(
        "职务名称", max_length=50, blank=True, help_text="如：局长、副局长；可空"
    )
    quota = models.PositiveSmallIntegerField("核定职数")
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "职数"
        verbose_name_plural = "职数"
        ordering = ["unit", "rank_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "rank_level", "title"], name="orgs_quota_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.rank_level} {self.quota}"

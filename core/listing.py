"""Shared list-page mechanics: sorting by whitelisted columns and paging with a total."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from core.http import request_int

PAGE_SIZES = (20, 50, 100)


@dataclass(frozen=True, slots=True)
class SortState:
    key: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


def apply_sort(
    request: HttpRequest, qs: QuerySet, columns: dict[str, str], default: str
) -> tuple[QuerySet, SortState]:
    """Order by ``?sort=key`` or ``?sort=-key`` where key is in ``columns``; else ``default``."""
    raw = request.GET.get("sort", default)
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in columns:
        descending = default.startswith("-")
        key = default.lstrip("-")
    field = columns[key]
    return qs.order_by(f"-{field}" if descending else field, "pk"), SortState(key, descending)


class _KnownCountPaginator(Paginator):
    """A paginator told its total instead of running COUNT(*) itself."""

    def __init__(self, object_list: Any, per_page: int, total: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = total  # fills the cached_property


def paginate(
    request: HttpRequest,
    qs: QuerySet | list[Any],
    *,
    count: Callable[[QuerySet], int] | None = None,
) -> tuple[Page, int]:
    """Page of ``?page=`` with ``?size=`` from PAGE_SIZES; bad numbers fall back, never 500.

    ``count``: how to get the total (e.g. ``audit.selectors.counted`` for very long lists).
    """
    size = request_int(request.GET.get("size"), default=PAGE_SIZES[0])
    if size not in PAGE_SIZES:
        size = PAGE_SIZES[0]
    if count is not None and isinstance(qs, QuerySet):
        paginator: Paginator = _KnownCountPaginator(qs, size, count(qs))
    else:
        paginator = Paginator(qs, size)
    # Junk or a page beyond 64 bits is page 1 (get_page shows the last page past the end).
    return paginator.get_page(request_int(request.GET.get("page"), default=1, minimum=1)), size


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string minus ``names`` (for sort and page links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()

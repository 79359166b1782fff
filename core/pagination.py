"""The API's one paginator: django-ninja's page numbers, bounded (docs/security.md, "Bad input").

Ninja's own ``page`` has no upper bound: ``?page=99999999999999999999999`` became an OFFSET
beyond 64 bits and a 500 from the database. Here a page past ``MAX_PAGE`` answers 422 like any
other invalid parameter.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# (MAX_PAGE - 1) × any page size stays far inside a 64-bit OFFSET.
MAX_PAGE = 10**9


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)

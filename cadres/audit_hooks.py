"""What cadres tells the auditor's pages (audit/extensions.py): the cadres a search names,
and the Chinese labels of the roster filters and columns its exports record."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from cadres.models import Cadre, digest_in
from core.fields import id_number_digest

CADRE = "cadres.Cadre"
MAX_NAMESAKES = 200  # a common name (张伟) among 300k cadres: plenty for one search


def cadres_named(q: str) -> list[tuple[str, list[int]]]:
    """The cadres a search term names: an exact 姓名, a 身份证号 (through its lookup digest;
    the number itself is never shown) or a cadre number. The auditor may lack the cadre view
    right, so this reads the table directly; only ids leave here. Indexed lookups only."""
    base = Cadre._base_manager.order_by()
    if q.isdigit() and len(q) <= 12:
        return [(CADRE, [int(q)])]
    if len(q) in (15, 18) and q[:17].isdigit():
        try:
            digest = id_number_digest(q)
        except (ValidationError, ValueError):
            return []
        return [(CADRE, list(base.filter(digest_in([digest])).values_list("pk", flat=True)[:10]))]
    if len(q) > 18:
        return []
    return [(CADRE, list(base.filter(name=q).values_list("pk", flat=True)[:MAX_NAMESAKES]))]


def register() -> None:
    from audit.extensions import register_change_labels, register_subject_finder
    from cadres.roster import COLUMNS, FILTER_LABELS

    register_subject_finder(cadres_named)
    register_change_labels(
        filters=FILTER_LABELS, columns={key: column.header for key, column in COLUMNS.items()}
    )

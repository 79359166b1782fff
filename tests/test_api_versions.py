"""Every API write whose page form carries the record's ``version`` requires it (issue 12,
item 13): a write without it would skip the optimistic lock and overwrite someone else's
change unseen. See docs/security.md."""

from __future__ import annotations

from pydantic import BaseModel

from zugong.api import api

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _versioned_writes() -> list[tuple[str, str, bool]]:
    """``(method, path, version required?)`` of every API write whose body has a version."""
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                methods = set(operation.methods) & WRITE_METHODS
                if not methods:
                    continue
                for params in operation.models:
                    for field in params.model_fields.values():
                        body = field.annotation
                        if (
                            isinstance(body, type)
                            and issubclass(body, BaseModel)
                            and "version" in body.model_fields
                        ):
                            required = body.model_fields["version"].is_required()
                            found.extend((m, prefix + path, required) for m in sorted(methods))
    return found


def test_every_versioned_api_write_requires_the_version() -> None:
    writes = _versioned_writes()
    # The lock is on the writes of units, cadres, rules, assignments and selection cases.
    assert len(writes) >= 20
    optional = [(method, path) for method, path, required in writes if not required]
    assert optional == []

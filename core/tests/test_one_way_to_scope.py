"""One way to scope (issue 13, item 2; docs/architecture.md, "How a request flows").

Pages, API handlers, exports and downloads never scope a query themselves: they ask a
selector (``<thing>_get``, ``<things>_for``, ``unit_by_code`` …), which starts from
``restrict``, and services check one object with ``core.permissions.require``. This test reads
every views and API module of every app and names, as ``file:line``, each place that calls
``.restrict(`` or ``scope_paths(``, or filters on a unit path itself (a ``path__startswith``
lookup).
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
FORBIDDEN_CALLS = ("restrict", "scope_paths")
FORBIDDEN_LOOKUP = "path__startswith"


def _apps() -> list[str]:
    """The project's own packages, as the layer contract lists them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["importlinter"]["root_packages"])


def view_modules() -> list[Path]:
    """``views.py`` and ``api.py`` of every app, and every module of a ``views/`` or ``api/``
    package."""
    found: list[Path] = []
    for app in _apps():
        for name in ("views", "api"):
            module = ROOT / app / f"{name}.py"
            if module.is_file():
                found.append(module)
            package = ROOT / app / name
            if package.is_dir():
                found.extend(sorted(package.rglob("*.py")))
    return found


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def offences(source: str) -> Iterator[tuple[int, str]]:
    """``(line, what)`` for each place in ``source`` that scopes a query by itself."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name in FORBIDDEN_CALLS:
                yield node.lineno, f"calls {name}("
            for keyword in node.keywords:
                if keyword.arg and FORBIDDEN_LOOKUP in keyword.arg:
                    yield node.lineno, f"filters on {keyword.arg}"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and FORBIDDEN_LOOKUP in node.value
        ):
            # Q(**{"unit__path__startswith": …}): a lookup spelt as a string.
            yield node.lineno, f"filters on {node.value!r}"


def test_it_scans_the_views_and_api_of_every_app():
    scanned = {path.relative_to(ROOT).as_posix() for path in view_modules()}
    # Spot checks that the walk reaches each kind of app (the scan cannot pass by seeing nothing).
    for module in ("orgs/views.py", "cadres/views.py", "development/api.py", "selection/api.py"):
        assert module in scanned
    assert len(scanned) >= 15


def test_it_finds_no_view_or_api_handler_that_scopes_by_itself():
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{line}: {what}"
        for path in view_modules()
        for line, what in sorted(offences(path.read_text(encoding="utf-8")))
    ]
    assert not found, (
        "Views and API handlers scope through a selector (<thing>_get, <things>_for, "
        "unit_by_code) and services through core.permissions.require, never by themselves "
        '(docs/architecture.md, "How a request flows"):\n' + "\n".join(found)
    )


def test_it_names_each_way_of_scoping_by_hand():
    # The scanner is not blind: each form a view once used is reported, with its line.
    source = "\n".join(
        [
            "unit = Unit.objects.restrict(request.user, Action.CADRES_VIEW).first()",
            "paths = scope_paths(request.user, Action.POOLS_CHANGE)",
            "qs = qs.filter(unit_path__startswith=pool.unit.path)",
            'qs = qs.filter(Q(**{"unit__path__startswith": unit.path}))',
            "qs = qs.filter(unit=unit)",
            "ok = can_in_path(request.user, Action.CADRES_VIEW, cadre.unit_path)",
        ]
    )
    assert sorted(offences(source)) == [
        (1, "calls restrict("),
        (2, "calls scope_paths("),
        (3, "filters on unit_path__startswith"),
        (4, "filters on 'unit__path__startswith'"),
    ]

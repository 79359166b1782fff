"""The docs travel with the code (issue 13, item 6): every page a source file points to is in
the repository.

The reference notes the product was first written from lived outside the repository; their
names are refused here, so a comment or test cites the product's own page instead
(``docs/rules.md``, ``docs/lrmx.md``, ``docs/architecture.md``, ``docs/journeys.md``,
``docs/security.md`` …). Every ``docs/<page>.md`` a tracked source file names must exist, and a
section cited as ``docs/<page>.md, "<heading>"`` must be the start of one of its headings.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SUFFIXES = (".py", ".html", ".js", ".css", ".toml", ".sh", ".md", ".cfg")

# The outside reference files, by name (spelled in pieces so this file does not name them).
OUTSIDE_NAMES = re.compile(
    r"\b(?:"
    + "|".join(
        [
            "DOMAIN" + "_RULES",
            "LINES_OF" + "_WORK",
            *(
                re.escape(stem + ".md")
                for stem in ("STYLE", "SECURITY", "LRMX", "JOURNEYS", "DESIGN", "GLOSSARY")
            ),
        ]
    )
    + r")"
)
# ``docs/<page>.md`` not inside a longer path or URL, with an optional ``, "<heading>"``.
DOCS_LINK = re.compile(r'(?<![\w/.-])docs/([\w./-]+?\.md)(?:, "([^"<>]+)")?')


@cache
def source_files() -> tuple[str, ...]:
    """Tracked files of the kinds that hold code, comments or docs."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    try:
        # A fixed command on our own checkout: no outside input reaches it.
        out = subprocess.run(  # noqa: S603
            [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    names = [name for name in out.decode("utf-8").split("\0") if name]
    return tuple(
        name
        for name in names
        if (name.endswith(SUFFIXES) or Path(name).name == "Makefile") and (ROOT / name).is_file()
    )


def lines_of(name: str) -> list[str]:
    return (ROOT / name).read_text(encoding="utf-8", errors="replace").splitlines()


@cache
def headings(page: str) -> tuple[str, ...]:
    """The heading texts of ``docs/<page>``, without the ``#`` marks."""
    return tuple(
        line.lstrip("#").strip() for line in lines_of(f"docs/{page}") if line.startswith("#")
    )


def test_it_walks_the_source_files() -> None:
    files = source_files()
    assert "core/idnumber.py" in files
    assert "docs/rules.md" in files
    assert "Makefile" in files


def test_it_finds_no_pointer_to_a_file_outside_the_repository() -> None:
    found = [
        f"{name}:{number}: {line.strip()}"
        for name in source_files()
        for number, line in enumerate(lines_of(name), start=1)
        if OUTSIDE_NAMES.search(line)
    ]
    assert not found, "cite the repository's docs/ page instead:\n" + "\n".join(found)


def test_it_finds_every_docs_page_and_heading_a_source_file_cites() -> None:
    broken = []
    for name in source_files():
        for number, line in enumerate(lines_of(name), start=1):
            for match in DOCS_LINK.finditer(line):
                page, heading = match.group(1), match.group(2)
                if not (ROOT / "docs" / page).is_file():
                    broken.append(f"{name}:{number}: docs/{page} does not exist")
                elif heading and not any(h.startswith(heading) for h in headings(page)):
                    broken.append(f'{name}:{number}: docs/{page} has no heading "{heading}"')
    assert not broken, "\n".join(broken)


def test_it_recognises_the_outside_names_and_the_links() -> None:
    outside = "DOMAIN" + "_RULES.md §7"
    assert OUTSIDE_NAMES.search(f"Sources ({outside}):")
    assert OUTSIDE_NAMES.search("(" + "JOURNEYS" + ".md 3)")
    assert not OUTSIDE_NAMES.search('(docs/security.md, "Audit")')
    match = DOCS_LINK.search('see docs/rules.md, "Retirement" for the month algorithm')
    assert match is not None
    assert match.groups() == ("rules.md", "Retirement")
    assert DOCS_LINK.search("https://example.org/x/docs/v2/index.md") is None

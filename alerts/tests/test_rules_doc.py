"""docs/rules.md carries the alert rule catalogue as the code registers it (``rules_doc``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alerts.management.commands import rules_doc
from alerts.registry import RULES


def test_it_keeps_the_catalogue_in_docs_rules_md_as_the_code_renders_it() -> None:
    page = rules_doc.rules_doc_path().read_text(encoding="utf-8")
    start, end = page.index(rules_doc.BEGIN), page.index(rules_doc.END) + len(rules_doc.END)
    assert page[start:end] == rules_doc.render_catalogue(), (
        "docs/rules.md 的预警规则目录已过期：请运行 .venv/bin/python manage.py rules_doc"
    )


def test_it_lists_every_rule_with_its_source_and_defaults() -> None:
    catalogue = rules_doc.render_catalogue()
    for spec in RULES.values():
        assert f"### {spec.name} (`{spec.code}`)" in catalogue
        assert spec.regulation in catalogue
        assert spec.description in catalogue
        for key in spec.defaults:
            assert f"`{key}`" in catalogue


def test_it_shows_users_no_reference_to_files_outside_the_product() -> None:
    for spec in RULES.values():
        for text in (spec.name, spec.regulation, spec.article, spec.description):
            assert ".md" not in text, spec.code  # users never see our docs
            assert "§" not in text, spec.code


def _page(tmp_path: Path, middle: str) -> Path:
    path = tmp_path / "rules.md"
    path.write_text(f"# Rules\n\nprose\n\n{middle}\n\nmore prose\n", encoding="utf-8")
    return path


def test_it_rewrites_only_the_part_between_the_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _page(tmp_path, f"{rules_doc.BEGIN}\nstale\n{rules_doc.END}")
    monkeypatch.setattr(rules_doc, "rules_doc_path", lambda: path)
    call_command("rules_doc")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Rules\n\nprose\n\n")
    assert text.endswith("\n\nmore prose\n")
    assert rules_doc.render_catalogue() in text
    assert "stale" not in text
    call_command("rules_doc", "--check")  # up to date now: no error


def test_it_fails_the_check_while_the_page_is_out_of_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _page(tmp_path, f"{rules_doc.BEGIN}\nstale\n{rules_doc.END}")
    monkeypatch.setattr(rules_doc, "rules_doc_path", lambda: path)
    with pytest.raises(CommandError, match="已过期"):
        call_command("rules_doc", "--check")
    assert "stale" in path.read_text(encoding="utf-8")  # --check writes nothing


def test_it_refuses_a_page_without_the_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _page(tmp_path, "no markers here")
    monkeypatch.setattr(rules_doc, "rules_doc_path", lambda: path)
    with pytest.raises(CommandError, match="缺少标记"):
        call_command("rules_doc")

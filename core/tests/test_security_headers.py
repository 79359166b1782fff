"""The Content-Security-Policy and ``Cache-Control: no-store`` (docs/security.md item 7):
on pages, API answers and downloads, not on static files; and no template holds what the
policy refuses (inline script or style, ``on…=`` handlers, ``javascript:`` URLs)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import Client, RequestFactory
from PIL import Image

from accounts.services import api_token_create
from cadres import services as cadre_services
from cadres.models import Cadre
from core.idnumber import build_id_number
from core.security_headers import CONTENT_SECURITY_POLICY, SecurityHeadersMiddleware
from zugong.testing import PersonaTestCase

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _directives(response: HttpResponseBase) -> list[str]:
    return [part.strip() for part in response["Content-Security-Policy"].split(";")]


def _cache_control(response: HttpResponseBase) -> set[str]:
    return {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 150), (200, 180, 160)).save(out, format="JPEG")
    return out.getvalue()


class SecurityHeaderTests(PersonaTestCase):
    cadre: Cadre

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cadre = cadre_services.cadre_create(
            acting_user=cls.clerk,
            unit=cls.units["a"],
            name="王建国",
            id_number=build_id_number("130101", dt.date(1975, 6, 12), 31).value,
            ethnicity="01",
            political_status="01",
        )
        cadre_services.photo_set(acting_user=cls.clerk, cadre=cls.cadre, data=_jpeg())

    def assert_protected(self, response: HttpResponseBase, what: str) -> None:
        assert response.status_code == 200, what
        assert response["Content-Security-Policy"] == POLICY, what
        assert "no-store" in _cache_control(response), f"{what}: {response.get('Cache-Control')}"

    def test_the_policy_is_exactly_the_directives_agreed(self):
        assert CONTENT_SECURITY_POLICY == POLICY
        response = self.client_for(self.clerk).get("/")
        assert _directives(response) == [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]

    def test_a_signed_in_page_is_not_stored(self):
        client = self.client_for(self.clerk)
        for url in ("/", f"/cadres/{self.cadre.pk}/", "/cadres/", "/calendar/"):
            self.assert_protected(client.get(url), url)

    def test_the_sign_in_page_and_an_error_page_carry_the_headers_too(self):
        response = Client().get("/accounts/login/")
        self.assert_protected(response, "login")
        missing = self.client_for(self.clerk).get("/cadres/999999/")
        assert missing.status_code == 404
        assert missing["Content-Security-Policy"] == POLICY
        assert "no-store" in _cache_control(missing)

    def test_referrer_policy_and_nosniff_are_set(self):
        response = self.client_for(self.clerk).get("/")
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"

    def test_an_api_answer_with_a_token_is_not_stored(self):
        _token, raw = api_token_create(acting_user=self.clerk, name="报表工具")
        response = Client().get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.assert_protected(response, "API with a token")
        assert response["Content-Type"].startswith("application/json")

    def test_an_api_answer_in_a_session_and_an_api_error_are_not_stored(self):
        client = self.client_for(self.clerk)
        self.assert_protected(client.get(f"/api/v1/units/{self.units['a'].pk}"), "API session")
        refused = Client().get("/api/v1/units")
        assert refused.status_code == 401
        assert refused["Content-Security-Policy"] == POLICY
        assert "no-store" in _cache_control(refused)

    def test_downloads_are_not_stored(self):
        client = self.client_for(self.clerk)
        roster = client.get("/cadres/", {"export": "xlsx"})
        self.assert_protected(roster, "roster xlsx")
        assert "attachment" in roster["Content-Disposition"]
        lrmx = client.get(f"/cadres/{self.cadre.pk}/lrmx/")
        self.assert_protected(lrmx, "LRMX")
        assert "attachment" in lrmx["Content-Disposition"]

    def test_a_photo_is_not_kept_for_five_minutes_any_more(self):
        # The view asks for "private, max-age=300"; a photo is personal data.
        response = self.client_for(self.clerk).get(f"/cadres/{self.cadre.pk}/photo.jpg")
        self.assert_protected(response, "photo")
        assert "max-age=300" not in response["Cache-Control"]

    def test_a_view_that_says_no_store_already_keeps_its_own_header(self):
        strict = "max-age=0, no-cache, no-store, must-revalidate, private"

        def view(request: HttpRequest) -> HttpResponse:
            response = HttpResponse("x")
            response["Cache-Control"] = strict
            return response

        response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
        assert response["Cache-Control"] == strict
        assert response["Content-Security-Policy"] == POLICY

    def test_a_static_file_keeps_its_caching(self):
        response = Client().get("/static/zugong/app.css")
        assert response.status_code == 200
        assert "no-store" not in _cache_control(response)
        assert "Content-Security-Policy" not in response


# Template files that may hold what the policy refuses, and why: none today. (django-ninja's
# API docs page is its own offline template, with only external scripts and a JSON block.)
ALLOWED: dict[str, str] = {}

REFUSED = [
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"<style\b", re.IGNORECASE), "an inline <style> element"),
    (re.compile(r"<script\b(?![^>]*\ssrc\s*=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an on… event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


def _template_dirs() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    engines: list[dict[str, Any]] = settings.TEMPLATES
    dirs = [Path(d) for engine in engines for d in engine.get("DIRS", [])]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent == base and (path / "templates").is_dir():  # the project's own apps
            dirs.append(path / "templates")
    return dirs


def test_the_template_walk_sees_the_project_templates():
    base = settings.BASE_DIR
    files = {p.relative_to(base).as_posix() for d in _template_dirs() for p in d.rglob("*.html")}
    assert "templates/base.html" in files
    assert "home/templates/home/dashboard.html" in files
    assert "cadres/templates/cadres/detail.html" in files
    assert len(files) > 50


def test_no_template_holds_inline_script_style_handlers_or_javascript_urls():
    found = []
    for directory in _template_dirs():
        for path in sorted(directory.rglob("*")):
            if not path.is_file() or path.suffix not in {".html", ".txt", ".xml", ".svg"}:
                continue
            name = path.relative_to(settings.BASE_DIR).as_posix()
            if name in ALLOWED:
                continue
            text = path.read_text(encoding="utf-8")
            for pattern, what in REFUSED:
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{name}:{line}: {what}: {match.group(0).strip()!r}")
    assert not found, "the Content-Security-Policy refuses:\n" + "\n".join(found)

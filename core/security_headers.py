"""Content-Security-Policy and ``Cache-Control: no-store`` on every response Django makes
(docs/security.md item 7).

Django 5.2 has no CSP of its own (that arrives in 6.0), and the policy is one fixed string,
so a few lines here instead of a dependency.

The policy allows only this origin: the pages load the vendored assets under ``/static/``
(Bootstrap, Bootstrap Icons, ECharts, htmx, django-ninja's Swagger UI) and nothing inline.
No template has an inline ``<script>``, an ``on…=`` handler, a ``style="…"`` attribute or a
``javascript:`` URL (core/tests/test_security_headers.py walks them); charts and Bootstrap set
element styles through the CSSOM, which ``style-src`` does not govern. Two sources beyond
``'self'``, each for a reason:

* ``img-src data: blob:`` — Bootstrap's CSS draws its form controls (select arrows, check
  marks, the close button) with ``data:`` SVG images; ECharts' "save as image" makes blobs.
* ``font-src data:`` — harmless for a font and kept for vendored CSS that inlines a font;
  Bootstrap Icons itself loads its woff2 from ``/static/``.

No page needs a nonce: django-ninja's docs page (``/api/v1/docs``, its offline template
since ``ninja`` is an installed app) has only external scripts and a JSON data block.

``Cache-Control: no-store`` goes on every response this middleware sees: pages, API JSON and
the downloads (Excel, PDF, LRMX, attachments, photos) all hold personal data, and a shared
or back-button cache must not keep them. Static files never reach it: WhiteNoise, above it in
``MIDDLEWARE``, answers ``/static/`` itself with its long-lived caching. A response that says
``no-store`` already (Django's ``never_cache``) keeps its own header.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CSP_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in CSP_DIRECTIVES)
NO_STORE = "no-store"


class SecurityHeadersMiddleware:
    """Adds the CSP and ``Cache-Control: no-store`` (see the module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        cache_control = response.get("Cache-Control", "")
        if NO_STORE not in {part.strip().lower() for part in cache_control.split(",")}:
            # Anything weaker (a view's "private, max-age=300" on a photo) gives way.
            response["Cache-Control"] = NO_STORE
        return response

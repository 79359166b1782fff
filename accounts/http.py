"""Request type for views that require a signed-in user (for the type checker)."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is a signed-in ``accounts.User``."""

    user: User

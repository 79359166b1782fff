"""Per-request context (client IP, request id) for audit records, via contextvars."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Where an action came from: a web request, the API, or a command line."""

    ip: str = ""
    request_id: str = ""
    channel: str = "system"  # web / api / cli / system


# RequestContext is a frozen dataclass, so sharing the default instance is safe.
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "zugong_request_context",
    default=RequestContext(),  # noqa: B039
)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)

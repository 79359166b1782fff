"""No request input reaches a 500 (docs/security.md, "Bad input"): every URL pattern, asked by
someone allowed to see it, with hostile values in its query parameters, and its POST forms with
a hostile ``version``.

The patterns and their requests are the outsider matrix's (``test_outsider_matrix``): that test
fails when a pattern has no probe, so a new page is fuzzed here as soon as it is probed there.
The parameters tried are the common names below plus every name the view itself reads from the
query string (recorded on a first, clean request).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import QueryDict
from django.test import Client

from accounts.services import api_token_create
from tests.test_outsider_matrix import (
    LIST_PROBES,
    OBJECT_PROBES,
    Req,
    UnitAFixture,
    send,
    url_pattern_names,
)

HOSTILE = (
    "²",  # a digit to str.isdigit(), not to int()
    "٣",  # Arabic-Indic 3: int() takes it, a form never sends it
    "99999999999999999999999",  # beyond 64 bits
    "-1",
    "1e3",
    "",
    "x" * 5000,
    "'\"><script>",
)
COMMON = (
    "page",
    "size",
    "page_size",
    "ids",
    "parent",
    "cadre",
    "unit",
    "year",
    "q",
    "export",
    "column_set",
    "version",
    "tab",
    "status",
    "sort",
)
SINGLES = ("²", "99999999999999999999999")  # also tried one parameter at a time


class _ReadKeys:
    """Records the keys a view reads from any QueryDict while the context is open."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> _ReadKeys:
        for name in ("__getitem__", "get", "getlist", "__contains__"):
            original = getattr(QueryDict, name)
            self._saved[name] = original

            def spy(qd: QueryDict, key: Any, *args: Any, _original: Any = original) -> Any:
                if isinstance(key, str):
                    self.keys.add(key)
                return _original(qd, key, *args)

            setattr(QueryDict, name, spy)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, original in self._saved.items():
            setattr(QueryDict, name, original)


def with_query(path: str, params: dict[str, str]) -> str:
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{urlencode(params)}"


class BadInputFuzzTests(UnitAFixture):
    def requests(self) -> list[tuple[str, Any, Req]]:
        """(pattern, user, request) for every probed pattern, as someone who may see it."""
        out: list[tuple[str, Any, Req]] = []
        for name, probe in OBJECT_PROBES.items():
            user = getattr(self, probe.insider)
            out += [(name, user, r) for r in probe.requests(self.targets[probe.obj], self.targets)]
        for name, build in LIST_PROBES.items():
            out += [(name, self.clerk, r) for r in build(self.targets)]
        return out

    def call(self, client: Client, req: Req, failures: list[str], label: str) -> Any:
        # Each request in a savepoint rolled back: a POST must not change what the next sees.
        try:
            with transaction.atomic():
                response = send(client, req)
                transaction.set_rollback(True)
        except Exception as exc:  # the test client re-raises a view's exception
            failures.append(f"{label}: {req.method} {req.path[:120]} raised {exc!r:.200}")
            return None
        if response.status_code >= 500:
            failures.append(f"{label}: {req.method} {req.path[:120]} → {response.status_code}")
        return response

    def test_it_covers_every_url_pattern(self):
        probed = {name for name, _user, _req in self.requests()}
        assert url_pattern_names() - probed == set()

    def test_it_answers_hostile_query_parameters_without_a_500(self):
        failures: list[str] = []
        clients: dict[int, Client] = {}
        seen: set[tuple[int, str]] = set()
        _token, raw = api_token_create(acting_user=self.clerk, name="模糊测试")
        bearer = Client(headers={"Authorization": f"Bearer {raw}"})
        for name, user, req in self.requests():
            if req.method != "get" or (user.pk, req.path) in seen:
                continue
            seen.add((user.pk, req.path))
            client = clients.setdefault(user.pk, self.client_for(user))
            with _ReadKeys() as read:
                self.call(client, req, failures, name)
            names = sorted(read.keys | set(COMMON))
            for value in HOSTILE:
                fuzzed = Req("get", with_query(req.path, dict.fromkeys(names, value)), None, False)
                self.call(client, fuzzed, failures, name)
            for key in sorted(read.keys):
                for value in SINGLES:
                    fuzzed = Req("get", with_query(req.path, {key: value}), None, False)
                    self.call(client, fuzzed, failures, name)
            if req.path.startswith("/api/") and user.pk == self.clerk.pk:
                for value in SINGLES:
                    fuzzed = Req("get", with_query(req.path, dict.fromkeys(names, value)))
                    self.call(bearer, fuzzed, failures, f"{name} (token)")
        assert not failures, f"{len(failures)} requests failed:\n" + "\n".join(failures)

    def test_it_answers_a_hostile_version_in_posted_forms_without_a_500(self):
        failures: list[str] = []
        clients: dict[int, Client] = {}
        for value in SINGLES:
            for name, user, req in self.requests():  # built afresh: uploads are read once
                if req.method == "get" or req.data is None:
                    continue
                if req.json and "version" not in req.data:
                    continue
                client = clients.setdefault(user.pk, self.client_for(user))
                data = {**req.data, "version": value}
                self.call(client, Req(req.method, req.path, data, req.json), failures, name)
        assert not failures, f"{len(failures)} requests failed:\n" + "\n".join(failures)

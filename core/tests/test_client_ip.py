"""The audit's source IP behind reverse proxies (ZUGONG_TRUSTED_PROXIES, docs/security.md):
the address the outermost trusted proxy saw, never what the client wrote in X-Forwarded-For."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings

from audit.choices import AuditAction
from audit.models import AuditEvent
from core.middleware import client_ip
from zugong.testing import PASSWORD, PersonaTestCase

CLIENT = "203.0.113.7"  # the real client
FORGED = "198.51.100.66"  # what the client writes into the header itself
PROXY_1 = "10.0.0.1"  # outer proxy (sees the client)
PROXY_2 = "10.0.0.2"  # inner proxy (the app's peer)


def ip(forwarded: str | None, *, trusted: int, remote: str = PROXY_2) -> str:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(ZUGONG_TRUSTED_PROXIES=trusted):
        return client_ip(request)


def test_no_trusted_proxy_ignores_the_header() -> None:
    assert ip(None, trusted=0, remote=CLIENT) == CLIENT
    assert ip(FORGED, trusted=0, remote=CLIENT) == CLIENT


def test_no_trusted_proxy_ignores_the_header_even_with_the_https_proxy_setting() -> None:
    # The old rule trusted the first entry whenever SECURE_PROXY_SSL_HEADER was set.
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        assert ip(FORGED, trusted=0, remote=PROXY_1) == PROXY_1


def test_one_proxy_takes_the_entry_it_appended() -> None:
    # client → proxy 1 → app: proxy 1 appends the client's address.
    assert ip(CLIENT, trusted=1, remote=PROXY_1) == CLIENT


def test_two_proxies_take_the_entry_the_outer_one_appended() -> None:
    # client → proxy 1 → proxy 2 → app: "client, proxy 1".
    assert ip(f"{CLIENT}, {PROXY_1}", trusted=2) == CLIENT
    assert ip(f"{CLIENT},{PROXY_1}", trusted=2) == CLIENT


@pytest.mark.parametrize("trusted", [1, 2])
def test_a_spoofed_header_does_not_move_the_address(trusted: int) -> None:
    # The client sends "X-Forwarded-For: forged"; the proxies append to it.
    chain = [FORGED, "127.0.0.1", CLIENT, PROXY_1][: 3 + trusted - 1]
    assert ip(", ".join(chain), trusted=trusted) == CLIENT


def test_a_header_shorter_than_the_proxy_count_or_not_an_address_falls_back() -> None:
    # A request that did not pass through every trusted proxy, or a garbled entry.
    assert ip(CLIENT, trusted=2, remote=PROXY_2) == PROXY_2
    assert ip(None, trusted=1, remote=PROXY_2) == PROXY_2
    assert ip("not-an-ip", trusted=1, remote=PROXY_2) == PROXY_2
    assert ip(f"{FORGED}, <script>", trusted=1, remote=PROXY_2) == PROXY_2
    assert ip("2001:db8::1", trusted=1, remote=PROXY_2) == "2001:db8::1"


class AuditedAddressTests(PersonaTestCase):
    def login_event(self, **extra: str) -> AuditEvent:
        start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        client = Client()
        client.defaults.update(extra)
        client.post("/accounts/login/", {"username": "liaison_a", "password": PASSWORD})
        return AuditEvent.objects.get(seq__gt=start, action=AuditAction.LOGIN)

    def test_the_login_event_records_the_proxys_address_not_the_forged_one(self):
        with override_settings(ZUGONG_TRUSTED_PROXIES=1):
            event = self.login_event(
                REMOTE_ADDR=PROXY_1, HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}"
            )
        assert event.ip == CLIENT

    def test_without_trusted_proxies_the_login_event_records_the_peer(self):
        event = self.login_event(REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=FORGED)
        assert event.ip == CLIENT

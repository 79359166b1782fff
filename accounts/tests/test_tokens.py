"""API bearer tokens: shown once, stored as a digest, refused when revoked, expired or the
account is disabled, and never wider than the user's grants."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import api_token_create, grant_add, token_digest, user_set_active
from audit.choices import AuditAction
from core.permissions import Role
from orgs.models import Unit
from zugong.testing import PersonaTestCase

from .utils import events, last_seq

TOKENS_URL = "/accounts/tokens/"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


class TokenPageTests(PersonaTestCase):
    def test_it_creates_a_token_and_shows_the_raw_value_once(self):
        client = self.client_for(self.liaison_a)
        start = last_seq()
        response = client.post(TOKENS_URL, {"name": "报表工具", "days": 30})
        assert response.status_code == 200
        match = re.search(r'<code id="raw-token">([^<]+)</code>', response.content.decode())
        assert match is not None
        raw = match.group(1)
        token = ApiToken.objects.get(user=self.liaison_a)
        assert token.name == "报表工具"
        assert token.token_digest == token_digest(raw)
        assert raw not in {token.token_digest, token.prefix}
        assert 29 <= (token.expires_at - timezone.now()).days <= 30
        again = client.get(TOKENS_URL).content.decode()
        assert raw not in again
        assert token.prefix in again
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.CREATE
        assert event.object_type == "accounts.ApiToken"
        assert raw not in str(event.changes)
        assert token.token_digest not in str(event.changes)

    def test_it_refuses_a_validity_over_365_days(self):
        client = self.client_for(self.liaison_a)
        response = client.post(TOKENS_URL, {"name": "永久", "days": 3650})
        assert response.status_code == 200
        assert not ApiToken.objects.filter(user=self.liaison_a).exists()

    def test_it_lists_only_the_users_own_tokens(self):
        api_token_create(acting_user=self.outsider_b, name="乙的令牌")
        body = self.client_for(self.liaison_a).get(TOKENS_URL).content.decode()
        assert "乙的令牌" not in body

    def test_it_does_not_let_a_user_revoke_someone_elses_token(self):
        token, raw = api_token_create(acting_user=self.outsider_b, name="乙的令牌")
        response = self.client_for(self.liaison_a).post(f"{TOKENS_URL}{token.pk}/revoke/")
        assert response.status_code == 404
        assert ApiToken.objects.get(pk=token.pk).revoked_at is None
        assert Client().get("/api/v1/me", **bearer(raw)).status_code == 200


class TokenAuthTests(PersonaTestCase):
    def test_it_authenticates_a_bearer_token(self):
        _, raw = api_token_create(acting_user=self.liaison_a, name="报表")
        response = Client().get("/api/v1/me", **bearer(raw))
        assert response.status_code == 200
        data = response.json()
        assert data["username"] == "liaison_a"
        assert [g["role"] for g in data["grants"]] == ["liaison"]
        assert ApiToken.objects.get(user=self.liaison_a).last_used_at is not None

    def test_it_refuses_a_missing_or_unknown_token(self):
        assert Client().get("/api/v1/me").status_code == 401
        assert Client().get("/api/v1/me", **bearer("zg_not-a-real-token")).status_code == 401

    def test_it_refuses_a_revoked_token(self):
        token, raw = api_token_create(acting_user=self.liaison_a, name="报表")
        start = last_seq()
        response = self.client_for(self.liaison_a).post(f"{TOKENS_URL}{token.pk}/revoke/")
        assert response.status_code == 302
        assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.REVOKE
        assert event.object_id == str(token.pk)

    def test_it_refuses_an_expired_token(self):
        token, raw = api_token_create(acting_user=self.liaison_a, name="报表", days=1)
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401

    def test_it_refuses_the_token_of_a_disabled_user(self):
        _, raw = api_token_create(acting_user=self.liaison_a, name="报表")
        user_set_active(acting_user=self.sysadmin, user=self.liaison_a, active=False)
        assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401

    def test_it_refuses_an_unrevoked_token_whose_user_is_inactive(self):
        # Defence in depth: even a token that escaped revocation dies with its account.
        _, raw = api_token_create(acting_user=self.liaison_a, name="报表")
        User.objects.filter(pk=self.liaison_a.pk).update(is_active=False)
        assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401

    def test_it_limits_a_token_to_the_users_grants(self):
        _, raw = api_token_create(acting_user=self.outsider_b, name="报表")
        client = Client()
        a, b = self.units["a"], self.units["b"]
        assert client.get(f"/api/v1/units/{a.pk}", **bearer(raw)).status_code == 404
        assert client.get(f"/api/v1/units/{a.pk}/children", **bearer(raw)).status_code == 404
        own = client.get(f"/api/v1/units/{b.pk}", **bearer(raw))
        assert own.status_code == 200
        assert own.json()["name"] == "乙镇"
        names = {u["name"] for u in client.get("/api/v1/units", **bearer(raw)).json()["items"]}
        assert names == {"乙镇", "乙村"}

    def test_it_gives_a_三员_token_no_unit_data(self):
        _, raw = api_token_create(acting_user=self.sysadmin, name="运维")
        response = Client().get("/api/v1/units", **bearer(raw))
        assert response.status_code == 200
        assert response.json()["items"] == []

    def test_it_lets_a_token_write_only_inside_the_users_scope(self):
        grant_add(
            acting_user=self.secadmin, user=self.nobody, role=Role.ORG_CLERK, unit=self.units["b"]
        )
        _, raw = api_token_create(acting_user=self.nobody, name="维护")
        client = Client()
        results = {}
        for key in ("a", "b"):
            unit = self.units[key]
            results[key] = client.patch(
                f"/api/v1/units/{unit.pk}",
                data={"version": unit.version, "short_name": "改"},
                content_type="application/json",
                **bearer(raw),
            ).status_code
        assert results == {"a": 404, "b": 200}
        assert Unit.objects.get(pk=self.units["a"].pk).short_name != "改"
        assert Unit.objects.get(pk=self.units["b"].pk).short_name == "改"
        [event] = events(action=AuditAction.UPDATE, object_id=str(self.units["b"].pk))
        assert event.actor_id == self.nobody.pk
        assert event.channel == "api"

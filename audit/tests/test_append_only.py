"""The audit log is append-only, written in the same transaction as the change, and never
holds passwords, session keys, token secrets or full ID numbers (docs/security.md, "Audit")."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client, TransactionTestCase

from accounts.models import ApiToken, PasswordHistory, RoleGrant, User
from accounts.services import (
    api_token_create,
    grant_add,
    grant_remove,
    password_change,
    user_create,
    user_reset_password,
    user_update,
)
from audit.choices import AuditAction
from audit.models import AppendOnlyError, AuditEvent
from audit.services import NotInTransaction, audit_record, audit_record_standalone
from audit.verify import verify_chain
from core.idnumber import check_char, parse_id_number
from core.permissions import Role
from zugong.testing import PASSWORD, PersonaTestCase

from .utils import chain

ID_BODY = "11010519491231002"
ID_NUMBER = ID_BODY + check_char(ID_BODY)
OTHER_BODY = "11010519800101003"
OTHER_ID = OTHER_BODY + check_char(OTHER_BODY)


class ApplicationGuardTests(PersonaTestCase):
    def setUp(self):
        self.event = AuditEvent.objects.order_by("seq").first()
        self.original = (self.event.object_repr, self.event.mac)

    def assert_unchanged(self) -> None:
        fresh = AuditEvent.objects.get(pk=self.event.pk)
        assert (fresh.object_repr, fresh.mac) == self.original
        assert verify_chain()[1] == []

    def test_it_refuses_to_save_an_existing_event(self):
        self.event.object_repr = "改写"
        with pytest.raises(AppendOnlyError):
            self.event.save()
        with pytest.raises(AppendOnlyError):
            self.event.save(update_fields=["object_repr"])
        self.assert_unchanged()

    def test_it_refuses_to_save_a_new_event_outside_the_service(self):
        with pytest.raises(AppendOnlyError):
            AuditEvent(seq=99999, action=AuditAction.LOGIN, prev_mac="0", mac="0").save()
        assert not AuditEvent.objects.filter(seq=99999).exists()

    def test_it_refuses_to_delete_an_event(self):
        with pytest.raises(AppendOnlyError):
            self.event.delete()
        self.assert_unchanged()

    def test_it_refuses_a_queryset_update(self):
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=self.event.pk).update(object_repr="改写")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().update(object_repr="改写")
        self.assert_unchanged()

    def test_it_refuses_a_queryset_delete(self):
        count = AuditEvent.objects.count()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=self.event.pk).delete()
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.count() == count
        self.assert_unchanged()

    def test_it_refuses_a_bulk_update(self):
        self.event.object_repr = "改写"
        # bulk_update opens an atomic block without a savepoint; give it one here.
        with pytest.raises(AppendOnlyError), transaction.atomic():
            AuditEvent.objects.bulk_update([self.event], ["object_repr"])
        self.assert_unchanged()


class DatabaseTriggerTests(PersonaTestCase):
    """The database itself refuses, on PostgreSQL and on SQLite (audit/triggers.py)."""

    def test_it_refuses_a_raw_update(self):
        first = chain()[0]
        with pytest.raises(DatabaseError) as info, transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE audit_auditevent SET object_repr = 'x' WHERE seq = %s", [first.seq])
        assert "审计日志只能追加" in str(info.value)
        assert AuditEvent.objects.get(seq=first.seq).object_repr == first.object_repr

    def test_it_refuses_a_raw_delete(self):
        count = AuditEvent.objects.count()
        with pytest.raises(DatabaseError) as info, transaction.atomic(), connection.cursor() as c:
            c.execute("DELETE FROM audit_auditevent")
        assert "审计日志只能追加" in str(info.value)
        assert AuditEvent.objects.count() == count


class FlushKeepsTheTriggersTests(TransactionTestCase):
    """``manage.py flush`` (the test framework between transactional tests, ``seed_demo
    --flush``) empties the audit table and leaves the triggers in place."""

    def test_flush_empties_the_table_and_the_triggers_still_refuse(self):
        audit_record_standalone(actor=None, action=AuditAction.VIEW, object_type="orgs.Unit")
        audit_record_standalone(actor=None, action=AuditAction.VIEW, object_type="orgs.Unit")
        call_command("flush", interactive=False, verbosity=0)
        assert AuditEvent.objects.count() == 0
        audit_record_standalone(actor=None, action=AuditAction.VIEW, object_type="orgs.Unit")
        with pytest.raises(DatabaseError) as info, transaction.atomic(), connection.cursor() as c:
            c.execute("DELETE FROM audit_auditevent")
        assert "审计日志只能追加" in str(info.value)
        with pytest.raises(DatabaseError) as info, transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE audit_auditevent SET object_repr = 'x'")
        assert "审计日志只能追加" in str(info.value)
        assert AuditEvent.objects.count() == 1

    def test_a_failed_flush_leaves_the_triggers_in_place(self):
        audit_record_standalone(actor=None, action=AuditAction.VIEW, object_type="orgs.Unit")
        with (
            mock.patch.object(connection.ops, "execute_sql_flush", side_effect=DatabaseError("x")),
            pytest.raises(CommandError),
        ):
            call_command("flush", interactive=False, verbosity=0)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute("DELETE FROM audit_auditevent")
        assert AuditEvent.objects.count() == 1


class NotInTransactionTests(TransactionTestCase):
    def test_it_refuses_to_write_an_event_outside_a_transaction(self):
        assert not connection.in_atomic_block
        with pytest.raises(NotInTransaction):
            audit_record(actor=None, action=AuditAction.VIEW, object_type="orgs.Unit")
        assert AuditEvent.objects.count() == 0

    def test_it_writes_a_standalone_event_in_its_own_transaction(self):
        audit_record_standalone(actor=None, action=AuditAction.VIEW, object_type="orgs.Unit")
        assert AuditEvent.objects.count() == 1
        assert verify_chain() == (1, [])


class RollbackTests(PersonaTestCase):
    def test_it_leaves_no_event_when_the_services_change_fails(self):
        grant = RoleGrant.objects.get(user=self.liaison_a)
        before = chain()
        with (
            mock.patch.object(RoleGrant, "delete", side_effect=RuntimeError("disk full")),
            pytest.raises(RuntimeError),
        ):
            grant_remove(acting_user=self.secadmin, grant=grant)
        assert RoleGrant.objects.filter(pk=grant.pk).exists()
        assert chain() == before
        assert not AuditEvent.objects.filter(action=AuditAction.REVOKE).exists()

    def test_it_rolls_the_event_back_with_the_callers_transaction(self):
        before = AuditEvent.objects.count()

        @transaction.atomic
        def grant_then_fail() -> None:
            grant_add(
                acting_user=self.secadmin, user=self.nobody, role=Role.LEADER, unit=self.units["a"]
            )
            raise RuntimeError("later step failed")

        with pytest.raises(RuntimeError):
            grant_then_fail()
        assert not RoleGrant.objects.filter(user=self.nobody).exists()
        assert AuditEvent.objects.count() == before

    def test_it_keeps_the_chain_gapless_after_a_rollback(self):
        grant = RoleGrant.objects.get(user=self.liaison_a)
        with (
            mock.patch.object(RoleGrant, "delete", side_effect=RuntimeError("disk full")),
            pytest.raises(RuntimeError),
        ):
            grant_remove(acting_user=self.secadmin, grant=grant)
        grant_remove(acting_user=self.secadmin, grant=grant)
        assert verify_chain()[1] == []


class SecretsNeverLoggedTests(PersonaTestCase):
    def test_it_never_logs_passwords_session_keys_tokens_or_full_id_numbers(self):
        user, one_time = user_create(
            acting_user=self.sysadmin,
            username="zhangsan",
            full_name="张三",
            unit=self.units["a"],
            id_number=parse_id_number(ID_NUMBER),
        )
        user_update(
            acting_user=self.sysadmin,
            user=user,
            version=user.version,
            id_number=parse_id_number(OTHER_ID),
        )
        password_change(user=user, old_password=one_time, new_password="Qz7#kmwpx")
        reset = user_reset_password(acting_user=self.sysadmin, user=user)
        _, raw_token = api_token_create(acting_user=self.liaison_a, name="报表")
        client = Client()
        client.post("/accounts/login/", {"username": "liaison_a", "password": PASSWORD})
        client.post("/accounts/login/", {"username": "liaison_a", "password": "Typo#Pass1"})
        page = self.client_for(self.sysadmin).post(
            "/accounts/users/new/",
            {"username": "lisi", "full_name": "李四", "id_number": OTHER_ID},
        )
        assert page.status_code == 302

        logged = serializers.serialize("json", AuditEvent.objects.order_by("seq"))
        secrets = {
            "full ID number": ID_NUMBER,
            "second full ID number": OTHER_ID,
            "one-time password": one_time,
            "chosen password": "Qz7#kmwpx",
            "reset password": reset,
            "persona password": PASSWORD,
            "mistyped password": "Typo#Pass1",
            "raw API token": raw_token,
        }
        secrets |= {f"hash of {u.username}": u.password for u in User.objects.all()}
        secrets |= {f"old hash {h.pk}": h.password for h in PasswordHistory.objects.all()}
        secrets |= {f"session {s.session_key}": s.session_key for s in Session.objects.all()}
        secrets |= {f"token {t.pk}": t.token_digest for t in ApiToken.objects.all()}
        leaked = [name for name, value in secrets.items() if value and value in logged]
        assert leaked == []

        # The ID number changes are still traceable, masked.
        update = AuditEvent.objects.get(
            action=AuditAction.UPDATE, object_id=str(user.pk), changes__has_key="before"
        )
        assert update.changes["before"]["id_number"] == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
        assert update.changes["after"]["id_number"] == OTHER_ID[:6] + "********" + OTHER_ID[-4:]
        assert json.dumps(update.changes).count("*") == 16

"""EncryptedIdNumberField: ciphertext at rest, digest lookups, fail-closed loading, and no
plaintext ID number in a dump of either database (docs/security.md, "Data protection").

Every class sets a valid field key explicitly so the tests do not depend on the development
default.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings

from accounts.models import User
from accounts.services import system_user_create, user_create
from core.crypto import DecryptionError, encrypt_text
from core.fields import id_number_digest
from core.idnumber import check_char
from core.permissions import Role
from zugong.testing import PersonaTestCase

TEST_FIELD_KEYS = "t1:" + base64.b64encode(bytes(range(7, 39))).decode()
PASSWORD = "Field#Test2026"


def valid_number(body17: str) -> str:
    return body17 + check_char(body17)


ID_A = "11010519491231002X"
ID_B = valid_number("51310119820113001")
ID_C = valid_number("13010119750606123")


def plaintext_fragments(value: str) -> list[str]:
    """The full number and the parts that would give it away: the 17-digit body, the 15
    characters in the middle, and the 15-digit legacy form."""
    return [value, value[:17], value[1:16], value[:6] + value[8:17]]


def raw_column(user_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_digest FROM accounts_user WHERE id = %s", [user_id]
        )
        return cursor.fetchone()


@override_settings(ZUGONG_FIELD_KEYS=TEST_FIELD_KEYS)
class EncryptedIdNumberFieldTests(PersonaTestCase):
    def create(self, username: str, id_number: str) -> User:
        user, _ = user_create(
            acting_user=self.sysadmin,
            username=username,
            full_name=username,
            id_number=id_number,
            password=PASSWORD,
        )
        return user

    def test_it_stores_ciphertext_not_the_number(self):
        user = self.create("cipher_a", ID_A)
        stored, digest = raw_column(user.pk)
        assert stored.startswith("zg1$t1$aes-gcm$")
        for fragment in plaintext_fragments(ID_A):
            assert fragment not in stored
        assert digest == id_number_digest(ID_A)
        assert ID_A not in digest

    def test_it_loads_the_number_back(self):
        user = self.create("cipher_b", ID_B)
        loaded = User.objects.get(pk=user.pk)
        assert loaded.id_number is not None
        assert loaded.id_number.value == ID_B
        assert loaded.id_number.masked() == ID_B[:6] + "********" + ID_B[-4:]

    def test_it_stores_the_normalised_number(self):
        user = self.create("cipher_c", "１１０１０５１９４９１２３１００２ｘ")
        assert User.objects.get(pk=user.pk).id_number.value == ID_A
        assert raw_column(user.pk)[1] == id_number_digest(ID_A)

    def test_it_finds_a_user_by_digest(self):
        user = self.create("cipher_d", ID_A)
        self.create("cipher_e", ID_B)
        found = User.objects.filter(id_number_digest=id_number_digest(ID_A))
        assert list(found) == [user]
        # The digest is of the normalised number, so another spelling finds the same person.
        assert list(User.objects.filter(id_number_digest=id_number_digest("110105491231002"))) == [
            user
        ]
        assert not User.objects.filter(id_number_digest=id_number_digest(ID_C)).exists()

    def test_it_refuses_lookups_on_the_ciphertext(self):
        self.create("cipher_f", ID_A)
        for lookup in ("id_number", "id_number__exact", "id_number__in", "id_number__contains"):
            value = [ID_A] if lookup.endswith("__in") else ID_A
            with pytest.raises(FieldError):
                User.objects.filter(**{lookup: value})

    def test_it_allows_isnull_lookups(self):
        with_number = self.create("cipher_g", ID_A)
        assert User.objects.filter(id_number__isnull=False).get() == with_number
        assert User.objects.filter(id_number__isnull=True).filter(pk=self.clerk.pk).exists()
        assert raw_column(self.clerk.pk) == (None, "")

    def test_it_refuses_an_invalid_number_on_save(self):
        with pytest.raises(ValidationError):
            self.create("cipher_h", "110105194912310021")
        assert not User.objects.filter(username="cipher_h").exists()

    def test_it_fails_closed_when_the_stored_value_is_tampered_with(self):
        user = self.create("cipher_i", ID_A)
        stored, _ = raw_column(user.pk)
        head, payload = stored.rsplit("$", 1)
        flipped = "A" if payload[20] != "A" else "B"
        tampered = f"{head}${payload[:20]}{flipped}{payload[21:]}"
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_user SET id_number = %s WHERE id = %s", [tampered, user.pk]
            )
        with pytest.raises(DecryptionError):
            User.objects.get(pk=user.pk)

    def test_it_refuses_a_ciphertext_moved_from_another_column(self):
        user = self.create("cipher_j", ID_A)
        foreign = encrypt_text(ID_A, purpose="accounts.User.totp_secret")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_user SET id_number = %s WHERE id = %s", [foreign, user.pk]
            )
        with pytest.raises(DecryptionError):
            User.objects.get(pk=user.pk)

    def test_it_dumps_ciphertext_with_dumpdata(self):
        users = [self.create(f"dump_{i}", n) for i, n in enumerate((ID_A, ID_B, ID_C))]
        out = io.StringIO()
        call_command("dumpdata", "accounts.User", stdout=out)
        dump = out.getvalue()
        for user in users:
            assert f'"username": "{user.username}"' in dump
        assert dump.count('"id_number": "zg1$t1$') == 3
        for value in (ID_A, ID_B, ID_C):
            for fragment in plaintext_fragments(value):
                assert fragment not in dump


@override_settings(ZUGONG_FIELD_KEYS=TEST_FIELD_KEYS)
class DatabaseDumpTests(TransactionTestCase):
    """Done when: a dump of either database contains no plaintext ID number."""

    numbers = (ID_A, ID_B, ID_C)

    def setUp(self) -> None:
        admin = system_user_create(
            username="dump_admin",
            full_name="系统管理员",
            password=PASSWORD,
            roles=[(Role.SYSADMIN, None)],
            must_change_password=False,
        )
        for i, number in enumerate(self.numbers):
            user_create(
                acting_user=admin,
                username=f"dumped_{i}",
                full_name=f"被导出{i}",
                id_number=number,
                password=PASSWORD,
            )

    def database_dump(self) -> str:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            return "\n".join(connection.connection.iterdump())
        if connection.vendor != "postgresql":
            pytest.skip(f"no dump tool for {connection.vendor}")
        pg_dump = shutil.which("pg_dump")
        assert pg_dump, "pg_dump is needed to check the PostgreSQL dump"
        db = connection.settings_dict
        env = dict(os.environ)
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = db["PASSWORD"]
        result = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
            [
                pg_dump,
                "--no-password",
                "-h",
                db.get("HOST") or "127.0.0.1",
                "-p",
                str(db.get("PORT") or 5432),
                "-U",
                db.get("USER") or "postgres",
                "-d",
                db["NAME"],
            ],
            capture_output=True,
            check=True,
            env=env,
            text=True,
            timeout=120,
        )
        return result.stdout

    def test_it_leaves_no_plaintext_id_number_in_a_database_dump(self):
        dump = self.database_dump()
        # The dump really holds the users and their encrypted numbers ...
        for i in range(len(self.numbers)):
            assert f"dumped_{i}" in dump
        assert dump.count("zg1$t1$aes-gcm$") >= len(self.numbers)
        # ... and nothing that would give a number away.
        for value in self.numbers:
            for fragment in plaintext_fragments(value):
                assert fragment not in dump, fragment

"""Field encryption: AES-GCM / SM4-GCM round trips, fail-closed decryption, key rotation,
and the keyed lookup digest.

Keys are set explicitly with ``override_settings``; ``core.crypto`` caches its keyring by the
(key spec, cipher) pair, so every override takes effect at once.
"""

from __future__ import annotations

import base64
from functools import cache

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from core.crypto import DecryptionError, decrypt_text, encrypt_text, lookup_digest

OLD_KEY = base64.b64encode(bytes(range(32))).decode()
NEW_KEY = base64.b64encode(bytes(range(100, 132))).decode()
SM4_KEY = base64.b64encode(bytes(range(16))).decode()
KEYS = f"a:{OLD_KEY}"
PURPOSE = "accounts.User.id_number"
PLAIN = "11010519491231002X"
BASE64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
REPLACEMENTS = st.sampled_from(BASE64_CHARS + "$-_.*!~ \n中")
CIPHERS = ("aes-gcm", "sm4-gcm")


def encrypted(cipher: str = "aes-gcm", keys: str = KEYS, plain: str = PLAIN) -> str:
    with override_settings(ZUGONG_FIELD_KEYS=keys, ZUGONG_FIELD_CIPHER=cipher):
        return encrypt_text(plain, purpose=PURPOSE)


def decrypted(token: str, keys: str = KEYS, purpose: str = PURPOSE) -> str:
    with override_settings(ZUGONG_FIELD_KEYS=keys):
        return decrypt_text(token, purpose=purpose)


def replace_at(text: str, position: int, char: str) -> str:
    return text[:position] + char + text[position + 1 :]


@cache
def token_for(cipher: str, keys: str = KEYS) -> str:
    """One ciphertext per cipher, made once: hypothesis then explores changes to it."""
    return encrypted(cipher, keys=keys)


def nonce_of(token: str) -> bytes:
    return base64.b64decode(token.split("$")[3])[:12]


@pytest.mark.parametrize("cipher", CIPHERS)
def test_it_round_trips(cipher):
    token = encrypted(cipher, plain="身份证 11010519491231002X")
    prefix, key_id, alg, payload = token.split("$")
    assert (prefix, key_id, alg) == ("zg1", "a", cipher)
    assert "11010519491231002X" not in token
    # 12-byte nonce + 27 bytes of UTF-8 text + 16-byte tag
    assert len(base64.b64decode(payload)) == 12 + len("身份证 11010519491231002X".encode()) + 16
    assert decrypted(token) == "身份证 11010519491231002X"


@pytest.mark.parametrize("cipher", CIPHERS)
def test_it_round_trips_with_a_sixteen_byte_key(cipher):
    keys = f"s:{SM4_KEY}"
    assert decrypted(encrypted(cipher, keys=keys), keys=keys) == PLAIN


@pytest.mark.parametrize("cipher", CIPHERS)
def test_it_uses_a_fresh_nonce_for_every_encryption(cipher):
    first, second = encrypted(cipher), encrypted(cipher)
    assert first != second
    assert nonce_of(first) != nonce_of(second)
    assert decrypted(first) == decrypted(second) == PLAIN


def test_it_binds_the_cipher_named_in_the_token():
    token = token_for("aes-gcm").replace("$aes-gcm$", "$sm4-gcm$")
    with pytest.raises(DecryptionError):
        decrypted(token)


@settings(max_examples=200, deadline=None)
@given(cipher=st.sampled_from(CIPHERS), data=st.data(), char=REPLACEMENTS)
def test_it_fails_closed_on_any_change_to_the_payload(cipher, data, char):
    token = token_for(cipher)
    head, payload = token.rsplit("$", 1)
    position = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    if char == payload[position]:
        char = "A" if payload[position] != "A" else "B"
    with pytest.raises(DecryptionError):
        decrypted(f"{head}${replace_at(payload, position, char)}")


@pytest.mark.parametrize("cipher", CIPHERS)
def test_it_fails_closed_on_every_change_of_the_last_payload_chars(cipher):
    # The characters next to the padding carry unused bits: a lax decoder would accept them.
    head, payload = token_for(cipher).rsplit("$", 1)
    data_end = len(payload.rstrip("="))
    for position in range(data_end - 2, len(payload)):
        for char in BASE64_CHARS:
            if char == payload[position]:
                continue
            with pytest.raises(DecryptionError):
                decrypted(f"{head}${replace_at(payload, position, char)}")


@settings(max_examples=200, deadline=None)
@given(
    cipher=st.sampled_from(CIPHERS),
    position=st.integers(min_value=0, max_value=len("fieldkey2026") - 1),
    char=REPLACEMENTS,
)
def test_it_fails_closed_on_any_change_to_the_key_id(cipher, position, char):
    keys = f"fieldkey2026:{OLD_KEY}"
    prefix, key_id, alg, payload = token_for(cipher, keys).split("$")
    assert key_id == "fieldkey2026"
    if char == key_id[position]:
        char = "X"
    with pytest.raises(DecryptionError):
        decrypted("$".join([prefix, replace_at(key_id, position, char), alg, payload]), keys=keys)


@settings(max_examples=200, deadline=None)
@given(cipher=st.sampled_from(CIPHERS), data=st.data(), char=st.characters(codec="utf-8"))
def test_it_fails_closed_on_any_change_to_the_purpose(cipher, data, char):
    position = data.draw(st.integers(min_value=0, max_value=len(PURPOSE) - 1))
    if char == PURPOSE[position]:
        char = "#" if PURPOSE[position] != "#" else "%"
    with pytest.raises(DecryptionError):
        decrypted(token_for(cipher), purpose=replace_at(PURPOSE, position, char))


def test_it_refuses_a_value_copied_to_another_column():
    with pytest.raises(DecryptionError):
        decrypted(token_for("aes-gcm"), purpose="family.Member.id_number")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a token",
        "zg1$a$aes-gcm",
        "zg2$a$aes-gcm$AAAA",
        "zg1$a$des$AAAA",
        "zg1$a$aes-gcm$AAAA",  # shorter than nonce + tag
        "zg1$a$aes-gcm$@@@@",
        "zg1$a$aes-gcm$$AAAA",
    ],
)
def test_it_fails_closed_on_malformed_tokens(token):
    with pytest.raises(DecryptionError):
        decrypted(token)


def test_it_keeps_decrypting_after_key_rotation():
    old_token = encrypted(keys=f"a:{OLD_KEY}")
    rotated = f"b:{NEW_KEY},a:{OLD_KEY}"
    assert decrypted(old_token, keys=rotated) == PLAIN
    new_token = encrypted(keys=rotated)
    assert new_token.split("$")[1] == "b"
    assert decrypted(new_token, keys=rotated) == PLAIN
    # The new token really is under the new key: the old key alone cannot open it.
    with pytest.raises(DecryptionError):
        decrypted(new_token, keys=f"a:{OLD_KEY}")


def test_it_refuses_an_unknown_key_id():
    with pytest.raises(DecryptionError, match="未知的密钥编号 a"):
        decrypted(token_for("aes-gcm"), keys=f"b:{NEW_KEY}")


def test_it_refuses_a_known_key_id_with_the_wrong_key():
    with pytest.raises(DecryptionError):
        decrypted(token_for("aes-gcm"), keys=f"a:{NEW_KEY}")


@pytest.mark.parametrize(
    "keys",
    ["", "a", "a:not-base64!", f"a-b:{OLD_KEY}", f"a:{base64.b64encode(b'x' * 31).decode()}"],
)
def test_it_refuses_a_bad_key_setting(keys):
    with pytest.raises(ImproperlyConfigured):
        encrypted(keys=keys)


def test_it_makes_a_deterministic_keyed_lookup_digest():
    with override_settings(ZUGONG_LOOKUP_KEY="lookup-key-one"):
        first = lookup_digest(PLAIN, purpose="id_number")
        assert lookup_digest(PLAIN, purpose="id_number") == first
        assert lookup_digest("110105194912310021", purpose="id_number") != first
        assert lookup_digest(PLAIN, purpose="other") != first
    with override_settings(ZUGONG_LOOKUP_KEY="lookup-key-two"):
        assert lookup_digest(PLAIN, purpose="id_number") != first
    assert len(first) == 64
    assert set(first) <= set("0123456789abcdef")


@pytest.mark.parametrize("cipher", CIPHERS)
def test_it_works_with_the_configured_keys(cipher):
    # The project's own key setting (the development default in tests) must be usable: a key
    # of the wrong length would make every save of an ID number fail.
    with override_settings(ZUGONG_FIELD_CIPHER=cipher):
        token = encrypt_text(PLAIN, purpose=PURPOSE)
        assert decrypt_text(token, purpose=PURPOSE) == PLAIN

"""Field encryption (AES-256-GCM by default, SM4-GCM selectable) and keyed lookup digests.

Ciphertext format: ``zg1$<key id>$<alg>$<base64(nonce ‖ ciphertext ‖ tag)>``. The key id lets
keys rotate: the first key in ZUGONG_FIELD_KEYS encrypts, every listed key decrypts. The
purpose string is bound as associated data, so a ciphertext copied into another column does
not decrypt. Keys live in settings (environment or *_FILE), never in the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "zg1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """A ciphertext that is malformed, tampered with, or under an unknown key (fail closed).

    ``purpose`` names the column (``cadres.Cadre.id_number``) for the auditor's security
    event (audit/middleware.py)."""

    purpose: str = ""


def _parse_keys(spec: str) -> list[tuple[str, bytes]]:
    keys: list[tuple[str, bytes]] = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, b64 = item.partition(":")
        if not sep or not key_id.isalnum():
            raise ImproperlyConfigured("ZUGONG_FIELD_KEYS must look like 'id:base64key,…'")
        try:
            key = base64.b64decode(b64, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"ZUGONG_FIELD_KEYS key {key_id!r} is not base64") from exc
        keys.append((key_id, key))
    if not keys:
        raise ImproperlyConfigured("ZUGONG_FIELD_KEYS is empty")
    return keys


@lru_cache(maxsize=8)
def _keyring(spec: str, cipher: str) -> tuple[str, dict[str, bytes]]:
    keys = _parse_keys(spec)
    want = 32 if cipher == "aes-gcm" else 16
    for key_id, key in keys:
        # SM4 is a 128-bit cipher: a 32-byte key is reduced by HKDF-like hashing so one key
        # setting can serve either algorithm.
        if len(key) not in (16, 24, 32):
            raise ImproperlyConfigured(f"field key {key_id!r} must be 16, 24 or 32 bytes")
    derived = {key_id: _fit_key(key, want) for key_id, key in keys}
    return keys[0][0], derived


def _fit_key(key: bytes, size: int) -> bytes:
    if len(key) == size:
        return key
    return hashlib.sha256(b"zugong-field-key|" + key).digest()[:size]


def _encrypt_raw(alg: str, key: bytes, nonce: bytes, plain: bytes, aad: bytes) -> bytes:
    if alg == "aes-gcm":
        return AESGCM(key).encrypt(nonce, plain, aad)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plain) + encryptor.finalize()
    return body + encryptor.tag


def _decrypt_raw(alg: str, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if alg == "aes-gcm":
        return AESGCM(key).decrypt(nonce, data, aad)
    body, tag = data[:-TAG_BYTES], data[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


def encrypt_text(plain: str, *, purpose: str) -> str:
    """Encrypt ``plain`` for storage; ``purpose`` (e.g. ``accounts.User.id_number``) is bound."""
    alg = settings.ZUGONG_FIELD_CIPHER
    key_id, keys = _keyring(settings.ZUGONG_FIELD_KEYS, alg)
    nonce = os.urandom(NONCE_BYTES)
    sealed = _encrypt_raw(alg, keys[key_id], nonce, plain.encode(), purpose.encode())
    return f"{PREFIX}${key_id}${alg}$" + base64.b64encode(nonce + sealed).decode()


def decrypt_text(token: str, *, purpose: str) -> str:
    """Decrypt a stored value; any tampering or unknown key raises ``DecryptionError``."""
    try:
        return _decrypt_text(token, purpose=purpose)
    except DecryptionError as exc:
        exc.purpose = purpose
        raise


def _decrypt_text(token: str, *, purpose: str) -> str:
    try:
        prefix, key_id, alg, b64 = token.split("$")
    except ValueError as exc:
        raise DecryptionError("密文格式错误") from exc
    if prefix != PREFIX or alg not in {"aes-gcm", "sm4-gcm"}:
        raise DecryptionError("密文格式错误")
    _, keys = _keyring(settings.ZUGONG_FIELD_KEYS, alg)
    if key_id not in keys:
        raise DecryptionError(f"未知的密钥编号 {key_id}")
    try:
        raw = base64.b64decode(b64, validate=True)
        if base64.b64encode(raw).decode() != b64:
            # Non-canonical base64 (altered padding bits) decodes to the same bytes: refuse it
            # so that any change to a stored value fails closed.
            raise DecryptionError("密文格式错误")
        nonce, data = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        if len(nonce) != NONCE_BYTES or len(data) < TAG_BYTES:
            raise DecryptionError("密文长度错误")
        return _decrypt_raw(alg, keys[key_id], nonce, data, purpose.encode()).decode()
    except (binascii.Error, InvalidTag, ValueError, UnicodeDecodeError) as exc:
        raise DecryptionError("密文校验失败（可能被篡改）") from exc


BYTES_PREFIX = PREFIX.encode() + b"b"


def encrypt_bytes(plain: bytes, *, purpose: str) -> bytes:
    """Encrypt a file's bytes with the field key ring (same cipher and key rotation as
    ``encrypt_text``): ``zg1b$<key id>$<alg>$`` then nonce ‖ ciphertext ‖ tag, unencoded."""
    alg = settings.ZUGONG_FIELD_CIPHER
    key_id, keys = _keyring(settings.ZUGONG_FIELD_KEYS, alg)
    nonce = os.urandom(NONCE_BYTES)
    sealed = _encrypt_raw(alg, keys[key_id], nonce, plain, purpose.encode())
    return BYTES_PREFIX + f"${key_id}${alg}$".encode() + nonce + sealed


def decrypt_bytes(blob: bytes, *, purpose: str) -> bytes:
    """Decrypt what ``encrypt_bytes`` wrote; anything else raises ``DecryptionError``."""
    try:
        prefix, key_id_raw, alg_raw, raw = blob.split(b"$", 3)
        key_id, alg = key_id_raw.decode("ascii"), alg_raw.decode("ascii")
    except (ValueError, UnicodeDecodeError) as exc:
        raise DecryptionError("密文格式错误") from exc
    if prefix != BYTES_PREFIX or alg not in {"aes-gcm", "sm4-gcm"}:
        raise DecryptionError("密文格式错误")
    _, keys = _keyring(settings.ZUGONG_FIELD_KEYS, alg)
    if key_id not in keys:
        raise DecryptionError(f"未知的密钥编号 {key_id}")
    nonce, data = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    if len(nonce) != NONCE_BYTES or len(data) < TAG_BYTES:
        raise DecryptionError("密文长度错误")
    try:
        return _decrypt_raw(alg, keys[key_id], nonce, data, purpose.encode())
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("密文校验失败（可能被篡改）") from exc


def lookup_digest(value: str, *, purpose: str) -> str:
    """Keyed hash for equality search on an encrypted column (HMAC-SHA256, hex)."""
    key = settings.ZUGONG_LOOKUP_KEY.encode()
    return hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()

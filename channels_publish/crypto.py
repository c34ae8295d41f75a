"""Channel credentials at rest: encrypted with MultiFernet over ``NEWSROOM_FERNET_KEYS``.

The first key encrypts; every key decrypts. To rotate: put a new key first, run
``manage.py rotate_credentials`` (re-encrypts every account with the new key), then drop the
old key.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CredentialsUnreadable(Exception):
    """No configured key opens the stored credentials (a key was dropped too early)."""


def _fernet() -> MultiFernet:
    keys = settings.NEWSROOM_FERNET_KEYS
    if not keys:
        raise ImproperlyConfigured("NEWSROOM_FERNET_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "NEWSROOM_FERNET_KEYS holds a key that is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from exc


def encrypt(credentials: dict) -> str:
    return _fernet().encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise CredentialsUnreadable(
            "The stored credentials cannot be decrypted with any configured key."
        ) from None


def rotate(token: str) -> str:
    """The same credentials, encrypted with the first (newest) key."""
    if not token:
        return token
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise CredentialsUnreadable(
            "The stored credentials cannot be decrypted with any configured key."
        ) from None

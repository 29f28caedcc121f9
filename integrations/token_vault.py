"""Encrypt OAuth tokens at rest with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``).

The key is MIXMAP_TOKEN_KEY when set (a Fernet key, or any long string, which is stretched with
HKDF), else it is derived from SECRET_KEY with HKDF under its own label, so the session-signing key
is never used directly as an encryption key. Changing either key makes stored tokens unreadable:
``TokenVault.open`` then raises ``UnreadableToken`` and the user is asked to connect again.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_HKDF_INFO = b"mixmap oauth token encryption v1"


class UnreadableToken(ValueError):
    """A stored token cannot be decrypted with the current key (the key changed)."""


def _derive(secret: str) -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw)


def fernet_key(secret_key: str, token_key: str | None = None) -> bytes:
    """The Fernet key: MIXMAP_TOKEN_KEY as given when it is one, else derived with HKDF."""
    if token_key:
        try:
            Fernet(token_key.encode("ascii"))
            return token_key.encode("ascii")
        except (ValueError, UnicodeEncodeError):
            return _derive(token_key)
    if not secret_key:
        raise ValueError("SECRET_KEY is empty: tokens cannot be encrypted.")
    return _derive(secret_key)


class TokenVault:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, token: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(token, sort_keys=True).encode("utf-8")).decode()

    def open(self, sealed: str) -> dict[str, Any]:
        try:
            return json.loads(self._fernet.decrypt(sealed.encode("ascii")))
        except (InvalidToken, ValueError) as error:
            raise UnreadableToken("The stored token cannot be decrypted.") from error

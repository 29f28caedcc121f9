"""Password hashes: Argon2id at OWASP's parameters, older hashes still verified and upgraded.

OWASP's Password Storage Cheat Sheet puts Argon2id first, with at least 19 MiB of memory, two
passes and one lane. Argon2id was chosen over scrypt at N = 2^17 (werkzeug's
``scrypt:131072:8:1``), which needs 128 MiB per hash: a 512 MB dyno with eight request threads
could not log eight people in at once. Hashes made earlier (werkzeug's ``scrypt:32768:8:1``, the
demo listeners' logins) still verify; ``needs_rehash`` tells the login to store a new one.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from werkzeug.security import check_password_hash

ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1

_hasher = PasswordHasher(
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_KIB,
    parallelism=ARGON2_PARALLELISM,
    type=Type.ID,
)


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (Argon2id, or an older werkzeug hash)."""
    if stored.startswith("$argon2"):
        try:
            return _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    # werkzeug's "method$salt$hash" formats (scrypt, pbkdf2) from before Argon2id.
    try:
        return check_password_hash(stored, password)
    except ValueError:
        return False


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made with other parameters (or another algorithm) than today's."""
    if not stored.startswith("$argon2"):
        return True
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True

"""Accounts: register, authenticate, change password, delete; the rules a password must meet.

Passwords are hashed with Argon2id (``services.passwords``); an older hash is replaced at the next
successful login. A failed login costs the same whether or not the email exists (a dummy hash is
checked), and says only "email or password is wrong"; registering answers the same way whether or
not the email is taken, so neither form tells who has an account.

Each account has a session generation that is part of every session id: ``end_sessions`` (logout)
and a password change bump it, so every session and remember-me cookie issued before stops working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from dashapp.services.passwords import hash_password, needs_rehash, verify_password
from db.models import User, utcnow
from db.session import session_scope

MIN_PASSWORD_LENGTH = 10
# A handful of passwords that meet the length rule and are still the first thing an attacker tries.
COMMON_PASSWORDS = frozenset(
    {"1234567890", "0123456789", "qwertyuiop", "password12", "password123", "iloveyou12"}
)
# Deliberately loose: the address is only an identifier (no mail is sent); this catches typos.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 80
# Checked when the email is unknown, so both failure paths spend one hash verification.
_DUMMY_HASH = hash_password("not a real password")


class AccountError(ValueError):
    """Something the user can fix; the message says what."""


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    display_name: str
    is_admin: bool
    # Sessions and remember-me cookies carry it; logout and password changes bump it, which ends
    # every session issued before.
    session_generation: int
    created_at: datetime


def _account(user: User) -> Account:
    return Account(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        is_admin=user.is_admin,
        session_generation=user.session_generation or 0,
        created_at=user.created_at,
    )


def normalise_email(email: str) -> str:
    """The email as accounts are keyed on: trimmed and lower-cased."""
    return email.strip().lower()


def check_email(email: str) -> str:
    """The normalised email, or an ``AccountError`` saying what a valid one looks like."""
    email = normalise_email(email)
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.match(email):
        raise AccountError("Enter a valid email address, like name@example.com.")
    return email


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is too weak, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(set(password)) < 4:
        return "Use more different characters."
    if password.lower() in COMMON_PASSWORDS:
        return "That password is too common; choose another."
    local_part = normalise_email(email).split("@")[0]
    if len(local_part) >= 4 and local_part in password.lower():
        return "Do not use your email address in your password."
    return None


class EmailTaken(AccountError):
    """Registration with an email that has an account. Callers must not reveal this to the
    client (see ``dashapp.auth.register``); the existing account is left untouched."""


def register(email: str, password: str, display_name: str = "") -> Account:
    """Create a password account; ``AccountError`` when the email is taken or the password weak."""
    email = check_email(email)
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    display_name = " ".join(display_name.split())[:MAX_DISPLAY_NAME_LENGTH] or email.split("@")[0]
    # Hash before looking: a taken email costs the same time as a new one.
    password_hash = hash_password(password)
    with session_scope(write=True) as session:
        taken = session.scalar(select(User.id).where(User.email == email))
        if taken is not None:
            raise EmailTaken("An account with that email already exists.")
        user = User(
            email=email,
            display_name=display_name,
            password_hash=password_hash,
            last_login_at=utcnow(),
        )
        session.add(user)
        session.flush()
        return _account(user)


def authenticate(email: str, password: str) -> Account | None:
    """The account for these credentials, or None; the same work either way.

    A correct password stored with older hash parameters is re-hashed with today's.
    """
    with session_scope(write=True) as session:
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        stored = user.password_hash if user is not None and user.password_hash else None
        matches = verify_password(stored or _DUMMY_HASH, password)
        if user is None or stored is None or not matches:
            return None
        if needs_rehash(stored):
            user.password_hash = hash_password(password)
        user.last_login_at = utcnow()
        return _account(user)


def end_sessions(user_id: int) -> None:
    """Log the user out everywhere: sessions and remember-me cookies issued so far stop working."""
    with session_scope(write=True) as session:
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(session_generation=User.session_generation + 1)
        )


def get_account(user_id: int) -> Account | None:
    """The password account with this id, or None (deleted, or a demo listener)."""
    with session_scope() as session:
        user = session.get(User, user_id)
        if user is None or user.password_hash is None:
            return None
        return _account(user)


def change_password(user_id: int, current_password: str, new_password: str) -> Account:
    """Replace the password after checking the current one; ends the user's other sessions."""
    with session_scope(write=True) as session:
        user = session.get(User, user_id)
        if user is None or user.password_hash is None:
            raise AccountError("This account no longer exists.")
        if not verify_password(user.password_hash, current_password):
            raise AccountError("Your current password is wrong.")
        problem = password_problem(new_password, user.email)
        if problem:
            raise AccountError(problem)
        if new_password == current_password:
            raise AccountError("Choose a password different from the current one.")
        user.password_hash = hash_password(new_password)
        user.session_generation = (user.session_generation or 0) + 1
        return _account(user)


def delete_account(user_id: int, password: str) -> None:
    """Delete the user and (ON DELETE CASCADE) their feedback, bans, preferences and playlists."""
    with session_scope(write=True) as session:
        user = session.get(User, user_id)
        if user is None or user.password_hash is None:
            raise AccountError("This account no longer exists.")
        if not verify_password(user.password_hash, password):
            raise AccountError("Your password is wrong; the account was not deleted.")
        session.delete(user)


def set_admin(email: str, is_admin: bool = True) -> Account:
    """Grant (or withdraw) the administrator role by email (``flask users make-admin``)."""
    with session_scope(write=True) as session:
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None or user.password_hash is None:
            raise AccountError(f"No account with the email {email!r}.")
        user.is_admin = is_admin
        return _account(user)


@dataclass(frozen=True)
class UserCounts:
    accounts: int
    admins: int
    demo_listeners: int
    active_last_7_days: int


def user_counts(now: datetime | None = None) -> UserCounts:
    """How many accounts, administrators, demo listeners and recent logins there are."""
    since = (now or utcnow()) - timedelta(days=7)
    with session_scope() as session:
        real = User.password_hash.is_not(None)
        return UserCounts(
            accounts=session.scalar(select(func.count()).where(real)) or 0,
            admins=session.scalar(select(func.count()).where(real, User.is_admin)) or 0,
            demo_listeners=session.scalar(select(func.count()).where(User.is_demo)) or 0,
            active_last_7_days=session.scalar(
                select(func.count()).where(real, User.last_login_at >= since)
            )
            or 0,
        )

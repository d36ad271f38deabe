"""Console accounts: HR and facilitators. Passwords are stored only as werkzeug hashes.

HR can do everything in the console; a facilitator reads rounds, moderates comments and
downloads reports, but never creates rounds or invite codes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import cast

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from .connection import write_transaction
from .errors import InvalidInput, NotFound
from .text_rules import unsafe_characters

ROLES = ("hr", "facilitator")
MIN_PASSWORD_LENGTH = 10
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# werkzeug's default; the tests swap in a cheap one (tests/conftest.py), not for a user.
PASSWORD_HASH_METHOD = "scrypt"


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the account does not exist, so a wrong email takes as long as
    a wrong password and the timing does not tell which accounts exist. Made on first use:
    hashing takes a tenth of a second that a worker serving respondents never needs."""
    return generate_password_hash("not-a-real-password", method=method)


@dataclass(frozen=True)
class User:
    email: str
    role: str
    created_on: str
    session_version: int = 0

    def get_id(self) -> str:
        """What the session cookie holds: the account's session version (which logging
        out raises, so a cookie saved before logout stops working), its role (so a role
        change ends the sessions of the old role) and its email."""
        return f"{self.session_version}:{self.role}:{self.email}"

    def has_session(self, session_id: str) -> bool:
        """Whether a session cookie's id (see get_id) still belongs to this account."""
        return session_id == self.get_id()

    @property
    def is_hr(self) -> bool:
        return self.role == "hr"

    # What Flask-Login asks of a user object (its UserMixin gives the same answers).
    is_authenticated = True
    is_active = True
    is_anonymous = False


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _fresh_session_version() -> int:
    """A new account's first session version: random, so an address removed and added
    again does not restart where the cookies of its earlier account were issued."""
    return secrets.randbits(62)


def _password_hash(password: str) -> str:
    """The stored hash of an acceptable password; InvalidInput for a short one."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "The password must have at least %(min)s characters.", min=MIN_PASSWORD_LENGTH
        )
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


def add_user(db: Database, email: str, role: str, password: str) -> User:
    """Create an account; raise InvalidInput for a bad email, role or short password."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or unsafe_characters(email):
        raise InvalidInput("'%(email)s' is not an email address.", email=email)
    if role not in ROLES:
        raise InvalidInput(
            "Unknown role '%(role)s'; use %(roles)s.", role=role, roles=" or ".join(ROLES)
        )
    password_hash = _password_hash(password)
    with write_transaction(db):
        if find_user(db, email) is not None:
            raise InvalidInput("An account %(email)s already exists.", email=email)
        db.table("users").insert(
            {
                "email": email,
                "role": role,
                "password_hash": password_hash,
                "created_on": dt.date.today().isoformat(),
                "session_version": _fresh_session_version(),
            }
        )
    return cast(User, find_user(db, email))  # found: it was inserted just above


def find_user(db: Database, email: str) -> User | None:
    rows = list(
        db.query(
            "SELECT email, role, created_on, session_version FROM users WHERE email = ?",
            [normalise_email(email)],
        )
    )
    return User(**rows[0]) if rows else None


def list_users(db: Database) -> list[User]:
    return [
        User(**row)
        for row in db.query(
            "SELECT email, role, created_on, session_version FROM users ORDER BY email"
        )
    ]


def _existing(db: Database, email: str) -> User:
    """The account, or NotFound; call inside the write transaction that changes it."""
    user = find_user(db, email)
    if user is None:
        raise NotFound("There is no account %(email)s.", email=normalise_email(email))
    return user


def remove_user(db: Database, email: str) -> None:
    """Delete an account; its audit log lines stay (they name the email as written)."""
    with write_transaction(db):
        db.execute("DELETE FROM users WHERE email = ?", [_existing(db, email).email])


def set_password(db: Database, email: str, password: str) -> None:
    """A password reset: the new password, and every session of the account ends (a
    cookie saved under the old password opens nothing)."""
    password_hash = _password_hash(password)
    with write_transaction(db):
        db.execute(
            "UPDATE users SET password_hash = ?, session_version = session_version + 1 "
            "WHERE email = ?",
            [password_hash, _existing(db, email).email],
        )


def authenticate(db: Database, email: str, password: str) -> User | None:
    """The account when the password matches, else None (same work either way)."""
    rows = list(
        db.query("SELECT password_hash FROM users WHERE email = ?", [normalise_email(email)])
    )
    # Made on the first login either way, so its time tells nothing.
    dummy = _dummy_hash(PASSWORD_HASH_METHOD)
    stored = rows[0]["password_hash"] if rows else dummy
    if check_password_hash(stored, password or "") and rows:
        return find_user(db, email)
    return None


def device_fingerprint(db: Database, email: str) -> str | None:
    """What a browser that logged in to this account keeps to be known again (see the
    console's known-device cookie): derived from the stored password hash, so a password
    reset, or removing the account and adding it again, forgets every known device. None
    for an unknown account."""
    rows = list(
        db.query("SELECT email, password_hash FROM users WHERE email = ?", [normalise_email(email)])
    )
    if not rows:
        return None
    material = f"{rows[0]['email']}\0{rows[0]['password_hash']}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def end_sessions(db: Database, email: str) -> None:
    """Logout: every session cookie issued to this account so far stops working."""
    with write_transaction(db):
        db.execute(
            "UPDATE users SET session_version = session_version + 1 WHERE email = ?",
            [normalise_email(email)],
        )

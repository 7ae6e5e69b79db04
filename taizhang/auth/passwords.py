"""Password hashing (argon2id) and one-time passwords for new accounts."""

from __future__ import annotations

import secrets
import string

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters (RFC 9106, low memory)
_ALPHABET = string.ascii_letters + string.digits
# Verifying against this keeps the time for an unknown user equal to a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def use_parameters(parameters: Parameters) -> None:
    """Hash with other argon2 parameters from now on, in this process. Only the test suite calls this
    (with ``argon2.profiles.CHEAPEST``, so that thousands of logins take seconds, not minutes); hashes
    made with the recommended parameters still verify, and ``needs_rehash`` reports the difference."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(parameters)
    _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def one_time_password(length: int = 16) -> str:
    """A random password with upper, lower case and digits, for an account's first login."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.isupper() for c in candidate) and any(c.islower() for c in candidate) and any(
            c.isdigit() for c in candidate
        ):
            return candidate

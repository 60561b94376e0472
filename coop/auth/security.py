"""Password hashing (Argon2) and signed bearer tokens.

Tokens are signed with the secret resolved at start (coop/app_secret.py), never with a short one: a token
under a guessable key is a sign-in for anyone.
"""

from __future__ import annotations

from datetime import timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from coop.app_secret import MIN_SECRET_BYTES
from coop.clock import utcnow

_hasher = PasswordHasher()
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def issue_token(user_id: int, *, secret: str, minutes: int) -> str:
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"refusing to sign a token with a secret shorter than {MIN_SECRET_BYTES} bytes")
    now = utcnow()
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_token(token: str, *, secret: str) -> int | None:
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM])
        return int(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError):
        return None

"""The signing secret: a published or short COOP_SECRET_KEY is refused; a made one is long and random."""

from __future__ import annotations

import jwt
import pytest

from coop.app_secret import KNOWN_DEVELOPMENT_SECRETS, MIN_SECRET_BYTES, UnsafeSecret, check_configured, new_secret
from coop.config import Settings

OLD_DEV_SECRET = "dev-only-secret-change-me-for-production-0123456789"


def test_the_secret_once_published_in_the_source_is_refused():
    assert OLD_DEV_SECRET in KNOWN_DEVELOPMENT_SECRETS
    with pytest.raises(UnsafeSecret, match="development value"):
        check_configured(OLD_DEV_SECRET)


def test_a_secret_shorter_than_32_bytes_is_refused_and_32_are_enough():
    with pytest.raises(UnsafeSecret, match="shorter than 32 bytes"):
        check_configured("x" * (MIN_SECRET_BYTES - 1))
    check_configured("x" * MIN_SECRET_BYTES)


def test_no_secret_is_configured_by_default(monkeypatch):
    monkeypatch.delenv("COOP_SECRET_KEY", raising=False)
    assert Settings(_env_file=None).secret_key == ""


def test_made_secrets_are_long_and_never_the_same():
    made = {new_secret() for _ in range(5)}
    assert len(made) == 5
    assert all(len(secret.encode()) >= 48 for secret in made)


def test_tokens_are_never_signed_or_accepted_under_a_short_secret():
    from coop.auth.security import issue_token, user_id_from_token

    with pytest.raises(ValueError, match="shorter than 32 bytes"):
        issue_token(1, secret="short", minutes=5)
    long_secret = "x" * MIN_SECRET_BYTES
    token = issue_token(1, secret=long_secret, minutes=5)
    assert user_id_from_token(token, secret=long_secret) == 1
    assert user_id_from_token(jwt.encode({"sub": "1"}, "short", algorithm="HS256"), secret="short") is None

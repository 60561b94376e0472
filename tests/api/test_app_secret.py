"""Issue 29: nobody signs in with a published secret. Unset, the secret is the installation's own, kept in the
database so that restarts and every process agree; `coop rotate-secret` signs everyone out."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlmodel import Session
from typer.testing import CliRunner

from cli.main import app as cli
from coop.app_secret import UnsafeSecret, resolve_secret
from coop.auth.security import issue_token
from coop.config import Settings, get_settings
from coop.db import make_engine
from server.app import create_app
from tests.conftest import SECRET
from tests.factories import make_user
from tests.unit.test_app_secret import OLD_DEV_SECRET


@pytest.fixture(autouse=True)
def no_secret_in_the_environment(monkeypatch):
    monkeypatch.delenv("COOP_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def unconfigured(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url, embedded_worker=False, mail_sender="log")


def serve(url: str, secret_key: str = ""):
    settings = unconfigured(url).model_copy(update={"secret_key": secret_key})
    application = create_app(settings)
    return application, TestClient(application)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def forged(secret: str, user_id: int = 1) -> str:
    return jwt.encode({"sub": str(user_id)}, secret, algorithm="HS256")


def test_a_token_forged_with_the_old_development_secret_is_refused(demo_db_url):
    application, client = serve(demo_db_url)
    try:
        assert client.get("/api/me", headers=bearer(forged(OLD_DEV_SECRET))).status_code == 401
        # The same claims signed with the installation's secret are a coordinator's: the refusal is the secret's.
        me = client.get("/api/me", headers=bearer(forged(application.state.secret_key)))
        assert me.status_code == 200 and me.json()["email"] == "coordinator@demo.coop"
    finally:
        application.state.engine.dispose()


def test_a_web_session_forged_with_the_old_development_secret_is_not_signed_in(demo_db_url):
    def cookie(secret: str) -> str:
        return TimestampSigner(secret).sign(base64.b64encode(json.dumps({"user_id": 1}).encode())).decode()

    application, client = serve(demo_db_url)
    try:
        client.cookies.set("coop_session", cookie(OLD_DEV_SECRET))
        refused = client.get("/coordinator", follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/sign-in")
        client.cookies.set("coop_session", cookie(application.state.secret_key))
        assert client.get("/coordinator", follow_redirects=False).status_code == 200
    finally:
        application.state.engine.dispose()


def test_a_fresh_install_makes_a_random_secret_that_survives_a_restart(demo_db_url):
    first, client = serve(demo_db_url)
    secret = first.state.secret_key
    token = client.post("/api/auth/token", data={"username": "coordinator@demo.coop", "password": "cymru-demo"})
    first.state.engine.dispose()
    assert len(secret.encode()) >= 32 and secret not in (OLD_DEV_SECRET, SECRET)

    again, client = serve(demo_db_url)
    try:
        assert again.state.secret_key == secret
        assert client.get("/api/me", headers=bearer(token.json()["access_token"])).status_code == 200
    finally:
        again.state.engine.dispose()


def test_processes_starting_at_once_agree_on_one_secret(db_url):
    engines = [make_engine(db_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            secrets = set(pool.map(resolve_secret, engines))
    finally:
        for engine in engines:
            engine.dispose()
    assert len(secrets) == 1


def test_a_configured_secret_is_used_instead_of_the_database_one(db_url):
    application, _client = serve(db_url, secret_key=SECRET)
    application.state.engine.dispose()
    assert application.state.secret_key == SECRET


@pytest.mark.parametrize("secret", [OLD_DEV_SECRET, "short-secret"])
def test_the_app_refuses_to_start_with_a_published_or_short_secret(db_url, secret):
    with pytest.raises(UnsafeSecret, match="COOP_SECRET_KEY"):
        create_app(unconfigured(db_url).model_copy(update={"secret_key": secret}))


def test_rotating_the_secret_signs_everyone_out(db_url, monkeypatch):
    application, _client = serve(db_url)
    old = application.state.secret_key
    application.state.engine.dispose()
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            user_id = make_user(session, roles={"coordinator"}).id
    finally:
        engine.dispose()
    token = issue_token(user_id, secret=old, minutes=60)

    monkeypatch.setenv("COOP_DATABASE_URL", db_url)
    rotated = CliRunner().invoke(cli, ["rotate-secret"])
    assert rotated.exit_code == 0, rotated.output

    application, client = serve(db_url)
    try:
        assert application.state.secret_key != old
        assert client.get("/api/me", headers=bearer(token)).status_code == 401
        fresh = issue_token(user_id, secret=application.state.secret_key, minutes=60)
        assert client.get("/api/me", headers=bearer(fresh)).status_code == 200
    finally:
        application.state.engine.dispose()


def test_rotate_secret_says_to_change_coop_secret_key_when_it_is_set(db_url, monkeypatch):
    monkeypatch.setenv("COOP_DATABASE_URL", db_url)
    monkeypatch.setenv("COOP_SECRET_KEY", SECRET)
    refused = CliRunner().invoke(cli, ["rotate-secret"])
    assert refused.exit_code == 2 and "COOP_SECRET_KEY is set" in refused.output

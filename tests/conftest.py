"""Fixtures: every database test runs on SQLite and, when COOP_TEST_POSTGRES_URL is set, PostgreSQL.

In CI (CI=true) PostgreSQL is required: the run fails rather than quietly testing SQLite alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session

from coop.auth.models import User
from coop.auth.security import issue_token
from coop.config import Settings
from coop.db import make_engine
from coop.migrate import upgrade
from server.app import create_app
from tests.databases import PostgresDatabases, SQLiteDatabases

POSTGRES_URL = os.environ.get("COOP_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"


def pytest_sessionstart(session):
    if IN_CI and not POSTGRES_URL:
        pytest.exit("CI=true but COOP_TEST_POSTGRES_URL is not set: the PostgreSQL half would be skipped.", 3)
    if POSTGRES_URL:
        try:
            engine = create_engine(POSTGRES_URL)
            with engine.connect() as connection:
                connection.execute(text("select 1"))
            engine.dispose()
        except Exception as error:  # noqa: BLE001
            pytest.exit(f"PostgreSQL at COOP_TEST_POSTGRES_URL is unreachable: {error}", 3)


@pytest.fixture(scope="session")
def database_servers(tmp_path_factory) -> Iterator[dict]:
    servers = {"sqlite": SQLiteDatabases(tmp_path_factory.mktemp("sqlite"))}
    if POSTGRES_URL:
        servers["postgresql"] = PostgresDatabases(POSTGRES_URL)
    yield servers
    for server in servers.values():
        server.close()


@pytest.fixture(scope="session")
def templates(database_servers) -> dict:
    """Lazily built template databases, keyed by (backend, label)."""
    return {}


def _template(database_servers, templates, backend: str, label: str, build) -> str:
    key = (backend, label)
    if key not in templates:
        templates[key] = database_servers[backend].create_template(label, build)
    return templates[key]


def _fresh(request, database_servers, templates, label: str, build) -> Iterator[str]:
    backend = request.param
    server = database_servers[backend]
    url = server.copy(_template(database_servers, templates, backend, label, build))
    yield url
    server.drop(url)


def _migrated(url: str) -> None:
    upgrade(url)


def _demo(url: str) -> None:
    import demo

    upgrade(url)
    engine = make_engine(url)
    try:
        demo.load_if_empty(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, database_servers, templates) -> Iterator[str]:
    """An empty, migrated database of its own for this test."""
    yield from _fresh(request, database_servers, templates, "empty", _migrated)


@pytest.fixture(params=BACKENDS)
def demo_db_url(request, database_servers, templates) -> Iterator[str]:
    """A database of its own holding the demo co-op."""
    yield from _fresh(request, database_servers, templates, "demo", _demo)


def _engine(url: str):
    # The test's own session observes and arranges; it must not hold SQLite's write lock while it reads.
    engine = make_engine(url, sqlite_immediate=False)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(db_url):
    yield from _engine(db_url)


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def _settings(url: str) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, embedded_worker=False, mail_sender="log")


@pytest.fixture
def settings(db_url) -> Settings:
    return _settings(db_url)


@pytest.fixture
def app(settings):
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def api(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def demo_settings(demo_db_url) -> Settings:
    return _settings(demo_db_url)


@pytest.fixture
def demo_app(demo_settings):
    application = create_app(demo_settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def demo_api(demo_app) -> Iterator[TestClient]:
    with TestClient(demo_app) as test_client:
        yield test_client


@pytest.fixture
def demo_session(demo_db_url) -> Iterator[Session]:
    engine = make_engine(demo_db_url, sqlite_immediate=False)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def bearer(user: User) -> dict[str, str]:
    """Authorization headers for a user, without the cost of a password check."""
    return {"Authorization": f"Bearer {issue_token(user.id, secret=SECRET, minutes=60)}"}


def sign_in(test_client: TestClient, email: str, password: str) -> dict[str, str]:
    """Sign in through the real password flow and return the Authorization headers."""
    response = test_client.post("/api/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}

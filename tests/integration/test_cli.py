"""The `coop` command line: migrate an empty database, load the demo once and print its sign-ins, create users."""

from __future__ import annotations

import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import Session, SQLModel, func, select
from typer.testing import CliRunner

import coop.models  # noqa: F401
from cli.main import app
from coop.auth.models import User
from coop.config import get_settings
from coop.db import make_engine
from coop.members.models import Member
from coop.migrate import alembic_config
from demo import SIGN_INS
from tests.conftest import sign_in

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch):
    """The CLI reads the environment through the cached get_settings(): start and end each test uncached."""
    for name in ("COOP_HOST", "COOP_PORT", "COOP_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def sqlite_file(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COOP_DATABASE_URL", url)
    return url


def _in(url: str, work):
    engine = make_engine(url, sqlite_immediate=False)
    try:
        with engine.connect() as connection, Session(bind=connection) as session:
            return work(connection, session)
    finally:
        engine.dispose()


def test_migrate_makes_the_whole_schema_in_an_empty_sqlite_file(sqlite_file):
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert f"Database is up to date: {sqlite_file}" in result.output

    def schema(connection, _session):
        tables = set(connection.dialect.get_table_names(connection))
        return tables, MigrationContext.configure(connection).get_current_revision()

    tables, revision = _in(sqlite_file, schema)
    assert set(SQLModel.metadata.tables) <= tables
    assert revision == ScriptDirectory.from_config(alembic_config(sqlite_file)).get_current_head()
    # The shipped rate cards are loaded once: a second migrate adds none and changes none.
    assert "Rate cards added from the shipped file: 0." not in result.output
    again = runner.invoke(app, ["migrate"])
    assert again.exit_code == 0 and "Rate cards added from the shipped file: 0." in again.output


def test_demo_loads_the_demo_coop_once_and_prints_the_sign_ins_at_the_configured_port(sqlite_file, monkeypatch):
    monkeypatch.setenv("COOP_PORT", "9000")
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo co-op." in first.output
    assert "open http://127.0.0.1:9000/ (API docs at http://127.0.0.1:9000/docs)" in first.output
    assert "sign in with the password: cymru-demo" in first.output
    for email in ("coordinator@demo.coop", "board@demo.coop", "nurse@demo.coop", "school@demo.coop"):
        assert email in first.output
    assert all(s.email in first.output for s in SIGN_INS)

    def counts(_connection, session):
        return (
            session.exec(select(func.count()).select_from(Member)).one(),
            session.exec(select(func.count()).select_from(User)).one(),
        )

    loaded = _in(sqlite_file, counts)
    assert loaded[0] >= 150

    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0, second.output
    assert "The database already has a co-op; demo not loaded." in second.output
    assert "coordinator@demo.coop" in second.output
    assert _in(sqlite_file, counts) == loaded


def test_create_user_makes_a_sign_in_that_works(db_url, api, monkeypatch):
    monkeypatch.setenv("COOP_DATABASE_URL", db_url)
    result = runner.invoke(
        app,
        ["create-user", "Eleri@Cover.Coop", "--name", "Eleri Morgan", "--role", "coordinator", "--role", "board"],
        input="a-long-passphrase\na-long-passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "<eleri@cover.coop> with roles board, coordinator." in result.output
    headers = sign_in(api, "eleri@cover.coop", "a-long-passphrase")
    me = api.get("/api/me", headers=headers).json()
    assert me["name"] == "Eleri Morgan" and me["roles"] == ["board", "coordinator"]


def test_create_user_refuses_a_duplicate_email_and_an_unknown_role(db_url, monkeypatch):
    monkeypatch.setenv("COOP_DATABASE_URL", db_url)
    args = ["--name", "Eleri Morgan", "--password", "a-long-passphrase"]
    assert runner.invoke(app, ["create-user", "eleri@cover.coop", *args, "--role", "coordinator"]).exit_code == 0

    duplicate = runner.invoke(app, ["create-user", "ELERI@cover.coop", *args, "--role", "board"])
    assert duplicate.exit_code == 2
    assert "Error: There is already a sign-in for eleri@cover.coop." in duplicate.stderr

    unknown = runner.invoke(app, ["create-user", "wizard@cover.coop", *args, "--role", "wizard"])
    assert unknown.exit_code == 2
    assert "Error: Unknown role: wizard." in unknown.stderr

    def emails(_connection, session):
        return session.exec(select(User.email)).all()

    assert _in(db_url, emails) == ["eleri@cover.coop"]

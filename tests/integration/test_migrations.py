"""The schema is made only by migrations, and the migrations agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import coop.models  # noqa: F401
from coop.db import make_engine
from coop.migrate import downgrade, include_object, upgrade


def test_models_and_migrations_agree(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_as_batch": engine.dialect.name == "sqlite",
                    "include_object": include_object,
                },
            )
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_migrations_go_down_and_up_again(db_url):
    downgrade(db_url, "base")
    upgrade(db_url, "head")
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            tables = set(engine.dialect.get_table_names(connection))
    finally:
        engine.dispose()
    assert {"member", "client", "user_account", "credential"} <= tables

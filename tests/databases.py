"""Fresh databases for tests: a migrated template per backend, copied for each test.

SQLite copies the template file; PostgreSQL creates the test database from the template
(`CREATE DATABASE … TEMPLATE …`), so every test starts clean without rerunning migrations.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from coop.db import make_engine

_counter = itertools.count()


class SQLiteDatabases:
    name = "sqlite"

    def __init__(self, directory: Path):
        self.directory = directory

    def create_template(self, label: str, build: Callable[[str], None]) -> str:
        path = self.directory / f"template_{label}.db"
        url = f"sqlite:///{path}"
        build(url)
        engine = make_engine(url)
        raw = engine.raw_connection()
        try:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        engine.dispose()
        return url

    def copy(self, template_url: str) -> str:
        source = Path(make_url(template_url).database)
        target = self.directory / f"test_{os.getpid()}_{next(_counter)}.db"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        path = Path(make_url(url).database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresDatabases:
    name = "postgresql"

    def __init__(self, server_url: str):
        self.server_url = make_url(server_url)
        self.admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.templates: list[str] = []

    def _url(self, database: str) -> str:
        return self.server_url.set(database=database).render_as_string(hide_password=False)

    def _create(self, database: str, template: str | None = None) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            suffix = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{database}"{suffix}'))

    def create_template(self, label: str, build: Callable[[str], None]) -> str:
        database = f"coop_tpl_{label}_{os.getpid()}"
        self._create(database)
        url = self._url(database)
        build(url)
        self.templates.append(database)
        return url

    def copy(self, template_url: str) -> str:
        database = f"coop_t_{os.getpid()}_{next(_counter)}"
        self._create(database, template=make_url(template_url).database)
        return self._url(database)

    def drop(self, url: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))

    def close(self) -> None:
        for database in self.templates:
            with self.admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        self.admin.dispose()

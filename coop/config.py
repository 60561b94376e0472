"""Settings read from the environment (prefix COOP_), behind get_settings()."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE = f"sqlite:///{Path.cwd() / 'coop.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COOP_", env_file=".env", extra="ignore")

    database_url: str = DEFAULT_SQLITE
    port: int = 8000
    host: str = "127.0.0.1"
    # Signs bearer tokens and web sessions. Unset, a random secret is made on first start and kept in the
    # database (coop/app_secret.py); a published or short one is refused at start.
    secret_key: str = ""
    token_minutes: int = 12 * 60
    # Where notifications go: "log" (default) or "smtp".
    mail_sender: str = "log"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_from: str = "cover@demo.coop"
    # Public base URL, used in links such as the member's calendar feed; unset, the address served on.
    public_url: str = ""
    # Run queued roster solves in a thread inside the app (the SQLite default).
    embedded_worker: bool = Field(default=True)
    # A roster worker that has not beaten for this long is taken for dead: its run is queued again and its
    # job (PostgreSQL) retried. Workers beat well within it (a run every 2 s at most, a worker a third of it).
    roster_stalled_after_s: float = Field(default=30.0, gt=0)
    # How often each worker looks for dead workers' runs and for queued runs without a job.
    roster_sweep_every_s: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _public_url_follows_the_address_served_on(self):
        if not self.public_url:
            # A wildcard listen address is not one to open in a browser: the machine itself is.
            host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
            if ":" in host:  # an IPv6 address goes in brackets
                host = f"[{host}]"
            self.public_url = f"http://{host}:{self.port}"
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()

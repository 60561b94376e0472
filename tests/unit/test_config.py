"""Settings: the public address follows the host and port served on unless COOP_PUBLIC_URL says otherwise."""

from __future__ import annotations

import pytest

from coop.config import Settings


@pytest.fixture(autouse=True)
def no_address_in_the_environment(monkeypatch):
    for name in ("COOP_HOST", "COOP_PORT", "COOP_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)


def test_the_default_public_url_is_the_default_address():
    assert Settings(_env_file=None).public_url == "http://127.0.0.1:8000"


def test_the_public_url_follows_coop_port_and_coop_host(monkeypatch):
    monkeypatch.setenv("COOP_PORT", "9000")
    assert Settings(_env_file=None).public_url == "http://127.0.0.1:9000"
    monkeypatch.setenv("COOP_HOST", "cover.local")
    assert Settings(_env_file=None).public_url == "http://cover.local:9000"


def test_a_wildcard_listen_address_gives_the_machine_itself(monkeypatch):
    monkeypatch.setenv("COOP_HOST", "0.0.0.0")
    assert Settings(_env_file=None, port=9000).public_url == "http://127.0.0.1:9000"
    assert Settings(_env_file=None, host="::1", port=9000).public_url == "http://[::1]:9000"


def test_an_explicit_coop_public_url_wins(monkeypatch):
    monkeypatch.setenv("COOP_PORT", "9000")
    monkeypatch.setenv("COOP_PUBLIC_URL", "https://cover.example")
    assert Settings(_env_file=None).public_url == "https://cover.example"

"""The browser harness: the real app with the demo co-op, served by uvicorn, driven by Debian's Chromium.

Fixtures
- `live_server` (session): a demo database in a temp dir and the app on a free port; `.url`, `.database_url`.
  Roster runs started on it are solved by a background thread (the job queue's `drain`).
- `browser` (session): Chromium through Playwright (/usr/bin/chromium, or $COOP_CHROMIUM). A missing
  Chromium or axe-core skips these tests, or fails them when CI=true.
- `phone` (per test): a fresh phone-sized context (390×844, touch) on the live server; yields a Page.
- `journey` (per test): `journey.shot("step")` saves test-artifacts/screenshots/<test name>/NN-step.png.

A later journey adds steps by taking `phone` and `journey`, signing in with `sign_in(phone, email)`, and
calling `journey.shot(...)` after each step. `axe_violations(page)` runs axe-core on the open page.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import demo
from coop.config import Settings
from coop.db import make_engine
from coop.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=en-GB",  # 24-hour times and day/month dates in the form fields, as in Wales
]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SECRET = "browser-test-secret-that-is-long-enough-0123456789"
PASSWORD = demo.DEMO_PASSWORD


def pytest_collection_modifyitems(items):
    """Run the browser tests last: the quick tests report first, and the live server starts once."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(what)


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _solve_roster_runs(app, stop: threading.Event) -> None:
    """Roster runs solve while a page watches, as the embedded worker would, but without its notification
    sender, whose writes would race the journeys' own on SQLite."""
    while not stop.wait(0.5):
        try:
            app.state.queue.drain()
        except Exception:  # noqa: BLE001  (the run's row records a failure; keep solving the next)
            continue


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    import uvicorn

    from server.app import create_app

    database_url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.db'}"
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        demo.load_if_empty(engine)
    finally:
        engine.dispose()
    app = create_app(Settings(database_url=database_url, secret_key=SECRET, embedded_worker=False))
    solving = threading.Event()
    threading.Thread(target=_solve_roster_runs, args=(app, solving), name="roster-runs", daemon=True).start()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app=app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", database_url=database_url)
    solving.set()
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


class Journey:
    """Numbered screenshots of each step of one journey."""

    def __init__(self, page, name: str):
        self.page = page
        self.directory = SCREENSHOTS / name
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.step = 0

    def shot(self, step: str) -> Path:
        self.step += 1
        path = self.directory / f"{self.step:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def journey(phone, request) -> Journey:
    name = re.sub(r"^test_", "", request.node.name)
    return Journey(phone, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    if "/sign-in" not in page.url:
        page.goto("/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the open page; return the violations of the given impacts."""
    if not AXE.exists():
        _missing(f"{AXE} is missing: npm install --prefix tests/browser")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(
                f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1]}"
            )
    return "\n".join(lines)

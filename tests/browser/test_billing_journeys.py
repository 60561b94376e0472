"""Invoices on a phone: a coordinator previews an invoicing run over the demo's approved timesheets, then issues
it; a ward's contact opens one of their invoices and its PDF; axe-core finds no serious violation on these pages.

The demo's months before this one are invoiced when it loads (demo.books), this month's work is not, so the
run over the last seven weeks has something to issue. The
client's journey issues through the billing use-case against the live server's database when the coordinator's
journey has not run first (each test stands alone).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from coop.auth import service as auth_service
from coop.auth.models import User
from coop.billing import service as billing
from coop.clock import today_local
from coop.db import make_engine
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.browser
DAYS_BACK = 50  # more than the demo's six weeks of approved work


def _period() -> tuple[str, str]:
    today = today_local()
    return (today - timedelta(days=DAYS_BACK)).isoformat(), today.isoformat()


def _ensure_invoiced(live_server) -> None:
    """Issue what the demo has not yet invoiced, through the same use-case as the page (a no-op once billed)."""
    start, end = (today_local() - timedelta(days=DAYS_BACK)), today_local()
    engine = make_engine(live_server.database_url)
    try:
        with Session(engine) as session:
            coordinator = session.exec(select(User).where(User.email == "coordinator@demo.coop")).one()
            actor = auth_service.actor_for(session, coordinator)
            billing.run_invoicing(session=session, actor=actor, period_start=start, period_end=end)
    finally:
        engine.dispose()


def test_a_coordinator_previews_then_issues_invoices(journey, live_server):
    page = journey.page
    sign_in(page, "coordinator@demo.coop")
    page.goto("/coordinator/invoicing")
    expect(page.locator("h1")).to_have_text("Run invoicing")
    start, end = _period()
    page.fill("#period_start", start)
    page.fill("#period_end", end)
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="What would be issued")).to_be_visible()
    journey.shot("preview")
    issue = page.get_by_role("button", name="Issue these invoices")
    if issue.count():  # another journey may have billed the demo already
        issue.click()
        page.wait_for_load_state()
        expect(page.locator("main")).to_contain_text("Invoices and credit notes issued:")
    expect(page.locator("table.invoices")).to_be_visible()
    journey.shot("issued")
    page.goto("/coordinator/invoices")
    page.locator("table.invoices a").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Issue a credit note")).to_be_visible()
    journey.shot("invoice")
    for path in ("/coordinator/invoicing", "/coordinator/invoices", page.url):
        page.goto(path)
        violations = axe_violations(page)
        assert not violations, f"{path}:\n{describe(violations)}"


def test_a_client_opens_an_invoice_and_its_pdf(journey, live_server):
    _ensure_invoiced(live_server)
    page = journey.page
    sign_in(page, "ward@demo.coop")
    page.goto("/client/invoices")
    expect(page.locator("h1")).to_have_text("Invoices")
    journey.shot("invoices")
    page.locator("table.invoices a").first.click()
    page.wait_for_load_state()
    expect(page.locator("p.worker-share")).to_contain_text("reached the worker")
    expect(page.locator("table.lines tbody tr").first).to_be_visible()
    journey.shot("invoice")
    pdf_link = page.get_by_role("link", name="Download the PDF").get_attribute("href")
    answer = page.request.get(pdf_link)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    for path in ("/client/invoices", page.url):
        page.goto(path)
        violations = axe_violations(page)
        assert not violations, f"{path}:\n{describe(violations)}"

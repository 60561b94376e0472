"""Money on a phone, over the demo's books (demo.books): a member reads what a shift paid, a school opens an
invoice and its PDF, a coordinator previews then issues this month's invoicing run, and axe-core finds no
serious violation on My pay, the client's invoice, the invoicing page or the ledger.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coop.clock import today_local
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.browser


def _no_serious_violations(page, path: str) -> None:
    page.goto(path)
    violations = axe_violations(page)
    assert not violations, f"{path}:\n{describe(violations)}"


def test_a_member_opens_my_pay_and_sees_what_a_shift_paid(journey):
    page = journey.page
    sign_in(page, "nurse@demo.coop")
    page.goto("/member/pay")
    expect(page.locator("h1")).to_have_text("My pay")
    # A shift already paid: the demo's weeks before last are in posted pay runs.
    in_a_run = page.locator("p", has_text=re.compile(r"^In a pay run$"))
    shift = page.locator("ul.cards > li").filter(has=in_a_run).first
    expect(shift).to_be_visible()
    rows = shift.locator("table tbody tr")
    expect(rows.last).to_contain_text("Holiday pay")
    assert rows.count() >= 2, "at least one band of pay above the holiday pay"
    expect(shift.locator("tfoot")).to_contain_text("Total")
    expect(shift.locator("tfoot strong")).to_contain_text("£")
    journey.shot("my-pay")
    _no_serious_violations(page, "/member/pay")


def test_a_school_opens_one_of_its_invoices_and_the_pdf_link_answers_a_pdf(journey):
    page = journey.page
    sign_in(page, "school@demo.coop")
    page.goto("/client/invoices")
    # The contact's own language decides the page's (another journey may have chosen Welsh for them).
    expect(page.locator("h1")).to_have_text(re.compile(r"^(Invoices|Anfonebau)$"))
    expect(page.locator("table.invoices a").first).to_be_visible()  # the demo's months are invoiced
    journey.shot("invoices")
    page.locator("table.invoices a").first.click()
    page.wait_for_load_state()
    expect(page.locator("table.lines tbody tr").first).to_be_visible()
    journey.shot("invoice")
    pdf_link = page.locator("a[href$='/pdf']").first.get_attribute("href")
    answer = page.request.get(pdf_link)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    _no_serious_violations(page, page.url)


def test_a_coordinator_previews_then_issues_this_months_invoicing_run(journey):
    page = journey.page
    sign_in(page, "coordinator@demo.coop")
    page.goto("/coordinator/invoicing")
    expect(page.locator("h1")).to_have_text("Run invoicing")
    today = today_local()
    page.fill("#period_start", today.replace(day=1).isoformat())
    page.fill("#period_end", today.isoformat())
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="What would be issued")).to_be_visible()
    journey.shot("preview")
    issue = page.get_by_role("button", name="Issue these invoices")
    if issue.count():  # this month's work is not invoiced when the demo loads (unless another journey issued it)
        issue.click()
        page.wait_for_load_state()
        expect(page.locator("main")).to_contain_text("Invoices and credit notes issued:")
        journey.shot("issued")
    else:
        expect(page.locator("main")).to_contain_text("Nothing to invoice in these dates")
    _no_serious_violations(page, "/coordinator/invoicing")


def test_the_ledger_page_has_the_demos_books_and_no_serious_violation(journey):
    page = journey.page
    sign_in(page, "coordinator@demo.coop")
    page.goto("/coordinator/ledger")
    expect(page.locator("main")).to_contain_text("Trade debtors")
    journey.shot("ledger")
    _no_serious_violations(page, "/coordinator/ledger")

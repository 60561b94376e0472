"""The invoicing benchmark's builder and measurement at a tiny size, on SQLite: a real run of the month, every
timesheet billed once, and the invoices agreeing with the ledger (so bench/invoicing.py cannot rot)."""

from __future__ import annotations

import argparse

from sqlmodel import Session, select

from bench import invoicing
from coop.billing.models import InvoiceLine
from coop.bookings.models import Timesheet
from coop.db import make_engine
from coop.members.models import Member
from coop.migrate import upgrade
from coop.pay import payroll


def test_a_tiny_month_is_invoiced_once_per_timesheet_and_agrees_with_the_receivables(tmp_path):
    url = f"sqlite:///{tmp_path / 'invoicing.db'}"
    args = argparse.Namespace(timesheets=120, members=30, seed=2, rebuild=False, profile=False)

    result = invoicing.measure(url, args, repeat=1)

    built = result["built"]
    assert built.timesheets == 120 and built.members == 30
    assert built.weekly_clients > 0 and built.weekly_clients < built.clients  # both frequencies invoiced
    assert built.nights > 0 and built.weekend_or_bank_holiday > 0
    assert result["lines"] == 120
    assert result["invoices"] > built.clients // 2
    assert result["total_pence"] == result["receivable_pence"] > 0
    # Each run worked on a copy: the built month itself is still unbilled, so the next run finds it as it was.
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.exec(select(InvoiceLine)).first() is None
    engine.dispose()
    again = invoicing.measure(url, args, repeat=1)
    assert again["built"] is None and again["lines"] == 120 and again["total_pence"] == result["total_pence"]


def test_the_nurses_unsocial_bands_are_priced_in_the_built_month(tmp_path):
    url = f"sqlite:///{tmp_path / 'invoicing.db'}"
    upgrade(url)
    invoicing.build(url, timesheets=150, members=30, seed=5)

    run = invoicing.time_run(url)

    engine = make_engine(url)
    with Session(engine) as session:
        bands = session.exec(select(InvoiceLine.bands).where(InvoiceLine.profession == "nurse")).all()
    engine.dispose()
    assert run.lines == 150
    assert every_line_is_priced_as_its_timesheet_alone(url)
    assert any("night" in b.lower() for b in bands)
    assert any(word in b.lower() for b in bands for word in ("saturday", "sunday", "bank_holiday"))


def every_line_is_priced_as_its_timesheet_alone(url: str) -> bool:
    """Each line equals its own timesheet's quote, priced alone (the one pricing pay and invoices share)."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(
            select(InvoiceLine, Timesheet, Member)
            .join(Timesheet, Timesheet.id == InvoiceLine.timesheet_id)
            .join(Member, Member.id == Timesheet.member_id)
        ).all()
        alone = [
            payroll.quote_timesheet(session, sheet, member).charge_pence == line.amount_pence
            for line, sheet, member in rows
        ]
    engine.dispose()
    return len(alone) == 150 and all(alone)

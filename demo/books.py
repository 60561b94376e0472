"""The demo co-op's books: its last complete financial year and this year to date, made by the money use-cases.

The worked and approved timesheets come from the demo's history (demo.work); everything with money in it is
made here THROUGH the use-cases a live co-op runs, each committing as it would, with the clock pinned to the
day it happens (coop.clock.travel_to):

- the cash earlier years left (retained surplus), members' share capital, paid on joining, and the month's
  overheads (premises, software, insurance, professional fees, training): `coop.ledger.service.post_manual_journal`;
- a weekly pay run for each week once it is three days past (Monday to Sunday): `coop.pay.payroll`
  `create_pay_run` (which prices the approved timesheets), `post_pay_run`, `export_payroll_for_run`; the
  payroll provider pays the net wages the same day, and HMRC and the pension scheme are paid the month's
  deductions on the 19th (manual journals from what the ledger says is owed);
- an invoicing run on the 2nd of each month for the month before: `coop.billing.service.run_invoicing`;
- the clients' payments: `coop.billing.payments.record_payment`, most within the 30 days' terms, some late,
  and a few still unpaid at today, at least one in each overdue bucket of the aged debtors.

The last week's pay run and this month's invoicing are left for a coordinator to do. Volume is moderate
(about two thousand timesheets a year) so the demo still loads in well under a minute.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from coop.access import Actor
from coop.billing import payments
from coop.billing import service as billing
from coop.billing.models import Invoice
from coop.clients.models import Client
from coop.clock import at_local, travel_to
from coop.enums import Profession, Role
from coop.errors import Conflict
from coop.ledger import accounts
from coop.ledger import service as ledger
from coop.ledger.rules import Line
from coop.members.models import Member
from coop.pay import payroll
from coop.pay import service as pay_service
from coop.policy import get_policy

if TYPE_CHECKING:
    from demo.load import Demo

FINANCIAL_YEAR_STARTS = (4, 1)  # the co-op's financial year runs from 1 April
PAY_KINDS = ("annual_salary", "hourly")
PAY_RUN_DELAY = 3  # a week's pay run is made on the Wednesday after it
INVOICE_DAY = 2  # the month's invoicing run is made on the 2nd of the month after
HMRC_DAY = 19  # PAYE/NI and pension deductions paid for the month before
ON_TIME, LATE, UNPAID = "on time", "late", "unpaid"
BROUGHT_FORWARD_PENCE = 90_000_00  # cash the co-op's earlier years left it: wages are paid before clients pay
OVERDUE_BUCKETS = ("days_1_30", "days_31_60", "days_61_90", "days_over_90")

# The month's overheads, in pence, and how much they vary month to month (a share either way).
# The overhead accounts of the chart (coop/ledger/accounts.py): premises, software, insurance, fees, training.
OVERHEADS = (
    ("7000", "Office rent and service charge, Cathays", 95_000, 0.0),
    ("7100", "Software, hosting and phones", 32_000, 0.15),
    ("7200", "Employer's and public liability insurance", 41_000, 0.0),
    ("7300", "Payroll bureau and accountants", 58_000, 0.2),
    ("7400", "Members' training courses", 25_000, 0.6),
)


def books_start(today: date) -> date:
    """The first day of the last complete financial year: 1 April of the year before the current one."""
    month, day = FINANCIAL_YEAR_STARTS
    year = today.year if (today.month, today.day) >= (month, day) else today.year - 1
    return date(year - 1, month, day)


def priced_from() -> dict[str, date]:
    """Per profession, the first day work can be priced: a pay card and the on-costs card are both in force."""
    cards = pay_service.read_rate_cards_file()
    first: dict[str, date] = {}
    for profession in Profession:
        pay = [c.effective_from for c in cards if c.profession == profession and c.kind in PAY_KINDS]
        on_costs = [c.effective_from for c in cards if c.profession == profession and c.kind == "on_costs"]
        first[profession] = max(min(pay), min(on_costs))
    return first


def _at(day: date, hour: int = 10) -> travel_to:
    return travel_to(at_local(day, time(hour, 0)))


def load_books(demo: Demo) -> None:
    """The books from the first day of the last complete financial year to yesterday, day by day."""
    session = demo.session
    actor = Actor(user_id=demo.coordinator_id, roles=frozenset({Role.coordinator}), name="Demo coordinator")
    pay_service.load_rate_cards(session=session)
    _share_capital(demo, actor)
    start, today = books_start(demo.today), demo.today
    with _at(start, 9):
        # What the co-op's earlier years left it: cash in the bank, kept as retained surplus.
        ledger.post_manual_journal(
            session,
            actor=actor,
            entry_date=start,
            reason="Balances brought forward from the years before these books",
            lines=[Line(accounts.BANK, BROUGHT_FORWARD_PENCE), Line(accounts.RETAINED_SURPLUS, -BROUGHT_FORWARD_PENCE)],
        )
    policy = get_policy()
    terms = {c.id: c.payment_terms_days or policy.payment_terms_days for c in session.exec(select(Client)).all()}
    due_payments: dict[date, list[Invoice]] = defaultdict(list)
    unpaid_buckets: set[str] = set()
    day = start
    while day < today:
        if day.day == 1:
            _overheads(demo, actor, day)
        if day.weekday() == PAY_RUN_DELAY - 1 and day - timedelta(days=PAY_RUN_DELAY) >= start:
            _pay_run(demo, actor, day)
        if day.day == HMRC_DAY:
            _pay_deductions(demo, actor, day)
        if day.day == INVOICE_DAY:
            for invoice, paid_on in _invoicing(demo, actor, day, terms, unpaid_buckets):
                due_payments[paid_on].append(invoice)
        for invoice in due_payments.pop(day, []):
            with _at(day, 11):
                payments.record_payment(
                    session=session,
                    actor=actor,
                    received_on=day,
                    amount_pence=invoice.total_pence,
                    reference=demo.rng.choice(("INV {}", "Invoice {}", "Anfoneb {}", "BACS INV {}")).format(
                        invoice.number
                    ),
                    client_id=invoice.client_id,
                )
        day += timedelta(days=1)


def _share_capital(demo: Demo, actor: Actor) -> None:
    """Each member's share capital, paid into the bank on the day they joined."""
    members = demo.session.exec(
        select(Member)
        .where(Member.joined_on.is_not(None), Member.share_capital_pence > 0)
        .order_by(Member.joined_on, Member.id)
    ).all()
    for member in members:
        with _at(member.joined_on):
            ledger.post_manual_journal(
                demo.session,
                actor=actor,
                entry_date=member.joined_on,
                reason=f"Share capital paid by {member.name} on joining",
                lines=[
                    Line(accounts.BANK, member.share_capital_pence),
                    Line(accounts.SHARE_CAPITAL, -member.share_capital_pence, member_id=member.id),
                ],
            )


def _overheads(demo: Demo, actor: Actor, day: date) -> None:
    for code, what, pence, spread in OVERHEADS:
        amount = round(pence * (1 + demo.rng.uniform(-spread, spread))) if spread else pence
        with _at(day):
            ledger.post_manual_journal(
                demo.session,
                actor=actor,
                entry_date=day,
                reason=f"{what}, {day:%B %Y}",
                lines=[Line(code, amount), Line(accounts.BANK, -amount)],
            )


def _pay_run(demo: Demo, actor: Actor, day: date) -> None:
    """The week before last Sunday's pay run: made (pricing what is approved), posted, exported, and paid."""
    session = demo.session
    period_end = day - timedelta(days=PAY_RUN_DELAY)
    with _at(day, 9):
        try:
            run = payroll.create_pay_run(
                session=session, actor=actor, period_start=period_end - timedelta(days=6), period_end=period_end
            )
        except Conflict as refused:
            session.rollback()
            if refused.code == "pay_run_nothing_to_pay":
                return
            raise
        payroll.post_pay_run(session=session, actor=actor, run_id=run.id)
        payroll.export_payroll_for_run(session=session, actor=actor, run_id=run.id)
    owed = -ledger.balances(session).get(accounts.NET_WAGES_PAYABLE, 0)
    if owed > 0:
        with _at(day, 15):
            ledger.post_manual_journal(
                session,
                actor=actor,
                entry_date=day,
                reason=f"Net wages paid by the payroll bureau for pay run {run.id}",
                lines=[Line(accounts.NET_WAGES_PAYABLE, owed), Line(accounts.BANK, -owed)],
            )


def _pay_deductions(demo: Demo, actor: Actor, day: date) -> None:
    """PAYE/NI to HMRC and contributions to the pension scheme, for what was owed at the last month's end."""
    session = demo.session
    month_end = day.replace(day=1) - timedelta(days=1)
    owed = ledger.balances(session, end=month_end)
    for code, whom in ((accounts.PAYE_NI_PAYABLE, "HMRC"), (accounts.PENSION_PAYABLE, "the pension scheme")):
        amount = -owed.get(code, 0)
        if amount > 0:
            with _at(day):
                ledger.post_manual_journal(
                    session,
                    actor=actor,
                    entry_date=day,
                    reason=f"Paid to {whom} for {month_end:%B %Y}",
                    lines=[Line(code, amount), Line(accounts.BANK, -amount)],
                )


def _invoicing(
    demo: Demo, actor: Actor, day: date, terms: dict[int, int], unpaid_buckets: set[str]
) -> list[tuple[Invoice, date]]:
    """Last month's invoicing run, and the day each invoice will be paid (those paid before today)."""
    rng, today = demo.rng, demo.today
    period_end = day.replace(day=1) - timedelta(days=1)
    with _at(day, 9):
        issued = billing.run_invoicing(
            session=demo.session, actor=actor, period_start=period_end.replace(day=1), period_end=period_end
        )
    fates = {}
    for invoice in issued:
        roll = rng.random()
        fates[invoice.id] = UNPAID if roll < 0.02 else LATE if roll < 0.17 else ON_TIME
    if issued:
        # At least one still unpaid in each overdue bucket at today: something for the debtors page to show.
        due = payments.due_on(day, terms[issued[0].client_id])
        overdue = payments.bucket((today - due).days)
        if overdue in OVERDUE_BUCKETS and overdue not in unpaid_buckets:
            fates[rng.choice(issued).id] = UNPAID
    paid: list[tuple[Invoice, date]] = []
    for invoice in issued:
        due = payments.due_on(day, terms[invoice.client_id])
        fate = fates[invoice.id]
        paid_on = due - timedelta(days=rng.randint(0, 21)) if fate == ON_TIME else due + timedelta(rng.randint(5, 50))
        if fate == UNPAID or paid_on >= today:
            unpaid_buckets.add(payments.bucket((today - due).days))
            continue
        paid.append((invoice, paid_on))
    return paid

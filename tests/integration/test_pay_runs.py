"""Member pay on SQLite and PostgreSQL: approved timesheets priced into lines, corrections as adjustments,
pay runs posted to the ledger, and the payroll export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlmodel import Session, select

from coop.access import Actor
from coop.bookings import timesheets as timesheet_service
from coop.bookings.models import Booking, Timesheet
from coop.clock import LONDON, elapsed_minutes, local_date, utcnow
from coop.enums import Role
from coop.errors import Conflict, InvalidInput, PermissionDenied
from coop.ledger import accounts
from coop.ledger import service as ledger_service
from coop.pay import payroll
from coop.pay import service as pay_service
from coop.pay.models import PayLine, PayRun
from coop.shifts.models import Shift, ShiftRequest
from tests import factories

COORDINATOR = Actor(user_id=None, roles=frozenset({Role.coordinator}), name="coordinator")
NIGHT = (datetime(2026, 10, 24, 20, tzinfo=LONDON), datetime(2026, 10, 25, 8, tzinfo=LONDON))
WEEK = (date(2026, 10, 19), date(2026, 10, 25))  # Monday to Sunday holding the night


def member_actor(member_id: int) -> Actor:
    return Actor(user_id=None, roles=frozenset({Role.member}), member_id=member_id, name="member")


def worked_timesheet(
    session: Session, member, client, started_at: datetime, ended_at: datetime, break_minutes: int
) -> Timesheet:
    """A shift the member booked and worked, its timesheet submitted (not yet approved)."""
    request = ShiftRequest(client_id=client.id, role=member.profession, headcount=1, created_at=utcnow())
    session.add(request)
    session.flush()
    shift = Shift(
        request_id=request.id,
        client_id=client.id,
        role=member.profession,
        kind="night",
        starts_at=started_at,
        ends_at=ended_at,
        local_date=local_date(started_at),
        status="filled",
        created_at=utcnow(),
    )
    session.add(shift)
    session.flush()
    booking = Booking(
        shift_id=shift.id, member_id=member.id, starts_at=started_at, ends_at=ended_at, booked_at=utcnow()
    )
    session.add(booking)
    session.flush()
    sheet = Timesheet(
        booking_id=booking.id,
        member_id=member.id,
        client_id=client.id,
        started_at=started_at,
        ended_at=ended_at,
        break_minutes=break_minutes,
        worked_minutes=elapsed_minutes(started_at, ended_at) - break_minutes,
        status="submitted",
        submitted_at=utcnow(),
    )
    session.add(sheet)
    session.commit()
    return sheet


def approved_night(session: Session, **member_kw):
    """The 24-25 Oct 2026 ward night (13 h across the clock change, 30 min break), approved by a coordinator."""
    pay_service.load_rate_cards(session=session)
    member = factories.make_member(session, grade="5", **member_kw)
    ward = factories.make_client(session, kind="ward")
    sheet = worked_timesheet(session, member, ward, *NIGHT, 30)
    timesheet_service.approve_timesheet(session, COORDINATOR, sheet.id)
    return member, sheet


def lines_of(session: Session, timesheet_id: int) -> list[PayLine]:
    return list(session.exec(select(PayLine).where(PayLine.timesheet_id == timesheet_id).order_by(PayLine.id)).all())


def test_the_autumn_ward_night_is_priced_by_band_into_a_pay_run_and_the_ledger(session):
    member, sheet = approved_night(session, payroll_reference="PR-0042")
    assert lines_of(session, sheet.id) == []  # approval never prices: pay pulls

    run = payroll.create_pay_run(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])

    lines = lines_of(session, sheet.id)
    # As hand-computed in tests/unit/test_pay_rules.py: Saturday 210 min at 2132 p/h, Sunday 540 min at 2624.
    assert [(x.kind, x.band, x.minutes, x.rate_pence, x.amount_pence) for x in lines] == [
        ("pay", "saturday", 210, 2132, 7462),
        ("pay", "sunday", 540, 2624, 23616),
        ("holiday", "holiday", 0, 0, 3751),  # 12.07% of 31078, its own line
    ]
    assert {x.pay_run_id for x in lines} == {run.id}
    assert [(m.member_id, m.minutes, m.total_pence) for m in run.members] == [(member.id, 750, 31078 + 3751)]

    posted = payroll.post_pay_run(session=session, actor=COORDINATOR, run_id=run.id)
    assert posted.status == "posted"
    postings = ledger_service.entry_lines(session, posted.journal_entry_id)
    assert sum(p.amount_pence for p in postings) == 0
    by_account = {p.account_code: p.amount_pence for p in postings}
    assert by_account[accounts.WAGES] == 31078 == sum(x.amount_pence for x in lines if x.kind == "pay")
    assert by_account[accounts.HOLIDAY_PAY] == 3751
    assert by_account[accounts.NET_WAGES_PAYABLE] == -(31078 + 3751)
    # On-costs on earnings 34829 at the card's rates: NI 15% 5224.35 -> 5224, pension 3% 1044.87 -> 1045.
    assert (by_account[accounts.EMPLOYER_NI], by_account[accounts.PAYE_NI_PAYABLE]) == (5224, -5224)
    assert (by_account[accounts.EMPLOYER_PENSION], by_account[accounts.PENSION_PAYABLE]) == (1045, -1045)
    assert {p.member_id for p in postings} == {member.id}


def test_a_corrected_timesheet_gets_adjustment_lines_and_the_totals_still_reconcile(session):
    member, sheet = approved_night(session)
    first = payroll.create_pay_run(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])
    payroll.post_pay_run(session=session, actor=COORDINATOR, run_id=first.id)
    before = {x.id: (x.amount_pence, x.minutes) for x in lines_of(session, sheet.id)}

    # A correction after payment: she left at 06:00, not 08:00 (two hours of Sunday fewer).
    sheet = session.get(Timesheet, sheet.id)
    sheet.ended_at = datetime(2026, 10, 25, 6, tzinfo=LONDON)
    sheet.worked_minutes = elapsed_minutes(sheet.started_at, sheet.ended_at) - sheet.break_minutes
    session.add(sheet)
    session.commit()

    result = payroll.price_approved_timesheets(session)
    session.commit()
    assert result.priced == [sheet.id]
    assert payroll.price_approved_timesheets(session).priced == []  # pricing again writes nothing

    lines = lines_of(session, sheet.id)
    assert {x.id: (x.amount_pence, x.minutes) for x in lines if x.id in before} == before  # never rewritten
    adjustments = [x for x in lines if x.kind == "adjustment"]
    assert sorted(x.adjusts_line_id for x in adjustments) == sorted(before)
    assert all(x.amount_pence == -before[x.adjusts_line_id][0] for x in adjustments)
    # New figures: Saturday 210 min (7462), Sunday 420 min at 2624 = 18368; holiday 12.07% of 25830 = 3118.
    fresh = [(x.band, x.amount_pence) for x in lines if x.kind != "adjustment" and x.id not in before]
    assert fresh == [("saturday", 7462), ("sunday", 18368), ("holiday", 3118)]
    assert sum(x.amount_pence for x in lines) == 7462 + 18368 + 3118

    # The difference is paid (clawed back) in the next run, whose entry still balances.
    second = payroll.create_pay_run(
        session=session, actor=COORDINATOR, period_start=date(2026, 10, 26), period_end=date(2026, 11, 1)
    )
    assert second.total_pence == (7462 + 18368 + 3118) - (31078 + 3751)
    posted = payroll.post_pay_run(session=session, actor=COORDINATOR, run_id=second.id)
    postings = ledger_service.entry_lines(session, posted.journal_entry_id)
    assert sum(p.amount_pence for p in postings) == 0
    wages = {p.account_code: p.amount_pence for p in postings}[accounts.WAGES]
    assert wages == 18368 - 23616

    mine = payroll.my_pay(session=session, actor=member_actor(member.id), start=WEEK[0], end=WEEK[1])
    (entry,) = mine.data
    assert [(x.band, x.minutes, x.amount_pence) for x in entry.lines] == [
        ("saturday", 210, 7462),
        ("sunday", 420, 18368),
    ]
    assert (entry.holiday_pay_pence, entry.total_pence, entry.pay_run_id) == (3118, 28948, second.id)


def test_payroll_export_twice_gives_the_same_bytes_and_marks_the_lines_exported(session):
    member, sheet = approved_night(session, name="=Rhian Evans", payroll_reference="PR-7")
    run = payroll.create_pay_run(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])
    with pytest.raises(Conflict):
        payroll.export_payroll(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])
    session.rollback()
    payroll.post_pay_run(session=session, actor=COORDINATOR, run_id=run.id)

    name, first = payroll.export_payroll(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])
    assert name == "payroll-2026-10-19-2026-10-25.csv"
    assert all(x.exported_at is not None for x in lines_of(session, sheet.id))
    rows = list(csv.DictReader(io.StringIO(first)))
    assert rows == [
        {
            "member_id": str(member.id),
            "payroll_reference": "PR-7",
            "name": "'=Rhian Evans",  # never a formula in the provider's spreadsheet
            "hours": "12.50",
            "gross_plain": "0.00",
            "gross_weekday_night": "0.00",
            "gross_saturday": "74.62",
            "gross_sunday": "236.16",
            "gross_bank_holiday": "0.00",
            "gross_travel": "0.00",
            "holiday_pay": "37.51",
            "dividend": "0.00",
            "total": "348.29",
        }
    ]

    renamed = session.get(type(member), member.id)
    renamed.name = "Rhian Evans-Jones"
    session.add(renamed)
    session.commit()
    _name, second = payroll.export_payroll(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])
    assert second.encode() == first.encode()
    assert session.get(PayRun, run.id).status == "exported"


def test_a_dividend_line_rides_in_the_pay_run_and_the_payroll_file(session):
    member, _sheet = approved_night(session)
    session.add(
        PayLine(
            member_id=member.id,
            kind="dividend",
            band="dividend",
            unit="pence",
            minutes=0,
            rate_pence=0,
            exact_amount="12345",
            amount_pence=12345,
            priced_at=utcnow(),
        )
    )
    session.commit()
    run = payroll.create_pay_run(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])
    assert run.members[0].dividend_pence == 12345
    posted = payroll.post_pay_run(session=session, actor=COORDINATOR, run_id=run.id)
    by_account = {p.account_code: p.amount_pence for p in ledger_service.entry_lines(session, posted.journal_entry_id)}
    assert by_account[accounts.MEMBERS_BONUS_PAYABLE] == 12345
    assert by_account[accounts.NET_WAGES_PAYABLE] == -(31078 + 3751 + 12345)
    _name, text = payroll.export_payroll(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["dividend"], row["total"]) == ("123.45", "471.74")


def test_pay_approved_late_is_taken_by_the_next_run_never_dropped(session):
    member, sheet = approved_night(session)
    pay_service.load_rate_cards(session=session)
    ward = factories.make_client(session, kind="ward")
    later_night = (datetime(2026, 10, 29, 20, tzinfo=LONDON), datetime(2026, 10, 30, 8, tzinfo=LONDON))
    later = worked_timesheet(session, member, ward, *later_night, 30)
    timesheet_service.approve_timesheet(session, COORDINATOR, later.id)
    run = payroll.create_pay_run(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])
    assert {x.timesheet_id for x in session.exec(select(PayLine).where(PayLine.pay_run_id == run.id))} == {sheet.id}
    next_run = payroll.create_pay_run(
        session=session, actor=COORDINATOR, period_start=date(2026, 10, 26), period_end=date(2026, 11, 1)
    )
    taken = {x.timesheet_id for x in session.exec(select(PayLine).where(PayLine.pay_run_id == next_run.id))}
    assert taken == {later.id}


def test_periods_that_end_before_they_start_or_overlap_are_refused(session):
    approved_night(session)
    with pytest.raises(InvalidInput) as refused:
        payroll.create_pay_run(session=session, actor=COORDINATOR, period_start=WEEK[1], period_end=WEEK[0])
    assert refused.value.field == "period_end"
    payroll.create_pay_run(session=session, actor=COORDINATOR, period_start=WEEK[0], period_end=WEEK[1])
    with pytest.raises(Conflict):
        payroll.create_pay_run(session=session, actor=COORDINATOR, period_start=WEEK[1], period_end=date(2026, 11, 1))
    session.rollback()
    assert len(session.exec(select(PayRun)).all()) == 1


def test_only_coordinators_run_pay_and_only_members_read_their_own(session):
    member, _sheet = approved_night(session)
    with pytest.raises(PermissionDenied):
        payroll.create_pay_run(session=session, actor=member_actor(member.id), period_start=WEEK[0], period_end=WEEK[1])
    client_contact = Actor(user_id=None, roles=frozenset({Role.client}), client_id=1, name="client")
    with pytest.raises(PermissionDenied):
        payroll.my_pay(session=session, actor=client_contact, start=WEEK[0], end=WEEK[1])
    other = factories.make_member(session)
    assert payroll.my_pay(session=session, actor=member_actor(other.id), start=WEEK[0], end=WEEK[1]).data == []
    mine = payroll.my_pay(session=session, actor=member_actor(member.id), start=WEEK[0], end=WEEK[1])
    assert [e.total_pence for e in mine.data] == [31078 + 3751]
    assert mine.pending_pence == 31078 + 3751 and mine.data[0].pay_run_id is None

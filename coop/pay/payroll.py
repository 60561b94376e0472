"""Member pay: approved timesheets priced into pay lines, a member's own pay, pay runs, and the payroll export.

Pull, not push: the bookings area never calls pay. `price_approved_timesheets` finds approved timesheets with
no lines, or whose figures changed since they were priced, and writes their lines (no commit). Lines are
never changed: a corrected timesheet gets adjustment lines negating its old lines and new lines for the new
figures (issue 31). Rounding is once per line, in coop/pay/rules.py.

A pay run takes every line not yet in a run whose timesheet was worked in its period or earlier: pay is
never withheld because something is late (RULES §8.1.15). Posting it writes one balanced ledger entry:
gross pay and holiday pay owed to the members (net wages payable until the payroll provider pays them and
splits out PAYE/NI), employer NI and pension accrued at the on-costs card's rates (RULES §4.5, §8.1.16).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from coop.access import Actor, require_role
from coop.bookings.models import Booking, Timesheet
from coop.clients.models import Client
from coop.clock import local_date, utcnow
from coop.enums import Role, TimesheetStatus
from coop.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from coop.ledger import accounts
from coop.ledger import service as ledger_service
from coop.ledger.models import SourceKind
from coop.ledger.rules import Line
from coop.members.models import Member
from coop.pay import rules
from coop.pay import service as pay_service
from coop.pay.estimates import school_day_minutes
from coop.pay.models import HOLIDAY_BAND, PayLine, PayPricing, PayRun, RateCard
from coop.pay.schemas import (
    MAX_PERIOD_DAYS,
    MyPayEntry,
    MyPayPublic,
    PayBandLine,
    PayRunMember,
    PayRunPublic,
)

PAY_ROLES = (Role.coordinator, Role.admin)
WORKED_KINDS = ("pay", "travel")  # minutes of these are hours worked (travel between visits is work, RULES §4.4)
PAYROLL_COLUMNS = (
    "member_id",
    "payroll_reference",
    "name",
    "hours",
    *(f"gross_{band}" for band in rules.PAYROLL_BANDS),
    "gross_travel",
    "holiday_pay",
    "dividend",
    "total",
)


# ------------------------------------------------------------------------------------------------- pricing


@dataclass
class PricingResult:
    priced: list[int] = field(default_factory=list)  # timesheet ids priced (first time or again)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (timesheet id, why) when not strict


def _figures(item: Timesheet | PayPricing) -> tuple:
    return (item.started_at, item.ended_at, item.break_minutes, item.worked_minutes)


def _exact(value: Fraction) -> str:
    return str(value)


def quote_timesheet(
    session: Session,
    sheet: Timesheet,
    member: Member | None = None,
    *,
    school_days: dict[tuple[int, date], Fraction | int] | None = None,
) -> rules.Quote:
    """The one pricing of a worked timesheet, for the member's pay lines and the client's invoice alike.

    The cards in force on its local date, the school's own day for a teacher's part day (RULES §4.1), so what
    the invoice says reached the worker is exactly what the pay run pays. A run pricing many timesheets passes
    one `school_days` dict, so each school's day is read once per date.
    """
    member = member or session.get(Member, sheet.member_id)
    worked_on = local_date(sheet.started_at)
    school_days = {} if school_days is None else school_days
    key = (sheet.client_id, worked_on)
    if key not in school_days:
        school_days[key] = school_day_minutes(session, session.get(Client, sheet.client_id), worked_on)
    return pay_service.quote_work(
        session=session,
        profession=member.profession,
        grade=member.grade,
        started_at=sheet.started_at,
        ended_at=sheet.ended_at,
        break_minutes=sheet.break_minutes,
        school_day_minutes=school_days[key],
    )


def _lines_for(session: Session, sheet: Timesheet, school_days: dict) -> tuple[list[rules.PayLine], rules.ChargeLine]:
    """The timesheet priced: pay lines and the holiday-pay line."""
    quote = quote_timesheet(session, sheet, school_days=school_days)
    holiday = next(line for line in quote.charge_lines if line.kind == "holiday_pay")
    return list(quote.pay_lines), holiday


def price_approved_timesheets(session: Session, *, member_id: int | None = None, strict: bool = True) -> PricingResult:
    """Write pay lines for approved timesheets not yet priced, or priced from figures since corrected. No commit.

    `strict` refuses (InvalidInput naming the timesheet) when one cannot be priced, e.g. no rate card for the
    member's grade; otherwise that timesheet is left unpriced and reported in `refused`.
    """
    # Only what needs pricing: no pricing yet, or a latest pricing whose figures differ (years of history are
    # otherwise read on every pay run).
    last = select(PayPricing.timesheet_id, sa.func.max(PayPricing.sequence).label("sequence"))
    last = last.group_by(PayPricing.timesheet_id).subquery()
    priced = aliased(PayPricing)
    query = (
        select(Timesheet)
        .outerjoin(last, last.c.timesheet_id == Timesheet.id)
        .outerjoin(priced, sa.and_(priced.timesheet_id == Timesheet.id, priced.sequence == last.c.sequence))
        .where(
            Timesheet.status == TimesheetStatus.approved,
            sa.or_(
                priced.id.is_(None),
                priced.started_at != Timesheet.started_at,
                priced.ended_at != Timesheet.ended_at,
                priced.break_minutes != Timesheet.break_minutes,
                priced.worked_minutes != Timesheet.worked_minutes,
            ),
        )
    )
    if member_id is not None:
        query = query.where(Timesheet.member_id == member_id)
    sheets = session.exec(query.order_by(col(Timesheet.id))).all()
    result = PricingResult()
    if not sheets:
        return result
    latest: dict[int, PayPricing] = {}
    for pricing in session.exec(
        select(PayPricing)
        .where(col(PayPricing.timesheet_id).in_([s.id for s in sheets]))
        .order_by(col(PayPricing.sequence))
    ).all():
        latest[pricing.timesheet_id] = pricing
    now = utcnow()
    school_days: dict = {}  # each school's day read once per date in this run
    for sheet in sheets:
        last = latest.get(sheet.id)
        if last is not None and _figures(last) == _figures(sheet):
            continue
        try:
            pay_lines, holiday = _lines_for(session, sheet, school_days)
        except InvalidInput as error:
            if strict:
                raise InvalidInput(
                    f"Timesheet {sheet.id} cannot be priced: {error.detail}", field="timesheet_id", code=error.code
                ) from error
            result.refused.append((sheet.id, error.detail))
            continue
        pricing = PayPricing(
            timesheet_id=sheet.id,
            member_id=sheet.member_id,
            sequence=last.sequence + 1 if last is not None else 1,
            worked_on=local_date(sheet.started_at),
            started_at=sheet.started_at,
            ended_at=sheet.ended_at,
            break_minutes=sheet.break_minutes,
            worked_minutes=sheet.worked_minutes,
            on_costs_card_id=holiday.card_id,
            priced_at=now,
        )
        session.add(pricing)
        session.flush()
        common = dict(pricing_id=pricing.id, timesheet_id=sheet.id, member_id=sheet.member_id, priced_at=now)
        if last is not None:
            # The old figures' lines (not their own adjustments) are negated, line by line, never updated.
            old_lines = session.exec(
                select(PayLine)
                .where(PayLine.pricing_id == last.id, PayLine.kind != "adjustment")
                .order_by(col(PayLine.id))
            ).all()
            for old in old_lines:
                session.add(
                    PayLine(
                        **common,
                        kind="adjustment",
                        adjusts_line_id=old.id,
                        adjusts_kind=old.kind,
                        rate_card_id=old.rate_card_id,
                        band=old.band,
                        unit=old.unit,
                        minutes=-old.minutes,
                        rate_pence=old.rate_pence,
                        exact_amount=_exact(-Fraction(old.exact_amount)),
                        amount_pence=-old.amount_pence,
                    )
                )
        for line in pay_lines:
            session.add(
                PayLine(
                    **common,
                    kind=line.kind,
                    rate_card_id=line.card_id,
                    band=line.band,
                    unit=line.unit,
                    minutes=line.minutes,
                    rate_pence=rules.round_half_up(line.rate_pence),
                    exact_amount=_exact(line.rate_pence * line.quantity),
                    amount_pence=line.amount_pence,
                )
            )
        # Rolled-up holiday pay, 12.07% of all pay for the work, its own line (RULES §1.5, §8.1.14).
        session.add(
            PayLine(
                **common,
                kind="holiday",
                rate_card_id=holiday.card_id,
                band=HOLIDAY_BAND,
                unit="percent",
                minutes=0,
                rate_pence=0,
                exact_amount=_exact(Fraction(holiday.basis_pence * holiday.rate_bp, rules.BASIS_POINTS)),
                amount_pence=holiday.amount_pence,
            )
        )
        session.flush()
        result.priced.append(sheet.id)
    return result


# ------------------------------------------------------------------------------------------------- my pay


def _check_period(start: date, end: date, *, start_field: str, end_field: str) -> None:
    if end < start:
        raise InvalidInput(f"{end_field} must be on or after {start_field}.", field=end_field)
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(f"A period is at most {MAX_PERIOD_DAYS} days.", field=end_field)


def _entry(pricing: PayPricing, shift_id: int, lines: Sequence[PayLine]) -> MyPayEntry:
    bands: dict[str, list[int]] = {}
    rates: dict[str, int] = {}
    for line in lines:
        if line.pays_for not in WORKED_KINDS:
            continue
        minutes_amount = bands.setdefault(line.band, [0, 0])
        minutes_amount[0] += line.minutes
        minutes_amount[1] += line.amount_pence
        # The rate shown is the current figures' (a line of the newest pricing), else the last seen.
        if (line.pricing_id == pricing.id and line.kind != "adjustment") or line.band not in rates:
            rates[line.band] = line.rate_pence
    band_lines = [
        PayBandLine(band=band, minutes=m, rate_pence=rates[band], amount_pence=a)
        for band, (m, a) in bands.items()
        if m or a
    ]
    unassigned = any(line.pay_run_id is None for line in lines)
    return MyPayEntry(
        timesheet_id=pricing.timesheet_id,
        shift_id=shift_id,
        worked_on=pricing.worked_on,
        minutes=pricing.worked_minutes,
        lines=band_lines,
        holiday_pay_pence=sum(line.amount_pence for line in lines if line.pays_for == "holiday"),
        total_pence=sum(line.amount_pence for line in lines),
        pay_run_id=None if unassigned else max(line.pay_run_id for line in lines),
    )


def my_pay(*, session: Session, actor: Actor, start: date, end: date) -> MyPayPublic:
    """The signed-in member's pay for timesheets worked from `start` to `end` (local dates), newest first.

    Prices the member's newly approved or corrected timesheets first (idempotent) and commits once, so what is
    approved shows here before it is in a pay run.
    """
    require_role(actor, Role.member)
    if actor.member_id is None:
        raise PermissionDenied("Only a member has pay.")
    _check_period(start, end, start_field="start", end_field="end")
    price_approved_timesheets(session, member_id=actor.member_id, strict=False)
    session.commit()
    pricings = session.exec(
        select(PayPricing)
        .where(PayPricing.member_id == actor.member_id)
        .order_by(col(PayPricing.timesheet_id), col(PayPricing.sequence))
    ).all()
    newest: dict[int, PayPricing] = {p.timesheet_id: p for p in pricings}
    chosen = {tid: p for tid, p in newest.items() if start <= p.worked_on <= end}
    if not chosen:
        return MyPayPublic(data=[], total_pence=0, pending_pence=0)
    lines_by_sheet: dict[int, list[PayLine]] = defaultdict(list)
    for line in session.exec(
        select(PayLine).where(col(PayLine.timesheet_id).in_(chosen)).order_by(col(PayLine.id))
    ).all():
        lines_by_sheet[line.timesheet_id].append(line)
    shifts = dict(
        session.exec(
            select(Timesheet.id, Booking.shift_id)
            .join(Booking, Booking.id == Timesheet.booking_id)
            .where(col(Timesheet.id).in_(chosen))
        ).all()
    )
    entries = [_entry(p, shifts[tid], lines_by_sheet[tid]) for tid, p in chosen.items()]
    entries.sort(key=lambda e: (e.worked_on, e.timesheet_id), reverse=True)
    pending = sum(line.amount_pence for lines in lines_by_sheet.values() for line in lines if line.pay_run_id is None)
    return MyPayPublic(data=entries, total_pence=sum(e.total_pence for e in entries), pending_pence=pending)


# ------------------------------------------------------------------------------------------------- pay runs


def default_period(today: date) -> tuple[date, date]:
    """Last week, Monday to Sunday (the default pay period)."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def _run_lines(session: Session, run_id: int) -> list[PayLine]:
    return list(session.exec(select(PayLine).where(PayLine.pay_run_id == run_id).order_by(col(PayLine.id))).all())


@dataclass
class _MemberTotals:
    minutes: int = 0
    by_band: dict[str, int] = field(default_factory=lambda: {band: 0 for band in rules.PAYROLL_BANDS})
    travel: int = 0
    holiday: int = 0
    dividend: int = 0

    @property
    def wages(self) -> int:
        return sum(self.by_band.values()) + self.travel

    @property
    def total(self) -> int:
        return self.wages + self.holiday + self.dividend


def _member_totals(lines: Sequence[PayLine]) -> dict[int, _MemberTotals]:
    totals: dict[int, _MemberTotals] = {}
    for line in lines:
        member = totals.setdefault(line.member_id, _MemberTotals())
        kind = line.pays_for
        if kind in WORKED_KINDS:
            member.minutes += line.minutes
        if kind == "pay":
            member.by_band[line.band] = member.by_band.get(line.band, 0) + line.amount_pence
        elif kind == "travel":
            member.travel += line.amount_pence
        elif kind == "holiday":
            member.holiday += line.amount_pence
        elif kind == "dividend":
            member.dividend += line.amount_pence
    return dict(sorted(totals.items()))


def _members(session: Session, ids: Sequence[int]) -> dict[int, Member]:
    if not ids:
        return {}
    return {m.id: m for m in session.exec(select(Member).where(col(Member.id).in_(ids))).all()}


def pay_run_public(session: Session, run: PayRun) -> PayRunPublic:
    lines = _run_lines(session, run.id)
    totals = _member_totals(lines)
    members = _members(session, list(totals))
    rows = [
        PayRunMember(
            member_id=member_id,
            name=members[member_id].name,
            payroll_reference=members[member_id].payroll_reference,
            minutes=t.minutes,
            gross_by_band_pence=t.by_band,
            travel_pence=t.travel,
            holiday_pay_pence=t.holiday,
            dividend_pence=t.dividend,
            total_pence=t.total,
        )
        for member_id, t in totals.items()
    ]
    return PayRunPublic(
        id=run.id,
        period_start=run.period_start,
        period_end=run.period_end,
        status=run.status,
        created_at=run.created_at,
        posted_at=run.posted_at,
        exported_at=run.exported_at,
        journal_entry_id=run.journal_entry_id,
        csv_sha256=run.csv_sha256,
        line_count=len(lines),
        members=rows,
        total_pence=sum(row.total_pence for row in rows),
    )


def list_pay_runs(*, session: Session, actor: Actor) -> list[PayRunPublic]:
    require_role(actor, *PAY_ROLES)
    runs = session.exec(select(PayRun).order_by(col(PayRun.period_start).desc(), col(PayRun.id).desc())).all()
    return [pay_run_public(session, run) for run in runs]


def get_pay_run(*, session: Session, actor: Actor, run_id: int) -> PayRunPublic:
    require_role(actor, *PAY_ROLES)
    run = session.get(PayRun, run_id)
    if run is None:
        raise NotFound(f"No pay run {run_id}.")
    return pay_run_public(session, run)


def create_pay_run(*, session: Session, actor: Actor, period_start: date, period_end: date) -> PayRunPublic:
    """A draft run for a period: price first, then take every line not yet in a run whose timesheet was worked
    in the period or before it (RULES §8.1.15: late approvals are paid in the next run, never dropped)."""
    require_role(actor, *PAY_ROLES)
    _check_period(period_start, period_end, start_field="period_start", end_field="period_end")
    overlapping = session.exec(
        select(PayRun).where(PayRun.period_start <= period_end, PayRun.period_end >= period_start)
    ).first()
    if overlapping is not None:
        raise Conflict(
            f"Pay run {overlapping.id} already covers {overlapping.period_start} to {overlapping.period_end}.",
            code="pay_run_overlaps",
        )
    price_approved_timesheets(session, strict=True)
    line_ids = session.exec(
        select(PayLine.id)
        .outerjoin(PayPricing, PayPricing.id == PayLine.pricing_id)
        .where(
            col(PayLine.pay_run_id).is_(None),
            sa.or_(col(PayLine.pricing_id).is_(None), PayPricing.worked_on <= period_end),
        )
    ).all()
    if not line_ids:
        raise Conflict(
            f"Nothing approved and unpaid was worked on or before {period_end}.", code="pay_run_nothing_to_pay"
        )
    run = PayRun(
        period_start=period_start, period_end=period_end, created_by_user_id=actor.user_id, created_at=utcnow()
    )
    session.add(run)
    session.flush()
    taken = session.execute(
        sa.update(PayLine)
        .where(col(PayLine.id).in_(line_ids), col(PayLine.pay_run_id).is_(None))
        .values(pay_run_id=run.id)
    ).rowcount
    if taken != len(line_ids):
        # Another run took some of these lines at the same moment: take none, and say to try again.
        raise Conflict("Another pay run was made at the same time: try again.", code="pay_run_race")
    session.commit()
    return pay_run_public(session, run)


def _on_costs(session: Session, lines: Sequence[PayLine]) -> dict[int, tuple[int, int]]:
    """Employer NI and pension per member, on pay plus holiday pay (both earnings), at the rates of the on-costs
    card each timesheet was priced with (RULES §4.5, §8.1.16), rounded once per member and card."""
    pricing_ids = {line.pricing_id for line in lines if line.pricing_id is not None}
    card_of = dict(
        session.exec(
            select(PayPricing.id, PayPricing.on_costs_card_id).where(col(PayPricing.id).in_(pricing_ids))
        ).all()
    )
    earnings: dict[tuple[int, int | None], int] = defaultdict(int)
    for line in lines:
        if line.pays_for in (*WORKED_KINDS, "holiday"):
            earnings[(line.member_id, card_of.get(line.pricing_id))] += line.amount_pence
    cards = {
        card.id: card
        for card in session.exec(select(RateCard).where(col(RateCard.id).in_({c for _m, c in earnings if c}))).all()
    }
    result: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for (member_id, card_id), amount in sorted(earnings.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        card = cards.get(card_id)
        if card is None:
            continue
        ni, pension = result[member_id]
        result[member_id] = (
            ni + rules.of_basis_points(amount, card.employer_ni_bp or 0),
            pension + rules.of_basis_points(amount, card.pension_bp or 0),
        )
    return dict(result)


def pay_run_ledger_lines(session: Session, lines: Sequence[PayLine]) -> list[Line]:
    """The run's postings, per member: Dr wages, Dr holiday pay (Dr members' bonus payable for a dividend),
    Cr net wages payable with the gross; Dr employer NI / Cr PAYE-NI payable; Dr pension / Cr pension payable."""
    totals = _member_totals(lines)
    on_costs = _on_costs(session, lines)
    professions = {m.id: m.profession for m in _members(session, list(totals)).values()}
    postings: list[Line] = []
    for member_id, t in totals.items():
        ni, pension = on_costs.get(member_id, (0, 0))
        profession = professions.get(member_id)
        for code, amount in (
            (accounts.WAGES, t.wages),
            (accounts.HOLIDAY_PAY, t.holiday),
            (accounts.MEMBERS_BONUS_PAYABLE, t.dividend),
            (accounts.NET_WAGES_PAYABLE, -t.total),
            (accounts.EMPLOYER_NI, ni),
            (accounts.PAYE_NI_PAYABLE, -ni),
            (accounts.EMPLOYER_PENSION, pension),
            (accounts.PENSION_PAYABLE, -pension),
        ):
            if amount:
                postings.append(Line(code, amount, member_id=member_id, profession=profession))
    return postings


def post_pay_run(*, session: Session, actor: Actor, run_id: int) -> PayRunPublic:
    """Post a draft run: one balanced ledger entry dated the period's last day, then the run is posted."""
    require_role(actor, *PAY_ROLES)
    run = session.get(PayRun, run_id)
    if run is None:
        raise NotFound(f"No pay run {run_id}.")
    if run.status != "draft":
        raise Conflict(f"Pay run {run_id} is already {run.status}.", code=f"pay_run_{run.status}")
    postings = pay_run_ledger_lines(session, _run_lines(session, run.id))
    if not postings:
        raise Conflict(f"Pay run {run_id} nets to nothing: there is nothing to post.", code="pay_run_nothing_to_pay")
    entry = ledger_service.post_entry(
        session,
        entry_date=run.period_end,
        description=f"Pay run {run.id}: {run.period_start} to {run.period_end}",
        source_kind=SourceKind.pay_run,
        source_id=run.id,
        lines=postings,
        created_by_user_id=actor.user_id,
    )
    run.status, run.posted_at, run.journal_entry_id = "posted", utcnow(), entry.id
    session.add(run)
    session.commit()
    return pay_run_public(session, run)


def payroll_csv(session: Session, lines: Sequence[PayLine]) -> str:
    """One row per member, by member id: hours, gross by band, travel, holiday pay, dividend, total (pounds)."""
    totals = _member_totals(lines)
    members = _members(session, list(totals))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PAYROLL_COLUMNS)
    for member_id, t in totals.items():
        member = members[member_id]
        writer.writerow(
            [
                member_id,
                rules.spreadsheet_safe(member.payroll_reference or ""),
                rules.spreadsheet_safe(member.name),
                rules.hours_text(t.minutes),
                *(rules.pounds(t.by_band.get(band, 0)) for band in rules.PAYROLL_BANDS),
                rules.pounds(t.travel),
                rules.pounds(t.holiday),
                rules.pounds(t.dividend),
                rules.pounds(t.total),
            ]
        )
    return out.getvalue()


def export_payroll(*, session: Session, actor: Actor, period_start: date, period_end: date) -> tuple[str, str]:
    """The payroll file for a posted run's period, as (filename, text). The first export keeps the file and
    marks the run's lines exported; a later export gives the very same bytes (the file as sent)."""
    require_role(actor, *PAY_ROLES)
    _check_period(period_start, period_end, start_field="period_start", end_field="period_end")
    run = session.exec(
        select(PayRun).where(PayRun.period_start == period_start, PayRun.period_end == period_end)
    ).first()
    if run is None:
        raise NotFound(f"No pay run for {period_start} to {period_end}.")
    filename = f"payroll-{period_start}-{period_end}.csv"
    if run.status == "draft":
        raise Conflict("Post the pay run before exporting it.", code="pay_run_draft")
    if run.status == "exported" and run.csv_text is not None:
        return filename, run.csv_text
    text = payroll_csv(session, _run_lines(session, run.id))
    now = utcnow()
    run.csv_text, run.csv_sha256 = text, hashlib.sha256(text.encode("utf-8")).hexdigest()
    run.status, run.exported_at = "exported", now
    session.add(run)
    session.execute(
        sa.update(PayLine)
        .where(PayLine.pay_run_id == run.id, col(PayLine.exported_at).is_(None))
        .values(exported_at=now)
    )
    session.commit()
    return filename, text


def export_payroll_for_run(*, session: Session, actor: Actor, run_id: int) -> tuple[str, str]:
    """The same export, found by the run's id (the coordinator's page links to it)."""
    require_role(actor, *PAY_ROLES)
    run = session.get(PayRun, run_id)
    if run is None:
        raise NotFound(f"No pay run {run_id}.")
    return export_payroll(session=session, actor=actor, period_start=run.period_start, period_end=run.period_end)

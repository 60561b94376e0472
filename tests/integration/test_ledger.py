"""The ledger on real databases (SQLite and PostgreSQL): the database itself keeps the books balanced and
append-only when the domain is gone around with raw SQL; reversals, closed periods, imports, margins and
the Beancount export agree with the trial balance."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import realization
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from coop.access import Actor
from coop.errors import Conflict, InvalidInput
from coop.ledger import service
from coop.ledger.accounts import BY_CODE, CHART
from coop.ledger.models import Account, JournalEntry, Posting, SourceKind
from coop.ledger.rules import Line
from tests.factories import make_client

COORDINATOR = Actor(user_id=None, roles=frozenset({"coordinator"}), name="coordinator")
DAY = date(2026, 12, 1)


def _raw_entry(connection, amounts: list[int], day: date = DAY, account: str = "1000") -> int:
    """An entry and its postings written by raw SQL, not yet posted (the domain is not involved)."""
    entry_id = connection.execute(
        text(
            "INSERT INTO journal_entry (entry_date, description, source_kind) "
            "VALUES (:day, 'raw', 'manual') RETURNING id"
        ),
        {"day": day},
    ).scalar_one()
    for amount in amounts:
        connection.execute(
            text("INSERT INTO posting (entry_id, entry_date, account_code, amount_pence) VALUES (:e, :day, :a, :p)"),
            {"e": entry_id, "day": day, "a": account, "p": amount},
        )
    return entry_id


def _post_raw(connection, entry_id: int) -> None:
    connection.execute(text("UPDATE journal_entry SET posted_at = CURRENT_TIMESTAMP WHERE id = :e"), {"e": entry_id})


def _invoice(session, *, pence: int = 12_000, day: date = DAY, client_id: int | None = None) -> JournalEntry:
    entry = service.post_entry(
        session,
        entry_date=day,
        description="Invoice 1 to Ward A4",
        source_kind=SourceKind.invoice,
        source_id=1,
        lines=[
            Line("1100", pence, client_id=client_id, profession="nurse"),
            Line("4010", -pence, client_id=client_id, profession="nurse"),
        ],
    )
    session.commit()
    return entry


def test_the_migration_seeds_the_chart_of_accounts(session):
    seeded = {a.code: (a.name, a.name_cy, a.type) for a in session.exec(select(Account)).all()}
    assert seeded == {a.code: (a.name, a.name_cy, a.type.value) for a in CHART}


def test_the_database_refuses_to_post_an_unbalanced_entry(engine):
    with engine.connect() as connection, connection.begin():
        entry_id = _raw_entry(connection, [1_000, -999])
        with pytest.raises(IntegrityError, match="ledger_entry_unbalanced"):
            _post_raw(connection, entry_id)


def test_the_database_refuses_to_post_an_entry_of_one_posting_or_insert_one_already_posted(engine):
    with engine.connect() as connection, connection.begin():
        with pytest.raises(IntegrityError, match="ledger_entry_unbalanced"):
            _post_raw(connection, _raw_entry(connection, [1_000]))
    with engine.connect() as connection, connection.begin():
        with pytest.raises(IntegrityError, match="ledger_entry_inserted_posted"):
            connection.execute(
                text(
                    "INSERT INTO journal_entry (entry_date, description, source_kind, posted_at) "
                    "VALUES (:day, 'raw', 'manual', CURRENT_TIMESTAMP)"
                ),
                {"day": DAY},
            )


def test_the_database_posts_a_balanced_raw_entry_and_then_freezes_it(engine):
    with engine.connect() as connection, connection.begin():
        entry_id = _raw_entry(connection, [1_000, -1_000])
        _post_raw(connection, entry_id)
    refused = [
        ("UPDATE posting SET amount_pence = 2000 WHERE entry_id = :e AND amount_pence > 0", "ledger_posting"),
        ("DELETE FROM posting WHERE entry_id = :e", "ledger_entry_posted"),
        ("UPDATE journal_entry SET description = 'edited' WHERE id = :e", "ledger_entry_posted"),
        ("UPDATE journal_entry SET posted_at = NULL WHERE id = :e", "ledger_entry_posted"),
        ("DELETE FROM journal_entry WHERE id = :e", "ledger_entry_posted"),
        (
            "INSERT INTO posting (entry_id, entry_date, account_code, amount_pence) "
            "VALUES (:e, '2026-12-01', '1000', 5)",
            "ledger_entry_posted",
        ),
    ]
    for statement, message in refused:
        with engine.connect() as connection, connection.begin():
            with pytest.raises(IntegrityError, match=message):
                connection.execute(text(statement), {"e": entry_id})
    with engine.connect() as connection:
        amounts = connection.execute(text("SELECT amount_pence FROM posting WHERE entry_id = :e"), {"e": entry_id})
        assert sorted(amounts.scalars()) == [-1_000, 1_000]


def test_the_database_refuses_a_posting_dated_apart_from_its_entry(engine):
    with engine.connect() as connection, connection.begin():
        entry_id = _raw_entry(connection, [])
        with pytest.raises(IntegrityError, match="ledger_posting_date"):
            connection.execute(
                text(
                    "INSERT INTO posting (entry_id, entry_date, account_code, amount_pence) "
                    "VALUES (:e, '2026-12-02', '1000', 5)"
                ),
                {"e": entry_id},
            )


def test_the_database_refuses_posting_into_a_closed_period_and_keeps_it_closed(engine, session):
    period = service.open_period(session, actor=COORDINATOR, starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31))
    service.close_period(session, actor=COORDINATOR, period_id=period.id)
    with engine.connect() as connection, connection.begin():
        entry_id = _raw_entry(connection, [500, -500])
        with pytest.raises(IntegrityError, match="ledger_period_closed"):
            _post_raw(connection, entry_id)
    with engine.connect() as connection, connection.begin():
        with pytest.raises(IntegrityError, match="ledger_period_closed"):
            connection.execute(text("UPDATE accounting_period SET status = 'open' WHERE id = :p"), {"p": period.id})


def test_the_domain_refuses_posting_into_a_closed_period_naming_the_date(session):
    period = service.open_period(session, actor=COORDINATOR, starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31))
    service.close_period(session, actor=COORDINATOR, period_id=period.id)
    with pytest.raises(InvalidInput) as refused:
        service.post_manual_journal(
            session, actor=COORDINATOR, entry_date=DAY, reason="late bill", lines=[Line("7000", 10), Line("1000", -10)]
        )
    assert refused.value.field == "date"
    entry = service.post_manual_journal(
        session,
        actor=COORDINATOR,
        entry_date=date(2027, 4, 1),
        reason="late bill",
        lines=[Line("7000", 10), Line("1000", -10)],
    )
    assert entry.posted_at is not None


def test_a_reversal_nets_the_entry_to_zero_and_is_made_once(session):
    entry = _invoice(session)
    reversal = service.reverse_journal(
        session, actor=COORDINATOR, entry_id=entry.id, entry_date=date(2026, 12, 3), reason="billed the wrong ward"
    )
    assert reversal.reverses_entry_id == entry.id and reversal.source_kind == SourceKind.reversal
    assert service.balances(session) == {"1100": 0, "4010": 0}
    assert service.balances(session, end=date(2026, 12, 2)) == {"1100": 12_000, "4010": -12_000}
    with pytest.raises(Conflict):
        service.reverse_journal(session, actor=COORDINATOR, entry_id=entry.id, entry_date=DAY, reason="again")


def test_an_unbalanced_manual_journal_writes_nothing(session):
    with pytest.raises(InvalidInput) as refused:
        service.post_manual_journal(
            session, actor=COORDINATOR, entry_date=DAY, reason="typo", lines=[Line("7000", 10), Line("1000", -9)]
        )
    assert refused.value.field == "postings"
    session.rollback()
    assert session.exec(select(JournalEntry)).all() == []


def test_post_entry_leaves_the_commit_to_the_callers_use_case(session):
    service.post_entry(
        session,
        entry_date=DAY,
        description="a pay run that then fails",
        source_kind=SourceKind.pay_run,
        lines=[Line("5000", 100), Line("2120", -100)],
    )
    session.rollback()
    assert session.exec(select(Posting)).all() == []


def test_an_unposted_draft_is_never_counted(engine, session):
    with engine.connect() as connection, connection.begin():
        _raw_entry(connection, [1_000])
    _invoice(session)
    assert service.balances(session) == {"1100": 12_000, "4010": -12_000}


CSV_GOOD = """journal,date,account,debit_pence,credit_pence,reason,client_id
J1,2026-12-01,1000,50000,,shares bought,
J1,2026-12-01,3000,,50000,,
J2,2026-12-02,7100,1200,,software,
J2,2026-12-02,1000,,1200,,
"""


def test_a_csv_of_journals_is_imported_one_entry_per_journal(session):
    entries = service.import_journals_csv(session, actor=COORDINATOR, csv_text=CSV_GOOD)
    assert [e.source_kind for e in entries] == [SourceKind.import_, SourceKind.import_]
    assert service.balances(session) == {"1000": 48_800, "3000": -50_000, "7100": 1_200}


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ("J2,2026-12-02,7100,-1200,,software,", "row 4.debit_pence"),
        ("J2,2026-12-02,9999,1200,,software,", "row 4.account"),
        ("J2,2026-13-02,7100,1200,,software,", "row 4.date"),
        ("J2,2026-12-02,7100,1200,5,software,", "row 4.debit_pence"),
        ("J2,2026-12-02,7100,1199,,software,", "row 4.journal"),
        ("J2,2026-12-02,7100,12.00,,software,", "row 4.debit_pence"),
    ],
)
def test_a_csv_with_a_bad_row_names_it_and_imports_nothing(session, bad, field):
    lines = CSV_GOOD.splitlines()
    lines[3] = bad
    with pytest.raises(InvalidInput) as refused:
        service.import_journals_csv(session, actor=COORDINATOR, csv_text="\n".join(lines) + "\n")
    assert refused.value.field == field
    session.rollback()
    assert session.exec(select(JournalEntry)).all() == []


def test_margins_are_income_less_direct_costs_per_client_and_per_profession(session):
    ward, school = make_client(session, kind="ward"), make_client(session, kind="school")
    _invoice(session, pence=12_000, client_id=ward.id)
    service.post_entry(
        session,
        entry_date=DAY,
        description="Pay for the ward shift",
        source_kind=SourceKind.pay_run,
        lines=[
            Line("5000", 9_000, client_id=ward.id, profession="nurse"),
            Line("5020", 500, client_id=ward.id, profession="nurse"),
            Line("2120", -9_500),
        ],
    )
    service.post_entry(
        session,
        entry_date=DAY,
        description="Invoice 2 to a school",
        source_kind=SourceKind.invoice,
        source_id=2,
        lines=[Line("1100", 20_000), Line("4000", -20_000, client_id=school.id, profession="supply_teacher")],
    )
    service.post_entry(
        session,
        entry_date=DAY,
        description="Software",
        source_kind=SourceKind.manual,
        lines=[Line("7100", 700), Line("1000", -700)],
    )
    session.commit()
    by_client = service.margins(session, actor=COORDINATOR, start=DAY, end=DAY, by="client")
    assert [(m.key, m.income_pence, m.direct_costs_pence, m.margin_pence) for m in by_client] == sorted(
        [(str(ward.id), 12_000, 9_500, 2_500), (str(school.id), 20_000, 0, 20_000)]
    )
    by_profession = service.margins(session, actor=COORDINATOR, start=DAY, end=DAY, by="profession")
    assert [(m.key, m.margin_pence) for m in by_profession] == [("nurse", 2_500), ("supply_teacher", 20_000)]


def _bean_check(tmp_path: Path, ledger: str) -> None:
    path = tmp_path / "coop.beancount"
    path.write_text(ledger)
    command = shutil.which("bean-check", path=str(Path(sys.executable).parent))
    assert command, "bean-check is installed beside the interpreter"
    result = subprocess.run([command, str(path)], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and result.stdout == result.stderr == "", result.stdout + result.stderr


def test_the_beancount_export_passes_bean_check_and_agrees_with_the_trial_balance(session, tmp_path):
    ward = make_client(session, kind="ward")
    entry = _invoice(session, pence=123_45, client_id=ward.id)
    service.post_manual_journal(
        session,
        actor=COORDINATOR,
        entry_date=date(2026, 12, 2),
        reason='shares "bought" by two members',
        lines=[Line("1000", 2_00), Line("3000", -2_00, member_id=None)],
    )
    service.import_journals_csv(session, actor=COORDINATOR, csv_text=CSV_GOOD)
    service.reverse_journal(session, actor=COORDINATOR, entry_id=entry.id, entry_date=DAY, reason="wrong ward")
    _invoice(session, pence=99_99, day=date(2026, 12, 4), client_id=ward.id)

    ledger = service.export_beancount(session, actor=COORDINATOR)
    _bean_check(tmp_path, ledger)
    entries, errors, options = loader.load_string(ledger)
    assert errors == [] and options["operating_currency"] == ["GBP"]
    root = realization.realize(entries)
    trial = service.trial_balance(session, actor=COORDINATOR, as_of=date(2026, 12, 31))
    assert trial.accounts, "the trial balance has accounts to compare"
    for account in trial.accounts:
        units = realization.get(root, BY_CODE[account.code].beancount_name).balance.get_currency_units("GBP")
        assert units.number == Decimal(account.balance_pence) / 100, account.code
    bean_total = sum(
        (ra.balance.get_currency_units("GBP").number for ra in realization.iter_children(root)), Decimal(0)
    )
    assert bean_total == 0
    assert "reverses: " in ledger and 'source: "invoice"' in ledger and "client_id: " in ledger

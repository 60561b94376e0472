"""the ledger: chart of accounts, accounting periods, journal entries and postings

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-07 03:44:11.990279

The database keeps the books balanced and append-only whatever the code above it does, on SQLite and
PostgreSQL alike (the same rules as `coop/ledger/rules.py` and `service.post_entry`):

- a journal entry is inserted unposted (`posted_at` NULL; inserting it posted is refused), its postings
  are inserted (each carrying the entry's date, checked), and then one UPDATE sets `posted_at`. That
  UPDATE is refused unless the entry's postings sum to zero pence, there are at least two of them, and no
  closed accounting period holds the entry's date;
- a posted entry is frozen: any UPDATE or DELETE of it is refused, and so is adding, changing or deleting
  one of its postings. Postings are never updated at all, posted or not;
- a closed accounting period cannot be changed or deleted.

Why "post by UPDATE" rather than a deferred check at commit: SQLite has no deferred triggers, and this
works the same way on both. On PostgreSQL a posting's trigger locks its entry's row (FOR SHARE), so a
posting added by another transaction cannot slip in beside the UPDATE that checks the sum.

The chart (`coop/ledger/accounts.py`) is seeded here. A later migration that adds an account inserts
only that account; accounts are never deleted once postings name them.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import coop.db
from coop.ledger.accounts import CHART

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


SQLITE_TRIGGERS = {
    "journal_entry_insert_unposted": """CREATE TRIGGER journal_entry_insert_unposted BEFORE INSERT ON journal_entry
    WHEN NEW.posted_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'ledger_entry_inserted_posted: insert the entry, its postings, then post it'); END""",
    "journal_entry_post": """CREATE TRIGGER journal_entry_post BEFORE UPDATE ON journal_entry
    WHEN OLD.posted_at IS NULL AND NEW.posted_at IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'ledger_entry_unbalanced: postings must sum to zero, two at least')
        WHERE (SELECT COALESCE(SUM(amount_pence), 0) FROM posting WHERE entry_id = OLD.id) <> 0
           OR (SELECT COUNT(*) FROM posting WHERE entry_id = OLD.id) < 2;
        SELECT RAISE(ABORT, 'ledger_period_closed: the entry date is in a closed accounting period')
        WHERE EXISTS (SELECT 1 FROM accounting_period
                      WHERE status = 'closed' AND NEW.entry_date BETWEEN starts_on AND ends_on);
    END""",
    "journal_entry_date_kept": """CREATE TRIGGER journal_entry_date_kept BEFORE UPDATE OF entry_date ON journal_entry
    WHEN NEW.entry_date IS NOT OLD.entry_date AND EXISTS (SELECT 1 FROM posting WHERE entry_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'ledger_posting_date: an entry with postings keeps its date'); END""",
    "journal_entry_frozen": """CREATE TRIGGER journal_entry_frozen BEFORE UPDATE ON journal_entry
    WHEN OLD.posted_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'ledger_entry_posted: a posted entry is never changed; reverse it'); END""",
    "journal_entry_kept": """CREATE TRIGGER journal_entry_kept BEFORE DELETE ON journal_entry
    WHEN OLD.posted_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'ledger_entry_posted: a posted entry is never deleted; reverse it'); END""",
    "posting_insert_guard": """CREATE TRIGGER posting_insert_guard BEFORE INSERT ON posting
    BEGIN
        SELECT RAISE(ABORT, 'ledger_entry_posted: no posting is added to a posted entry')
        WHERE (SELECT posted_at FROM journal_entry WHERE id = NEW.entry_id) IS NOT NULL;
        SELECT RAISE(ABORT, 'ledger_posting_date: a posting carries its entry''s date')
        WHERE NEW.entry_date IS NOT (SELECT entry_date FROM journal_entry WHERE id = NEW.entry_id);
    END""",
    "posting_immutable": """CREATE TRIGGER posting_immutable BEFORE UPDATE ON posting
    BEGIN SELECT RAISE(ABORT, 'ledger_posting_immutable: postings are never changed'); END""",
    "posting_kept": """CREATE TRIGGER posting_kept BEFORE DELETE ON posting
    WHEN (SELECT posted_at FROM journal_entry WHERE id = OLD.entry_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'ledger_entry_posted: a posted entry''s postings are never deleted'); END""",
    "accounting_period_closed_frozen": """CREATE TRIGGER accounting_period_closed_frozen
    BEFORE UPDATE ON accounting_period WHEN OLD.status = 'closed'
    BEGIN SELECT RAISE(ABORT, 'ledger_period_closed: a closed period is never changed'); END""",
    "accounting_period_closed_kept": """CREATE TRIGGER accounting_period_closed_kept
    BEFORE DELETE ON accounting_period WHEN OLD.status = 'closed'
    BEGIN SELECT RAISE(ABORT, 'ledger_period_closed: a closed period is never deleted'); END""",
}

# PostgreSQL: the same rules as plpgsql trigger functions; ERRCODE check_violation makes them integrity errors.
PG_FUNCTIONS = {
    "ledger_journal_entry_guard": """
CREATE FUNCTION ledger_journal_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
    lines integer;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.posted_at IS NOT NULL THEN
            RAISE EXCEPTION 'ledger_entry_inserted_posted: insert the entry, its postings, then post it'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.posted_at IS NOT NULL THEN
        RAISE EXCEPTION 'ledger_entry_posted: entry % is posted and is never changed or deleted; reverse it', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NEW.entry_date IS DISTINCT FROM OLD.entry_date AND EXISTS (SELECT 1 FROM posting WHERE entry_id = OLD.id) THEN
        RAISE EXCEPTION 'ledger_posting_date: an entry with postings keeps its date' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.posted_at IS NOT NULL THEN
        SELECT COALESCE(SUM(amount_pence), 0), COUNT(*) INTO total, lines FROM posting WHERE entry_id = OLD.id;
        IF total <> 0 OR lines < 2 THEN
            RAISE EXCEPTION 'ledger_entry_unbalanced: entry % has % postings summing to % pence', OLD.id, lines, total
                USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM accounting_period
                   WHERE status = 'closed' AND NEW.entry_date BETWEEN starts_on AND ends_on) THEN
            RAISE EXCEPTION 'ledger_period_closed: % is in a closed accounting period', NEW.entry_date
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$""",
    "ledger_posting_guard": """
CREATE FUNCTION ledger_posting_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry_posted timestamptz;
    entry_day date;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'ledger_posting_immutable: postings are never changed' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        SELECT posted_at INTO entry_posted FROM journal_entry WHERE id = OLD.entry_id;
        IF entry_posted IS NOT NULL THEN
            RAISE EXCEPTION 'ledger_entry_posted: a posted entry''s postings are never deleted'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    -- FOR SHARE: the UPDATE that posts the entry waits for this transaction, and then sees this posting.
    SELECT posted_at, entry_date INTO entry_posted, entry_day FROM journal_entry WHERE id = NEW.entry_id FOR SHARE;
    IF entry_posted IS NOT NULL THEN
        RAISE EXCEPTION 'ledger_entry_posted: no posting is added to a posted entry' USING ERRCODE = 'check_violation';
    END IF;
    IF entry_day IS DISTINCT FROM NEW.entry_date THEN
        RAISE EXCEPTION 'ledger_posting_date: a posting carries its entry''s date' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$""",
    "ledger_period_guard": """
CREATE FUNCTION ledger_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'closed' THEN
        RAISE EXCEPTION 'ledger_period_closed: a closed period is never changed or deleted'
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$""",
}
PG_TRIGGERS = {
    ("journal_entry_guard", "journal_entry"): "CREATE TRIGGER journal_entry_guard BEFORE INSERT OR UPDATE OR DELETE "
    "ON journal_entry FOR EACH ROW EXECUTE FUNCTION ledger_journal_entry_guard()",
    ("posting_guard", "posting"): "CREATE TRIGGER posting_guard BEFORE INSERT OR UPDATE OR DELETE "
    "ON posting FOR EACH ROW EXECUTE FUNCTION ledger_posting_guard()",
    ("accounting_period_guard", "accounting_period"): "CREATE TRIGGER accounting_period_guard BEFORE UPDATE OR DELETE "
    "ON accounting_period FOR EACH ROW EXECUTE FUNCTION ledger_period_guard()",
}


def _add_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for function in PG_FUNCTIONS.values():
            op.execute(function)
        for trigger in PG_TRIGGERS.values():
            op.execute(trigger)
    else:
        for trigger in SQLITE_TRIGGERS.values():
            op.execute(trigger)


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "account",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("name_cy", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.CheckConstraint(
            "type IN ('asset', 'liability', 'equity', 'income', 'expense')", name=op.f("ck_account_type")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_account")),
    )
    op.create_table(
        "accounting_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("closed_at", coop.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_accounting_period_status")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_accounting_period_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["closed_by_user_id"], ["user_account.id"], name=op.f("fk_accounting_period_closed_by_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounting_period")),
    )
    with op.batch_alter_table("accounting_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounting_period_starts_on"), ["starts_on"], unique=False)

    op.create_table(
        "journal_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column(
            "source_kind",
            sa.Enum(
                "invoice",
                "credit_note",
                "pay_run",
                "payment",
                "manual",
                "import",
                "appropriation",
                "dividend",
                "year_close",
                "reversal",
                name="journal_source_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("reverses_entry_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("posted_at", coop.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["user_account.id"], name=op.f("fk_journal_entry_created_by_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_entry_id"], ["journal_entry.id"], name=op.f("fk_journal_entry_reverses_entry_id_journal_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
        sa.UniqueConstraint("reverses_entry_id", name=op.f("uq_journal_entry_reverses_entry_id")),
    )
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journal_entry_entry_date"), ["entry_date"], unique=False)
        batch_op.create_index(
            "ix_journal_entry_unposted",
            ["id"],
            unique=False,
            sqlite_where=sa.text("posted_at IS NULL"),
            postgresql_where=sa.text("posted_at IS NULL"),
        )

    op.create_table(
        "posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("account_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("profession", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.CheckConstraint("amount_pence <> 0", name=op.f("ck_posting_amount_not_zero")),
        sa.ForeignKeyConstraint(["account_code"], ["account.code"], name=op.f("fk_posting_account_code_account")),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"], name=op.f("fk_posting_client_id_client")),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entry.id"], name=op.f("fk_posting_entry_id_journal_entry")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_posting_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting")),
    )
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.create_index(
            "ix_posting_account_code_entry_date",
            ["account_code", "entry_date", "amount_pence", "entry_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_posting_client_id"), ["client_id"], unique=False)
        batch_op.create_index("ix_posting_entry_date", ["entry_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_member_id"), ["member_id"], unique=False)

    # ### end Alembic commands ###
    account = sa.table("account", sa.column("code"), sa.column("name"), sa.column("name_cy"), sa.column("type"))
    op.bulk_insert(
        account, [{"code": a.code, "name": a.name, "name_cy": a.name_cy, "type": a.type.value} for a in CHART]
    )
    _add_guards()


def downgrade() -> None:
    _drop_guards()
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posting_member_id"))
        batch_op.drop_index(batch_op.f("ix_posting_entry_id"))
        batch_op.drop_index("ix_posting_entry_date")
        batch_op.drop_index(batch_op.f("ix_posting_client_id"))
        batch_op.drop_index("ix_posting_account_code_entry_date")

    op.drop_table("posting")
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_entry_unposted")
        batch_op.drop_index(batch_op.f("ix_journal_entry_entry_date"))

    op.drop_table("journal_entry")
    with op.batch_alter_table("accounting_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounting_period_starts_on"))

    op.drop_table("accounting_period")
    op.drop_table("account")
    # ### end Alembic commands ###

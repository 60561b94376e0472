"""Written money never changes, in the database too: pay lines, invoices, their lines and payments.

The code only ever adds: a corrected timesheet adds adjustment lines, an invoice is corrected by a credit note,
a mistaken payment by its reversal. These triggers make the database refuse the rest, whoever asks: an UPDATE
that changes an amount (or what the amount belongs to) and any DELETE. What may still change is bookkeeping
around the money: a pay line's pay run and export time, an invoice's and a payment's ledger entry, a payment's
reversal time. The ledger's own triggers (0007) already guard journal entries and postings.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# table -> the columns whose value, once written, never changes
GUARDED = {
    "pay_line": (
        "member_id",
        "timesheet_id",
        "kind",
        "band",
        "minutes",
        "rate_pence",
        "exact_amount",
        "amount_pence",
        "adjusts_line_id",
    ),
    "invoice": (
        "number",
        "kind",
        "client_id",
        "period_start",
        "period_end",
        "issued_on",
        "total_pence",
        "pay_pence",
        "holiday_pence",
        "employer_ni_pence",
        "pension_pence",
        "margin_pence",
        "worker_pence",
        "agency_comparison_pence",
        "credits_invoice_id",
    ),
    "invoice_line": (
        "invoice_id",
        "timesheet_id",
        "cancellation_charge_id",
        "credits_line_id",
        "minutes",
        "pay_pence",
        "holiday_pence",
        "employer_ni_pence",
        "pension_pence",
        "margin_pence",
        "amount_pence",
        "worker_pence",
        "agency_pence",
    ),
    "payment": ("client_id", "received_on", "amount_pence", "reference"),
}
# A payment's client may be learnt later (a payment that named nobody, matched to an invoice): from NULL only.
LEARNT_LATER = {"payment": {"client_id"}}


def _changed(table: str, column: str, dialect: str) -> str:
    same = "IS NOT" if dialect == "sqlite" else "IS DISTINCT FROM"
    if column in LEARNT_LATER.get(table, ()):
        return f"(OLD.{column} IS NOT NULL AND NEW.{column} {same} OLD.{column})"
    return f"NEW.{column} {same} OLD.{column}"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, columns in GUARDED.items():
        message = f"{table}: written money never changes (add a correcting line, credit note or reversal)"
        changed = " OR ".join(_changed(table, c, dialect) for c in columns)
        if dialect == "sqlite":
            op.execute(
                f"CREATE TRIGGER {table}_money_never_changes BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN {changed} BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} FOR EACH ROW "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        else:
            op.execute(
                f"""CREATE FUNCTION {table}_money_guard() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' OR ({changed}) THEN
                        RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NEW;
                END $$"""
            )
            op.execute(
                f"CREATE TRIGGER {table}_money_guard BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_money_guard()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in reversed(list(GUARDED)):
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_never_deleted")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_money_never_changes")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_money_guard ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_money_guard()")

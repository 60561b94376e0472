"""The whole ledger as a Beancount file: a second, independent check of the books (`bean-check`).

Pure: plain rows in, text out. Each account gets an `open` directive (named like `Assets:Bank`, see
`accounts.py`), each posted journal entry becomes a transaction whose postings are in GBP with two decimals
from the stored pence, and metadata links each transaction to its source (`source`, `source_id`,
`entry_id`, `reverses`) and each posting to its dimensions (`client_id`, `member_id`, `profession`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from coop.ledger.accounts import BEANCOUNT_ROOT, BY_CODE, AccountType
from coop.ledger.rules import Line

EPOCH = date(2000, 1, 1)


@dataclass(frozen=True)
class ExportAccount:
    code: str
    name: str
    type: str


@dataclass(frozen=True)
class ExportEntry:
    id: int
    entry_date: date
    description: str
    source_kind: str
    source_id: int | None
    reverses_entry_id: int | None
    lines: Sequence[Line]


def beancount_name(account: ExportAccount) -> str:
    """The chart's own name (`Income:Nursing`); an account added outside the chart gets one from its name."""
    known = BY_CODE.get(account.code)
    if known is not None and known.type == account.type:
        return known.beancount_name
    words = re.findall(r"[A-Za-z0-9]+", account.name) or ["Account"]
    leaf = "".join(word[:1].upper() + word[1:] for word in words)
    return f"{BEANCOUNT_ROOT[AccountType(account.type)]}:{leaf}{account.code}"


def gbp(pence: int) -> str:
    """Pence as pounds with two decimals, by integer arithmetic only: -1234 -> "-12.34"."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rest:02d}"


def _quoted(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(accounts: Iterable[ExportAccount], entries: Iterable[ExportEntry], *, title: str = "Co-op ledger") -> str:
    entries = sorted(entries, key=lambda e: (e.entry_date, e.id))
    accounts = sorted(accounts, key=lambda a: a.code)
    names = {account.code: beancount_name(account) for account in accounts}
    opened = min((entry.entry_date for entry in entries), default=EPOCH)
    out = [f"option {_quoted('title')} {_quoted(title)}", 'option "operating_currency" "GBP"', ""]
    for account in accounts:
        out.append(f"{opened.isoformat()} open {names[account.code]} GBP")
        out.append(f"  code: {_quoted(account.code)}")
        out.append(f"  name: {_quoted(account.name)}")
    for entry in entries:
        out.append("")
        out.append(f"{entry.entry_date.isoformat()} * {_quoted(entry.description)}")
        out.append(f"  entry_id: {entry.id}")
        out.append(f"  source: {_quoted(entry.source_kind)}")
        if entry.source_id is not None:
            out.append(f"  source_id: {entry.source_id}")
        if entry.reverses_entry_id is not None:
            out.append(f"  reverses: {entry.reverses_entry_id}")
        for line in entry.lines:
            out.append(f"  {names[line.account_code]}  {gbp(line.amount_pence)} GBP")
            if line.client_id is not None:
                out.append(f"    client_id: {line.client_id}")
            if line.member_id is not None:
                out.append(f"    member_id: {line.member_id}")
            if line.profession:
                out.append(f"    profession: {_quoted(line.profession)}")
    return "\n".join(out) + "\n"

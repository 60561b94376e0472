"""Rate cards for coordinators: the cards in force today for each profession, grade and kind, every card there
has been, and a new card from a date.

A card is never edited (RULES §8.3): a line priced with a card keeps it, and a new figure is a new card that
applies from its own date. The page calls coop/pay/service.py's use-cases, as the API does.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends
from pydantic import ValidationError

from coop.clock import today_local
from coop.enums import Profession
from coop.errors import DomainError
from coop.members.grades import GRADES
from coop.pay import service as pay_service
from coop.pay.models import ANY_GRADE, CARD_KINDS, RateCard
from coop.pay.schemas import BASIS_POINT_FIELDS, RateCardIn
from web import messages
from web.i18n import N_, fmt_date, fmt_money
from web.page import Csrf, Form, Page, PageRouter, role_page
from web.pages.ledger import parse_pounds
from web.present import options

router = PageRouter(prefix="/coordinator/rate-cards")
StaffPage = Annotated[Page, Depends(role_page("coordinator", "admin"))]

KIND_LABELS: dict[str, str] = {
    "annual_salary": N_("Annual salary"),
    "hourly": N_("Hourly rate"),
    "floor_hourly": N_("Lowest hourly rate"),
    "on_costs": N_("On-costs and margin"),
    "agency_comparison": N_("A private agency's price"),
}
PERCENT_LABELS: dict[str, str] = {
    "saturday_bp": N_("Saturday uplift"),
    "weekday_night_bp": N_("Weekday night uplift"),
    "sunday_bp": N_("Sunday uplift"),
    "bank_holiday_bp": N_("Bank holiday uplift"),
    "holiday_bp": N_("Holiday pay"),
    "employer_ni_bp": N_("Employer's National Insurance"),
    "pension_bp": N_("Employer's pension"),
    "margin_bp": N_("The co-op's margin"),
    "markup_bp": N_("Agency mark-up"),
}
# A whole card's rule broken (RateCardCreate's validator), by a fragment of its message: the field and words.
CARD_RULES: dict[str, tuple[str, str]] = {
    "kind must be one of": ("kind", N_("Choose one of the kinds of card.")),
    "grade": ("grade", N_("That grade is not on the ladder for this profession.")),
    "card needs": ("amount", N_("This kind of card needs the figures marked for it.")),
    "exactly one of markup_bp and amount_pence": (
        "markup_bp",
        N_("An agency's price is either a mark-up or an amount, not both."),
    ),
}
PERCENT = re.compile(r"(\d{1,4})(?:\.(\d{1,2}))?%?")
TEXT_FIELDS = ("profession", "grade", "kind", "effective_from", "amount", "divisor_days", "source")
FIELDS = TEXT_FIELDS + BASIS_POINT_FIELDS


def parse_percent(text: str) -> int | None:
    """'12.07' or '12.07%' -> 1207 basis points; None when it is not a percentage."""
    match = PERCENT.fullmatch(text.strip())
    if not match:
        return None
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def _percent_text(bp: int) -> str:
    return f"{bp // 100}.{bp % 100:02d}%"


def figures(page: Page, card: RateCard) -> list[str]:
    """A card's figures in words: the amount with its unit, then each percentage it carries."""
    shown = []
    if card.amount_pence is not None:
        amount = fmt_money(card.amount_pence, page.lang)
        unit = {
            "annual_salary": N_("%(amount)s a year"),
            "hourly": N_("%(amount)s an hour"),
            "floor_hourly": N_("%(amount)s an hour"),
        }.get(card.kind)
        shown.append(page._(unit, amount=amount) if unit else amount)
    if card.divisor_days:
        shown.append(page._("Daily rate: a year's salary divided by %(days)s", days=card.divisor_days))
    for name in BASIS_POINT_FIELDS:
        value = getattr(card, name)
        if value is not None:
            shown.append(f"{page._(PERCENT_LABELS[name])}: {_percent_text(value)}")
    return shown


def _row(page: Page, card: RateCard) -> dict[str, Any]:
    return {
        "card": card,
        "profession": page.label("profession", card.profession),
        "grade": page._("Every grade") if card.grade == ANY_GRADE else card.grade,
        "kind": page._(KIND_LABELS.get(card.kind, card.kind)),
        "figures": figures(page, card),
    }


def _blank() -> dict[str, str]:
    values = dict.fromkeys(FIELDS, "")
    values["effective_from"] = today_local().isoformat()
    return values


def _index(page: Page, *, profession: str | None = None, values: dict | None = None, status_code: int = 200):
    on = today_local()
    in_force, history = pay_service.rate_cards_overview(page.db, actor=page.actor, on_date=on, profession=profession)
    in_force_ids = {card.id for card in in_force}
    by_profession: dict[str, list[dict[str, Any]]] = {}
    for card in history:
        row = _row(page, card) | {"in_force": card.id in in_force_ids, "future": card.effective_from > on}
        by_profession.setdefault(card.profession, []).append(row)
    return page.render(
        "rate_cards/index.html",
        status_code=status_code,
        on=on,
        in_force=[_row(page, card) for card in in_force],
        history=[(page.label("profession", p), rows) for p, rows in by_profession.items()],
        values=values or _blank(),
        professions=options(page, "profession", list(Profession)),
        kinds=[(kind, page._(KIND_LABELS[kind])) for kind in CARD_KINDS],
        grades=sorted({grade for ladder in GRADES.values() for grade in ladder}),
        percent_fields=[(name, page._(PERCENT_LABELS[name])) for name in BASIS_POINT_FIELDS],
        chosen=profession or "",
    )


@router.get("")
def rate_cards(page: StaffPage, profession: str | None = None):
    chosen = profession if profession in {str(p) for p in Profession} else None
    return _index(page, profession=chosen)


def _parse(page: Page, values: dict[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "profession": values["profession"] or None,
        "grade": values["grade"],
        "kind": values["kind"],
        "effective_from": values["effective_from"] or None,
        "source": values["source"],
        "divisor_days": values["divisor_days"] or None,
    }
    if values["amount"]:
        raw["amount_pence"] = parse_pounds(values["amount"])
        if raw["amount_pence"] is None:
            page.errors["amount"] = page._("Enter an amount in pounds, like 12.50.")
    for name in BASIS_POINT_FIELDS:
        if values[name]:
            raw[name] = parse_percent(values[name])
            if raw[name] is None:
                page.errors[name] = page._("Enter a percentage, like 12.07.")
    for name in TEXT_FIELDS:
        if "\x00" in values[name]:
            page.errors[name] = page._("This contains a character that is not allowed.")
    return raw


def _schema_errors(page: Page, error: ValidationError) -> None:
    for problem in error.errors():
        loc = [str(part) for part in problem.get("loc", ())]
        text = str(problem.get("msg", ""))
        rule = next((rule for fragment, rule in CARD_RULES.items() if fragment in text), None)
        if problem.get("type") == "value_error" and rule is not None:
            field, message = (loc[0] if loc else rule[0]), rule[1]
        elif not loc:
            field, message = "form", N_("Enter a valid value.")
        else:
            field = "amount" if loc[0] == "amount_pence" else loc[0]
            message = messages.VALIDATION_MESSAGES.get(problem.get("type", ""), N_("Enter a valid value."))
        page.errors.setdefault(field, page._(message))


@router.post("", dependencies=[Csrf])
def add_card(page: StaffPage, form: Form):
    values = {name: str(form.get(name) or "").strip() for name in FIELDS}
    raw = _parse(page, values)
    if not page.errors:
        try:
            data = RateCardIn.model_validate(raw)
        except ValidationError as error:
            _schema_errors(page, error)
        else:
            try:
                card = pay_service.add_rate_card(session=page.db, actor=page.actor, data=data.to_create())
            except DomainError as error:
                page.db.rollback()
                if error.code == "rate_card_exists":
                    page.errors["effective_from"] = page._(
                        "A card for this profession, grade and kind already starts on that date. Cards are "
                        "never changed: add one from another date."
                    )
                else:
                    page.fail(error)
            else:
                page.flash(
                    N_("The card is added: it applies from %(date)s."), date=fmt_date(card.effective_from, page.lang)
                )
                return page.redirect("/coordinator/rate-cards")
    return _index(page, values=values, status_code=422)

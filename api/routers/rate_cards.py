"""Rate cards: the figures pay and charges are priced with (RULES §8.3), added from a date and never edited.

GET: coordinators and the board (the cards in force on a date and the history); POST: coordinators only.
Members and client contacts get 403 (the use-cases check the role).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from api.openapi import errors
from coop.clock import today_local
from coop.enums import Profession
from coop.pay import service as pay_service
from coop.pay.schemas import RateCardIn, RateCardPublic, RateCardsOverview
from edge.deps import CurrentActor, SessionDep

router = APIRouter(prefix="/rate-cards", tags=["rate cards"])


@router.get("", response_model=RateCardsOverview)
def list_rate_cards(
    actor: CurrentActor, session: SessionDep, profession: Profession | None = None, on: date | None = None
):
    """The cards in force on `on` (a local date, today by default) for each profession, grade and kind, and every
    card ever added (the history): a card applies from its `effective_from` until a later one for the same key."""
    on = on or today_local()
    in_force, history = pay_service.rate_cards_overview(
        session, actor=actor, on_date=on, profession=str(profession) if profession else None
    )
    return RateCardsOverview(
        on=on,
        in_force=[RateCardPublic.model_validate(card, from_attributes=True) for card in in_force],
        history=[RateCardPublic.model_validate(card, from_attributes=True) for card in history],
        count=len(history),
    )


@router.post("", response_model=RateCardPublic, status_code=201, responses=errors(409))
def add_rate_card(data: RateCardIn, actor: CurrentActor, session: SessionDep):
    """A new card from its `effective_from`: lines already priced keep the card they were priced with.
    The same profession, grade, kind and date twice is a 409 (`rate_card_exists`): add one from another date."""
    card = pay_service.add_rate_card(session=session, actor=actor, data=data.to_create())
    return RateCardPublic.model_validate(card, from_attributes=True)

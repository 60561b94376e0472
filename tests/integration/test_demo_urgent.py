"""Whenever the demo is loaded, after midnight too, a coordinator has urgent cover to book."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import Session, select

import demo
from coop.clock import LONDON, travel_to, utcnow
from coop.db import make_engine
from coop.migrate import upgrade
from coop.shifts.models import Shift

# A Tuesday; the hours fall before the earlies, between the earlies and the lates, and in the evening.
DAY = date(2027, 3, 9)


@pytest.mark.parametrize("hour", [time(0, 30), time(6, 40), time(13, 40), time(21, 0)])
def test_the_demo_has_urgent_open_shifts_at_any_hour(tmp_path, hour):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with travel_to(datetime.combine(DAY, hour, tzinfo=LONDON)):
            demo.load_if_empty(engine)
            now = utcnow()
            with Session(engine) as session:
                urgent = session.exec(
                    select(Shift)
                    .where(Shift.status == "open", Shift.starts_at > now + timedelta(minutes=30))
                    .where(Shift.starts_at <= now + timedelta(hours=24))
                ).all()
    finally:
        engine.dispose()
    # The next night, the next earlies and lates, a care visit: several wards and a care provider.
    assert len({s.client_id for s in urgent}) >= 3

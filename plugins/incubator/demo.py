"""Demo data: this year's evaluation batch (``kjgl demo``). Running it again
adds nothing."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kjgl.core.accounts.models import User
from kjgl.core.review import services as review
from kjgl.core.review.models import Batch

from .schemas import FILING


def current_batch(db, today: dt.date | None = None) -> Batch:
    """This year's batch (deadline 31 December), opened by the city bureau's demo reviewer."""
    year = (today or dt.date.today()).year
    city = db.scalars(select(User).where(User.account == "tjkjj")).first()
    return review.ensure_batch(db, FILING.module_key, year, dt.date(year, 12, 31), city)


def load(db, context: dict) -> None:
    current_batch(db)

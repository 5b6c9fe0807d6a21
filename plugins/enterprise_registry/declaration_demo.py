"""Demo 申报事项 for a Chongqing deployment: credit ratings and innovation
vouchers of the generated listed enterprises, in mixed states (applied /
rated; applied / returned / approved / redeemed) over the last two years.
Idempotent: made once, when no rating exists yet."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import func, select

from kjgl.core.db import utcnow

from .declaration_models import RATING_LEVELS, VOUCHER_KINDS, Rating, Voucher
from .models import Enterprise

ENTERPRISES = 60


def load(db, seed: int = 2026) -> None:
    if db.scalar(select(func.count()).select_from(Rating)):
        return
    rng = random.Random(seed)
    listed = list(db.execute(select(Enterprise.id, Enterprise.agency_id).where(Enterprise.listed_on.is_not(None))
                             .order_by(Enterprise.id).limit(ENTERPRISES)))
    today = dt.date.today()
    years = (today.year - 1, today.year - 2)
    now = utcnow()
    for n, (enterprise_id, agency_id) in enumerate(listed):
        if n % 3 != 2:
            rated = n % 2 == 0
            score = Decimal(rng.randint(550, 980)) / 10
            # the level follows the score's band (90 AAA, 80 AA, 70 A, 60 B, below C)
            level = RATING_LEVELS[min(4, max(0, 9 - int(score) // 10))] if rated else None
            db.add(Rating(enterprise_id=enterprise_id, agency_id=agency_id, year=years[n % 2], state=(
                "rated" if rated else "applied"), rd_expense=Decimal(rng.randint(200, 9000)), rd_staff=rng.randint(3, 80),
                ip_count=rng.randint(1, 40), revenue=Decimal(rng.randint(2000, 90000)), level=level,
                score=score if rated else None, rated_at=now if rated else None,
                opinion="评价材料齐全" if rated else None))
        for k in range(rng.randint(0, 3)):
            state = rng.choices(("applied", "returned", "approved", "redeemed"), weights=(3, 1, 3, 4))[0]
            amount = Decimal(rng.choice((5, 10, 20, 30, 50))) + Decimal(rng.randint(0, 99)) / 100
            db.add(Voucher(enterprise_id=enterprise_id, agency_id=agency_id, year=years[(n + k) % 2],
                           kind=rng.choice(VOUCHER_KINDS), amount=amount, purpose="委托第三方机构提供科技服务",
                           state=state, opinion="用途与服务内容不符，请修改后重新申请" if state == "returned" else (
                               "同意" if state != "applied" else None),
                           decided_at=now if state != "applied" else None,
                           redeemed_amount=amount if state == "redeemed" else None,
                           redeemed_on=today - dt.timedelta(days=rng.randint(5, 200)) if state == "redeemed" else None))
    db.flush()

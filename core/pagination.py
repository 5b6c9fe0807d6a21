"""Offset pagination for list pages (共N条记录 共P页 当前第K页 首页 末页)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import func, select


@dataclass
class Page:
    items: list
    total: int
    number: int
    size: int
    url: Callable[[int], str]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_number(request) -> int:
    try:
        return max(1, int(request.params.get("page", 1)))
    except ValueError:
        return 1


def paginate(dbsession, stmt, request, size: int = 15) -> Page:
    """Count and fetch one page of ``stmt``; the page links keep the filters."""
    total = dbsession.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    number = min(page_number(request), max(1, math.ceil(total / size)))
    items = list(dbsession.scalars(stmt.limit(size).offset((number - 1) * size)))

    def url(n: int) -> str:
        params = {k: v for k, v in request.GET.items() if k != "page"}
        params["page"] = n
        return request.current_route_url(_query=params)

    return Page(items, total, number, size, url)

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base

LEVELS = {"national": "国家级", "city": "省市级", "district": "区县级"}
# a retired agency keeps its history (organisations, records, staff) but is
# offered to nobody any more and its staff cannot log in
AGENCY_STATUSES = {"active": "使用中", "retired": "已撤销"}


class Agency(Base):
    """A science bureau or accepting agency. Agencies form a tree; ``path`` is
    the materialised path (``/1/4/``) so that "everything in my subtree" is a
    single ``LIKE 'path%'`` in the query."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))  # national / city / district
    kind: Mapped[str] = mapped_column(String(16), default="district")  # district / zone / bureau
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    sort: Mapped[int] = mapped_column(Integer, default=0)
    # the place it governs (天津市, 滨海新区 …): address and 所在区 choices
    region: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")

    parent: Mapped["Agency | None"] = relationship(remote_side=[id])

    @property
    def level_title(self) -> str:
        return LEVELS.get(self.level, self.level)

    @property
    def status_title(self) -> str:
        return AGENCY_STATUSES.get(self.status, self.status)

    @property
    def retired(self) -> bool:
        return self.status == "retired"

    def contains(self, other: "Agency | None") -> bool:
        return other is not None and other.path.startswith(self.path)

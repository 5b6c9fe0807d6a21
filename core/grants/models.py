from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class ModuleGrant(Base):
    """模块配置: an organisation admin lets one of its individuals use a module."""

    __tablename__ = "module_grant"
    __table_args__ = (UniqueConstraint("user_id", "module_key", name="uq_module_grant_user_module"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    module_key: Mapped[str] = mapped_column(String(64))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

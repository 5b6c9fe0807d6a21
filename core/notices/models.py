"""通知公告: notices an agency publishes to an audience in its subtree, and who has read them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, utcnow

STATUSES = {"draft": "草稿", "published": "已发布", "withdrawn": "已撤回"}
TARGETS = {"subtree": "本单位辖区内所有用户", "module": "某一子系统的用户", "org_type": "某一类型单位的用户"}


class Notice(Base):
    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)  # the publisher
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    target: Mapped[str] = mapped_column(String(16), default="subtree")  # subtree / module / org_type
    target_value: Mapped[str | None] = mapped_column(String(64))  # the module key or the 法人类型
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    agency = relationship("Agency")

    @property
    def status_title(self) -> str:
        return STATUSES.get(self.status, self.status)


class NoticeRead(Base):
    __tablename__ = "notice_read"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

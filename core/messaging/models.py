from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedString, blind_index, index_on_set
from ..db import Base, utcnow


class OutboxMessage(Base):
    """A message the development sender kept instead of sending (SMS or e-mail)."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms / email
    # a mobile or an e-mail address, sealed; found by its keyed hash (``to``)
    recipient: Mapped[str] = mapped_column(EncryptedString("outbox_message.recipient", 512))
    recipient_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    @classmethod
    def to(cls, recipient: str):
        """The condition selecting the messages sent to ``recipient``."""
        return cls.recipient_hash == blind_index(recipient, "recipient")


index_on_set(OutboxMessage.recipient, "recipient_hash", "recipient")


class SmsCode(Base):
    """A one-time SMS verification code; kept in the database (hashed) so that
    any app process can check it. The mobile is kept only as its keyed hash."""

    __tablename__ = "sms_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    mobile_hash: Mapped[str] = mapped_column(String(64), index=True)
    # keyed hash of the address that asked for it (sending is limited per address)
    client_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(32))  # register / recover
    code_hash: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

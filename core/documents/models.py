from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..attachments.models import StoredFile
from ..db import Base, utcnow


class GeneratedDocument(StoredFile, Base):
    """A Word or Excel file the platform made for a user (a filing's Word
    document, a list export …), kept in the storage backend like an
    attachment. ``object_type``/``object_id`` name what it was made from
    (a filing record, an organisation; an id is absent for list exports)."""

    __tablename__ = "generated_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # the permission of the export it came from: a later download needs it
    # still (a revoked module grant takes the user's earlier exports too)
    permission: Mapped[str | None] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[int | None] = mapped_column(Integer)
    # digest of what the document was made from (services.content_hash): the
    # same inputs again reuse this document instead of storing another
    content_sha256: Mapped[str | None] = mapped_column(String(64))

"""The base of a plugin's filing-content table: one row per submission,
holding the form's values as JSON (the plugin's schema says what they mean).

Values of personal-data fields (kinds in ``SEALED_KINDS``) are sealed inside
the JSON by the column type, so every filing gets it by declaring the kind and
everything reading ``data`` through the ORM sees plaintext."""
from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..crypto import SealedJSON

SEALED_KINDS = ("mobile", "id_number")
# table name -> the keys of ``data`` stored sealed, set by ``FilingType``
_sealed_keys: dict[str, tuple[str, ...]] = {}


def seal_fields(table_name: str, names) -> None:
    _sealed_keys[table_name] = tuple(names)


class FilingContent:
    """Mixin for ``class MakerspaceEvaluation(FilingContent, Base)``."""

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"),
                                               primary_key=True)

    @declared_attr
    def data(cls) -> Mapped[dict]:
        table = cls.__tablename__
        return mapped_column(SealedJSON(f"{table}.data", lambda: _sealed_keys.get(table, ())), default=dict)

    @declared_attr
    def submission(cls):
        return relationship("Submission")

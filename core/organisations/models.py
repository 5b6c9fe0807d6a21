from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedString
from ..db import Base, Timestamped, utcnow

# incomplete: registered, 信息补全 not yet submitted; pending: waiting for the
# competent agency; returned: agency sent it back with an opinion; active: approved.
STATUSES = {
    "incomplete": "待补全信息",
    "pending": "待审核",
    "returned": "审核不通过",
    "active": "已生效",
}


class Organisation(Timestamped, Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    legal_type: Mapped[str] = mapped_column(String(32))  # 法人类型
    legal_nature: Mapped[str | None] = mapped_column(String(32))  # 法人性质
    status: Mapped[str] = mapped_column(String(16), default="incomplete", index=True)

    legal_rep_name: Mapped[str] = mapped_column(String(100))
    legal_rep_id_type: Mapped[str] = mapped_column(String(32))
    legal_rep_id_number: Mapped[str] = mapped_column(EncryptedString("organisation.legal_rep_id_number"))
    legal_rep_id_valid_from: Mapped[dt.date | None] = mapped_column(Date)
    legal_rep_id_valid_to: Mapped[dt.date | None] = mapped_column(Date)
    legal_rep_id_long_term: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_rep_id_country: Mapped[str | None] = mapped_column(String(64))
    legal_rep_mobile: Mapped[str] = mapped_column(EncryptedString("organisation.legal_rep_mobile"))

    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_mobile: Mapped[str | None] = mapped_column(EncryptedString("organisation.contact_mobile"))
    contact_email: Mapped[str | None] = mapped_column(String(120))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    reg_district: Mapped[str | None] = mapped_column(String(64))
    reg_address: Mapped[str | None] = mapped_column(String(200))
    loc_district: Mapped[str | None] = mapped_column(String(64))
    loc_address: Mapped[str | None] = mapped_column(String(200))
    bank_account_name: Mapped[str | None] = mapped_column(String(200))
    bank_name: Mapped[str | None] = mapped_column(String(200))
    # sealed at rest like ID numbers and mobiles (migration c0006 sealed the plaintext ones)
    bank_account_no: Mapped[str | None] = mapped_column(EncryptedString("organisation.bank_account_no"))

    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    agency = relationship("Agency")
    reviews: Mapped[list["OrganisationReview"]] = relationship(
        back_populates="organisation", order_by="OrganisationReview.at"
    )

    @property
    def status_title(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def last_opinion(self) -> str | None:
        return self.reviews[-1].opinion if self.reviews else None


class OrganisationReview(Base):
    """One decision of the competent agency on an organisation's information."""

    __tablename__ = "organisation_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decision: Mapped[str] = mapped_column(String(16))  # approve / return
    opinion: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="reviews")
    reviewer = relationship("User")

    @property
    def decision_title(self) -> str:
        return {"approve": "审核通过", "return": "审核不通过"}.get(self.decision, self.decision)

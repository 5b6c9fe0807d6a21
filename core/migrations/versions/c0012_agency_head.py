"""the agency's head (agency_head): who assigns the agency's records to its reviewers

Revision ID: c0012_agency_head
Revises: c0011
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = 'c0012_agency_head'
down_revision = 'c0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_head",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_agency_head_agency_id_agency")),
        sa.ForeignKeyConstraint(["set_by_id"], ["user_account.id"],
                                name=op.f("fk_agency_head_set_by_id_user_account")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_agency_head_user_id_user_account")),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_agency_head")),
        sa.UniqueConstraint("user_id", name=op.f("uq_agency_head_user_id")),
    )


def downgrade() -> None:
    op.drop_table("agency_head")

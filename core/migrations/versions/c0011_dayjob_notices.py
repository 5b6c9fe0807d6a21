"""通知公告 (notice) and read tracking (notice_read)

Revision ID: c0011
Revises: c0010
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = 'c0011'
down_revision = 'c0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("target_value", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_notice_agency_id_agency")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_notice_created_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
    )
    op.create_index(op.f("ix_notice_agency_id"), "notice", ["agency_id"], unique=False)
    op.create_index(op.f("ix_notice_status"), "notice", ["status"], unique=False)
    op.create_table(
        "notice_read",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], ondelete="CASCADE",
                                name=op.f("fk_notice_read_notice_id_notice")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE",
                                name=op.f("fk_notice_read_user_id_user_account")),
        sa.PrimaryKeyConstraint("notice_id", "user_id", name=op.f("pk_notice_read")),
    )


def downgrade() -> None:
    op.drop_table("notice_read")
    op.drop_index(op.f("ix_notice_status"), table_name="notice")
    op.drop_index(op.f("ix_notice_agency_id"), table_name="notice")
    op.drop_table("notice")

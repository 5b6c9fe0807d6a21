"""enterprise_registry: 培育进度 targets per district and year (er_target)

Revision ID: er0003_targets
Revises: er0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "er0003_targets"
down_revision = "er0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "er_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("listed", sa.Integer(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("hitech", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("listed >= 0 AND reports >= 0 AND hitech >= 0",
                           name=op.f("ck_er_target_not_negative")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_er_target_agency_id_agency")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"],
                                name=op.f("fk_er_target_updated_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_er_target")),
        sa.UniqueConstraint("agency_id", "year", name="uq_er_target_agency_year"),
    )
    op.create_index(op.f("ix_er_target_agency_id"), "er_target", ["agency_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_er_target_agency_id"), table_name="er_target")
    op.drop_table("er_target")

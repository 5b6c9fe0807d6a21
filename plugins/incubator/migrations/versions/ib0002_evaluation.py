"""incubator: the evaluation's content table (one row per submission).

Revision ID: ib0002
Revises: ib0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "ib0002"
down_revision = "ib0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incubator_evaluation",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="CASCADE",
                                name=op.f("fk_incubator_evaluation_submission_id_submission")),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_incubator_evaluation")),
    )


def downgrade() -> None:
    op.drop_table("incubator_evaluation")

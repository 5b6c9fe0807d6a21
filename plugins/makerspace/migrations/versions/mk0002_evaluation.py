"""makerspace: the evaluation's content table (one row per submission).

Revision ID: mk0002
Revises: mk0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "mk0002"
down_revision = "mk0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "makerspace_evaluation",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="CASCADE",
                                name=op.f("fk_makerspace_evaluation_submission_id_submission")),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_makerspace_evaluation")),
    )


def downgrade() -> None:
    op.drop_table("makerspace_evaluation")

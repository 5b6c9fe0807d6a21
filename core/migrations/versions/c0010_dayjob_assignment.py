"""reviewer assignment (review_assignment) and declared conflicts of interest (review_recusal)

Revision ID: c0010
Revises: c0009
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = 'c0010'
down_revision = 'c0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_assignment",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assigned_by_id"], ["user_account.id"],
                                name=op.f("fk_review_assignment_assigned_by_id_user_account")),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="CASCADE",
                                name=op.f("fk_review_assignment_submission_id_submission")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_review_assignment_user_id_user_account")),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_review_assignment")),
    )
    op.create_index(op.f("ix_review_assignment_user_id"), "review_assignment", ["user_id"], unique=False)
    op.create_table(
        "review_recusal",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("declared_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="CASCADE",
                                name=op.f("fk_review_recusal_submission_id_submission")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_review_recusal_user_id_user_account")),
        sa.PrimaryKeyConstraint("submission_id", "user_id", name=op.f("pk_review_recusal")),
    )


def downgrade() -> None:
    op.drop_table("review_recusal")
    op.drop_index(op.f("ix_review_assignment_user_id"), table_name="review_assignment")
    op.drop_table("review_assignment")

"""field-level return marks and the record as it was at the return (filing_return_marks)

Revision ID: c0009
Revises: c0008
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = 'c0009'
down_revision = 'c0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "filing_return_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["review_event.id"], ondelete="CASCADE",
                                name=op.f("fk_filing_return_marks_event_id_review_event")),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="CASCADE",
                                name=op.f("fk_filing_return_marks_submission_id_submission")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_return_marks")),
    )
    op.create_index(op.f("ix_filing_return_marks_submission_id"), "filing_return_marks", ["submission_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_filing_return_marks_submission_id"), table_name="filing_return_marks")
    op.drop_table("filing_return_marks")

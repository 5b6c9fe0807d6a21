"""Document engine: routes fixed at submission, the document version a
record was submitted with, batch dates for row rules.

Records submitted before this revision get the route the tree gives them
now (the Tianjin chains: the record's district, then its city bureau), so
their reviewers keep their rights.

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cutoff_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("window_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("window_end", sa.Date(), nullable=True))
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_number", sa.String(length=16), nullable=True))
    op.create_table(
        "submission_route",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_submission_route_agency_id_agency")),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"], ondelete="CASCADE",
                                name=op.f("fk_submission_route_submission_id_submission")),
        sa.PrimaryKeyConstraint("submission_id", "step", name=op.f("pk_submission_route")),
    )
    with op.batch_alter_table("submission_route", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_route_agency_id"), ["agency_id"], unique=False)
    conn = op.get_bind()
    agencies = {row.id: row for row in conn.execute(sa.text("SELECT id, parent_id, level FROM agency"))}
    for sub_id, agency_id in conn.execute(sa.text(
            "SELECT id, agency_id FROM submission WHERE state <> 'draft' AND agency_id IS NOT NULL")).all():
        route = [agency_id]
        parent = agencies[agency_id].parent_id
        while parent is not None and agencies[parent].level != "city":
            parent = agencies[parent].parent_id
        if parent is not None:
            route.append(parent)
        for step, aid in enumerate(route):
            conn.execute(sa.text("INSERT INTO submission_route (submission_id, step, agency_id) VALUES (:s, :n, :a)"),
                         {"s": sub_id, "n": step, "a": aid})


def downgrade() -> None:
    with op.batch_alter_table("submission_route", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_route_agency_id"))
    op.drop_table("submission_route")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("document_number")
    with op.batch_alter_table("review_batch", schema=None) as batch_op:
        batch_op.drop_column("window_end")
        batch_op.drop_column("window_start")
        batch_op.drop_column("cutoff_on")

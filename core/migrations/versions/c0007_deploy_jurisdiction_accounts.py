"""batch owner agency, retired agencies, dormant accounts

A batch belongs to the agency that opened it (existing batches: their
opener's agency); an agency can be retired instead of deleted; an account
remembers when it was warned that it is about to be disabled for disuse and
why the platform disabled it. Carrier keys are recomputed with the names'
folding of kjgl.core.names (NFKC: （集团） equals (集团)).

Revision ID: c0007
Revises: c0006
Create Date: 2026-12-01
"""
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = 'c0007'
down_revision = 'c0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('review_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_agency_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_review_batch_owner_agency_id'), ['owner_agency_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_review_batch_owner_agency_id_agency'), 'agency',
                                    ['owner_agency_id'], ['id'])
    op.execute("UPDATE review_batch SET owner_agency_id = (SELECT agency_id FROM user_account "
               "WHERE user_account.id = review_batch.opened_by_id)")
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='active', nullable=False))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dormancy_warned_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('disabled_reason', sa.String(length=32), nullable=True))
    _refold_carrier_keys()


def _refold_carrier_keys() -> None:
    """kjgl.core.names.name_key, copied: a migration must not change when the
    application's code does. A key that would now equal another record's of
    the same organisation and batch keeps its old value."""
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, batch_id, organisation_id, title, carrier_key FROM submission")).all()
    taken = {(r.batch_id, r.organisation_id, r.carrier_key) for r in rows}
    for r in rows:
        key = "".join(unicodedata.normalize("NFKC", r.title or "").split()).lower()
        if key != r.carrier_key and (r.batch_id, r.organisation_id, key) not in taken:
            conn.execute(sa.text("UPDATE submission SET carrier_key = :k WHERE id = :i"), {"k": key, "i": r.id})
            taken.add((r.batch_id, r.organisation_id, key))


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('disabled_reason')
        batch_op.drop_column('dormancy_warned_at')
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('status')
    with op.batch_alter_table('review_batch', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_batch_owner_agency_id_agency'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_review_batch_owner_agency_id'))
        batch_op.drop_column('owner_agency_id')

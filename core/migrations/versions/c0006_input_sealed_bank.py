"""organisation bank account numbers sealed at rest

The column becomes an ``EncryptedString`` (room for the ciphertext) and every
plaintext value already stored is sealed under the current data key, so that
no bank account number stays readable in the table or its backups. Needs the
deployment's data keys (``kjgl db upgrade`` / ``kjgl serve`` load them);
running it twice seals nothing twice. The downgrade opens them again.

Revision ID: c0006
Revises: c0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

from kjgl.core import crypto


revision = 'c0006'
down_revision = 'c0005'
branch_labels = None
depends_on = None

CONTEXT = "organisation.bank_account_no"
organisation = sa.table("organisation", sa.column("id", sa.Integer), sa.column("bank_account_no", sa.String))


def _rewrite(change) -> None:
    """``change(stored)`` → the new stored value, or None to leave it."""
    conn = op.get_bind()
    column = organisation.c.bank_account_no
    rows = conn.execute(sa.select(organisation.c.id, column).where(column.is_not(None), column != "")).all()
    for row in rows:
        new = change(row.bank_account_no)
        if new is not None:
            conn.execute(organisation.update().where(organisation.c.id == row.id).values(bank_account_no=new))


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.alter_column('bank_account_no', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    _rewrite(lambda stored: None if crypto.is_sealed(stored) else crypto.keyring().seal(stored, CONTEXT))


def downgrade() -> None:
    _rewrite(lambda stored: crypto.keyring().open(stored, CONTEXT) if crypto.is_sealed(stored) else None)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.alter_column('bank_account_no', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)

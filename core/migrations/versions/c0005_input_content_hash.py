"""generated documents keep the digest of what they were made from

Revision ID: c0005
Revises: c0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = 'c0005'
down_revision = 'c0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('generated_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('generated_document', schema=None) as batch_op:
        batch_op.drop_column('content_sha256')

"""application document versions (filing_document_version)

Revision ID: c0003
Revises: c0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = 'c0003'
down_revision = 'c0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the id is the version number's counter: a sequence on PostgreSQL
    # (SERIAL), AUTOINCREMENT on SQLite, so an id is never handed out twice
    op.create_table('filing_document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_name', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('generated_document_id', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_filing_document_version_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['generated_document_id'], ['generated_document.id'], name=op.f('fk_filing_document_version_generated_document_id_generated_document'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_filing_document_version_submission_id_submission')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_document_version')),
    sa.UniqueConstraint('number', name=op.f('uq_filing_document_version_number')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('filing_document_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_document_version_submission_id'), ['submission_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('filing_document_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_document_version_submission_id'))

    op.drop_table('filing_document_version')

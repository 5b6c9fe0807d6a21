"""enterprise_registry: 申报事项 (knowledge-value credit ratings, innovation vouchers) and the custom query's saved column choices

Revision ID: er0005_declarations
Revises: er0004_pools
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = 'er0005_declarations'
down_revision = 'er0004_pools'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('er_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('rd_expense', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('rd_staff', sa.Integer(), nullable=True),
    sa.Column('ip_count', sa.Integer(), nullable=True),
    sa.Column('revenue', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('applied_at', sa.DateTime(), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=4), nullable=True),
    sa.Column('score', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('opinion', sa.String(length=500), nullable=True),
    sa.Column('rated_at', sa.DateTime(), nullable=True),
    sa.Column('rated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("level IS NULL OR level IN ('AAA', 'AA', 'A', 'B', 'C')", name=op.f('ck_er_rating_level')),
    sa.CheckConstraint("state IS NULL OR state IN ('applied', 'rated')", name=op.f('ck_er_rating_state')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_er_rating_agency_id_agency')),
    sa.ForeignKeyConstraint(['applied_by_id'], ['user_account.id'], name=op.f('fk_er_rating_applied_by_id_user_account')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['er_enterprise.id'], name=op.f('fk_er_rating_enterprise_id_er_enterprise')),
    sa.ForeignKeyConstraint(['rated_by_id'], ['user_account.id'], name=op.f('fk_er_rating_rated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_er_rating')),
    sa.UniqueConstraint('enterprise_id', 'year', name='uq_er_rating_enterprise_year')
    )
    with op.batch_alter_table('er_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_er_rating_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_er_rating_agency_id_id', ['agency_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_er_rating_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_er_rating_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_er_rating_year'), ['year'], unique=False)

    op.create_table('er_voucher',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('purpose', sa.String(length=500), nullable=True),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('applied_at', sa.DateTime(), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=True),
    sa.Column('opinion', sa.String(length=500), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('redeemed_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('redeemed_on', sa.Date(), nullable=True),
    sa.Column('redeemed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IS NULL OR kind IN ('研发设计', '检验检测', '技术转移', '知识产权', '科技咨询')", name=op.f('ck_er_voucher_kind')),
    sa.CheckConstraint("state IS NULL OR state IN ('applied', 'returned', 'approved', 'redeemed')", name=op.f('ck_er_voucher_state')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_er_voucher_agency_id_agency')),
    sa.ForeignKeyConstraint(['applied_by_id'], ['user_account.id'], name=op.f('fk_er_voucher_applied_by_id_user_account')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_er_voucher_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['er_enterprise.id'], name=op.f('fk_er_voucher_enterprise_id_er_enterprise')),
    sa.ForeignKeyConstraint(['redeemed_by_id'], ['user_account.id'], name=op.f('fk_er_voucher_redeemed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_er_voucher'))
    )
    with op.batch_alter_table('er_voucher', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_er_voucher_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_er_voucher_agency_id_id', ['agency_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_er_voucher_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_er_voucher_year_agency_id', ['year', 'agency_id'], unique=False)

    op.create_table('er_column_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_er_column_choice_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_er_column_choice')),
    sa.UniqueConstraint('user_id', 'name', name='uq_er_column_choice_user_name')
    )
    with op.batch_alter_table('er_column_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_er_column_choice_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('er_column_choice')
    op.drop_table('er_voucher')
    op.drop_table('er_rating')

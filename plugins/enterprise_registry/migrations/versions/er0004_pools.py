"""enterprise_registry: the screened pools — 重大安全、质量事故 on the report, the agencies' pool parameters

Revision ID: er0004_pools
Revises: er0003_targets
Create Date: 2026-12-01 06:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'er0004_pools'
down_revision = 'er0003_targets'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('er_report_market', schema=None) as batch_op:
        batch_op.add_column(sa.Column('serious_incident', sa.String(length=2), server_default='否', nullable=False))
        batch_op.create_check_constraint(op.f('ck_er_report_market_serious_incident'),
                                         "serious_incident IS NULL OR serious_incident IN ('是', '否')")
    with op.batch_alter_table('er_report', schema=None) as batch_op:
        batch_op.create_index('ix_er_report_year_enterprise_id', ['year', 'enterprise_id'], unique=False)
    op.create_table('er_pool_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('pool_key', sa.String(length=32), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_er_pool_setting_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['user_account.id'], name=op.f('fk_er_pool_setting_updated_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_er_pool_setting')),
    sa.UniqueConstraint('agency_id', 'pool_key', name='uq_er_pool_setting_agency_pool')
    )


def downgrade() -> None:
    op.drop_table('er_pool_setting')
    with op.batch_alter_table('er_report', schema=None) as batch_op:
        batch_op.drop_index('ix_er_report_year_enterprise_id')
    with op.batch_alter_table('er_report_market', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_er_report_market_serious_incident'), type_='check')
        batch_op.drop_column('serious_incident')

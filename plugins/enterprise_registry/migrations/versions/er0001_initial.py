"""enterprise_registry: start of the plugin's migration branch (its tables come with its features).

Revision ID: er0001
Revises:
Create Date: 2026-11-22
"""

revision = "er0001"
down_revision = None
branch_labels = ("enterprise_registry",)
depends_on = "c0001"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

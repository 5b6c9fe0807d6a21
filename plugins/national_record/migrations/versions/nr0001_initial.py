"""national_record: start of the plugin's migration branch (its tables come with its features).

Revision ID: nr0001
Revises:
Create Date: 2026-11-22
"""

revision = "nr0001"
down_revision = None
branch_labels = ("national_record",)
depends_on = "c0001"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

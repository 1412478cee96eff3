"""How often each actor was shown in a search's results: one count per actor, nothing else (no time,
no place, no resident), so that managers verify first what volunteers meet most.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actor_shown",
        sa.Column("actor_id", sa.String, primary_key=True),
        sa.Column("shown", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("actor_shown")

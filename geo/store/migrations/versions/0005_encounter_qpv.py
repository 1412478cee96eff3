"""The quartier prioritaire of an encounter's door, when its position was sent: a QPV code, « hors-qpv »,
or null (no position, or outlines not synced) — for the campaign dashboard's breakdown, masked as the
others.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("encounters", "encounter_tallies"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("qpv", sa.String, nullable=True))


def downgrade() -> None:
    for table in ("encounters", "encounter_tallies"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("qpv")

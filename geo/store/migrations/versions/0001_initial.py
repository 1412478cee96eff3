"""The store as it stood when migrations began: actors, their revisions, managers, login attempts.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("feature", sa.Text, nullable=False),
    )
    op.create_table(
        "revisions",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("actor_id", sa.String, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String, nullable=False),
        sa.Column("at", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.Column("feature", sa.Text, nullable=False),
    )
    op.create_index("ix_revisions_actor_id", "revisions", ["actor_id"])
    op.create_table(
        "users",
        sa.Column("email", sa.String, primary_key=True),
        sa.Column("password_hash", sa.String, nullable=False),
        sa.Column("role", sa.String, nullable=False),
        sa.Column("token_hash", sa.String, nullable=True, unique=True),
        sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"),
        sa.Column("disabled", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "login_attempts",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_login_attempts_key", "login_attempts", ["key"])


def downgrade() -> None:
    for table in ("login_attempts", "users", "revisions", "actors"):
        op.drop_table(table)

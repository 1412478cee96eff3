"""Campaigns, their volunteers' teams, the anonymous encounter log, its folded tallies, and the
aggregated history recorded by managers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ANSWER_COLUMNS = ("commune", "iris", "en_recherche", "accompagne", "accompagne_par", "tranche_age", "equipe")


def _answers() -> list[sa.Column[Any]]:
    return [
        *(
            sa.Column(name, sa.String, nullable=name not in ("commune", "en_recherche"))
            for name in ANSWER_COLUMNS
        ),
        sa.Column("mise_en_lien", sa.Integer, nullable=False),
        sa.Column("demo_mes_offres", sa.Integer, nullable=False),
        sa.Column("acteurs", sa.Text, nullable=False),
        sa.Column("besoins", sa.Text, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nom", sa.String, nullable=False),
        sa.Column("communes", sa.Text, nullable=False),
        sa.Column("secteurs", sa.Text, nullable=False),
        sa.Column("debut", sa.String, nullable=True),
        sa.Column("fin", sa.String, nullable=True),
        sa.Column("close", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "campaign_volunteers",
        sa.Column("campagne", sa.Integer, primary_key=True),
        sa.Column("email", sa.String, primary_key=True),
        sa.Column("equipe", sa.String, nullable=True),
    )
    op.create_table(
        "encounters",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("campagne", sa.Integer, nullable=False, index=True),
        sa.Column("jour", sa.String, nullable=False),
        *_answers(),
    )
    op.create_table(
        "encounter_tallies",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("campagne", sa.Integer, nullable=False, index=True),
        sa.Column("semaine", sa.String, nullable=False),
        *_answers(),
        sa.Column("nombre", sa.Integer, nullable=False),
    )
    op.create_table(
        "campaign_history",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("campagne", sa.Integer, nullable=False, index=True),
        sa.Column("periode", sa.String, nullable=False),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("rencontres", sa.Integer, nullable=False),
        sa.Column("en_recherche", sa.Integer, nullable=True),
        sa.Column("non_accompagnes", sa.Integer, nullable=True),
        sa.Column("mises_en_lien", sa.Integer, nullable=True),
        sa.Column("demos_mes_offres", sa.Integer, nullable=True),
        sa.Column("note", sa.String, nullable=False, server_default=""),
    )


def downgrade() -> None:
    for table in ("campaign_history", "encounter_tallies", "encounters", "campaign_volunteers", "campaigns"):
        op.drop_table(table)

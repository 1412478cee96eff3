"""On PostgreSQL, each actor's place as a PostGIS point in Lambert-93 (EPSG:2154, metres, as the app's
distances) with a GiST index, for nearest-first queries (``ORDER BY geom <-> point``), beside its
statut and thématiques for their filters. The database derives the three from the stored GeoJSON, so
they can never disagree with it. SQLite keeps them in the feature only: the app's index is built in
memory.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

POINT = """CASE WHEN jsonb_typeof(feature::jsonb -> 'geometry') = 'object' THEN ST_Transform(
             ST_SetSRID(ST_GeomFromGeoJSON(feature::jsonb -> 'geometry'), 4326), 2154) END"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute(
        f"ALTER TABLE actors ADD COLUMN geom geometry(Point, 2154) GENERATED ALWAYS AS ({POINT}) STORED"
    )
    op.execute(
        "ALTER TABLE actors ADD COLUMN statut text "
        "GENERATED ALWAYS AS (feature::jsonb -> 'properties' ->> 'statut') STORED"
    )
    op.execute(
        "ALTER TABLE actors ADD COLUMN thematiques jsonb "
        "GENERATED ALWAYS AS (feature::jsonb -> 'properties' -> 'thematiques') STORED"
    )
    op.execute("CREATE INDEX ix_actors_geom ON actors USING gist (geom)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_actors_geom")
    for column in ("thematiques", "statut", "geom"):
        op.execute(f"ALTER TABLE actors DROP COLUMN {column}")

"""On PostgreSQL, each actor's place as a PostGIS point in Lambert-93 (EPSG:2154, metres, as the app's
distances) with a GiST index, for nearest-first queries (``ORDER BY geom <-> point``). The database
derives it from the stored GeoJSON, so the two can never disagree. SQLite keeps its places in the
feature only: the app's index is built in memory.

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
    op.execute(f"ALTER TABLE actors ADD COLUMN geom geometry(Point, 2154) GENERATED ALWAYS AS ({POINT}) STORED")
    op.execute("CREATE INDEX ix_actors_geom ON actors USING gist (geom)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_actors_geom")
    op.execute("ALTER TABLE actors DROP COLUMN geom")

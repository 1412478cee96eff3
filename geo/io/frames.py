"""Actors as a GeoDataFrame, for notebooks and analyses (``pip install 'carto-insertion[analysis]'``)."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
from shapely.geometry import Point

from geo.actors.model import Actor
from geo.projection import WGS84


def actors_frame(actors: Iterable[Actor]) -> gpd.GeoDataFrame:
    """One row per actor (located or not), WGS84 points; project with ``.to_crs(2154)`` for metres."""
    rows = [
        {
            "id": a.id,
            "nom": a.nom,
            "kind": a.kind,
            "commune": a.commune,
            "code_insee": a.code_insee,
            "statut": a.statut,
            "thematiques": list(a.thematiques),
            "publics": list(a.publics),
            "location_source": a.location.source if a.location else None,
            "geometry": Point(a.location.lon, a.location.lat) if a.location else None,
        }
        for a in actors
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)

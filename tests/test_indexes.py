"""The search's indexes, chosen by name: every back-end gives the same answers over the same store."""

from __future__ import annotations

import pytest

from geo.actors.model import actor_from_feature
from geo.search.indexes import INDEXES, UnknownIndex, build_index
from geo.search.nearest import nearest
from tests.support import fictional_feature

MONTREUIL = (2.4413, 48.8610)


def _fill(store, dataset):
    actors = [actor_from_feature(f) for f in dataset["features"]]
    closed = actor_from_feature(fictional_feature(id="acteur-ferme", nom="Acteur fermé", statut="ferme"))
    store.replace_all([*actors, closed], "import fictif")
    return actors


def _usable(store) -> list[str]:
    """The indexes this store can serve: PostGIS's on PostgreSQL only."""
    from geo.store.sqlite import SQLiteStore

    return ["memory"] if isinstance(store, SQLiteStore) else list(INDEXES)


def test_every_index_the_store_allows_answers_as_nearest_over_its_actors(store, dataset):
    actors = _fill(store, dataset)
    for name in _usable(store):
        index = build_index(name, store)
        for options in (
            {"k": 3},
            {"k": 8, "thematiques": ["trouver-un-emploi"]},
            {"k": 5, "publics": ["jeunes"]},
        ):
            assert [r.actor.id for r in index.nearest(MONTREUIL, **options)] == [
                r.actor.id for r in nearest(MONTREUIL, actors, **options)
            ], (name, options)


def test_every_index_finds_actors_by_id_retired_ones_included(store, dataset):
    actors = _fill(store, dataset)
    for name in _usable(store):
        found = build_index(name, store).named([actors[0].id, "acteur-ferme", "inconnu"])
        assert sorted(found) == sorted([actors[0].id, "acteur-ferme"]), name
        assert found["acteur-ferme"].statut == "ferme"


def test_an_unknown_index_or_one_the_store_cannot_serve_is_refused_with_the_known_names(tmp_path):
    from tests.support import new_store

    store = new_store(tmp_path / "carto.sqlite")
    with pytest.raises(UnknownIndex, match="connus : memory, postgis"):
        build_index("kdtree", store)
    with pytest.raises(UnknownIndex, match="PostgreSQL"):
        build_index("postgis", store)

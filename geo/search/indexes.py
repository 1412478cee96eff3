"""Where the search finds the nearest actors: one interface, back-ends chosen by name — from a
notebook as from the app (``CARTO_NEAREST_INDEX``), as ``geo.geocoding.configured`` does for geocoders.

index = build_index("memory", store)      # "postgis" with a PostgreSQL store
index.nearest((2.44, 48.86), k=5, thematiques=["trouver-un-emploi"])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol, Unpack

from geo.store import ActorStore, is_postgres_url

if TYPE_CHECKING:  # numpy and SciPy load with the first index, not with the settings
    from geo.actors.model import Actor
    from geo.search.nearest import NearestOptions, NearestResult, Origin


class NearestIndex(Protocol):
    """What the search asks of an index; every back-end gives ``nearest``'s answers over every actor."""

    def nearest(
        self, origin: Origin | tuple[float, float], **options: Unpack[NearestOptions]
    ) -> list[NearestResult]: ...

    def named(self, ids: Iterable[str]) -> dict[str, Actor]:
        """Those of ``ids`` that name an actor (retired ones included), by id."""
        ...


class UnknownIndex(ValueError):
    """A back-end name that is not in ``INDEXES``, or one the store cannot serve."""


def build_index(name: str, store: ActorStore) -> NearestIndex:
    """The index ``name`` over the actors of ``store``, as they are now; UnknownIndex if it cannot be."""
    from geo.search.nearest_in_store import NearestFirst

    check_index(name, nearest_first=isinstance(store, NearestFirst))
    return INDEXES[name](store)


def check_index(name: str, *, nearest_first: bool) -> None:
    """UnknownIndex for a name not in ``INDEXES``, or for ``postgis`` on a store with no nearest-first
    index (only PostgreSQL's has one)."""
    if name not in INDEXES:
        raise UnknownIndex(f"index inconnu : {name} (connus : {', '.join(INDEXES)})")
    if name == "postgis" and not nearest_first:
        raise UnknownIndex("l’index postgis demande une base PostgreSQL/PostGIS (postgresql+psycopg://…)")


def check_index_url(name: str, database_url: str) -> None:
    """``check_index`` for the store ``database_url`` names, before it is opened."""
    check_index(name, nearest_first=is_postgres_url(database_url))


def _memory(store: ActorStore) -> NearestIndex:
    from geo.search.actor_index import ActorIndex

    return ActorIndex(stored.actor for stored in store.all())


def _postgis(store: ActorStore) -> NearestIndex:
    from geo.search.nearest_in_store import NearestFirst, StoreNearest

    assert isinstance(store, NearestFirst)
    return StoreNearest(store, store.unlocated_actors())


INDEXES: dict[str, Callable[[ActorStore], NearestIndex]] = {
    "memory": _memory,
    "postgis": _postgis,
}
"""Every back-end, by the name ``CARTO_NEAREST_INDEX`` uses: ``memory`` (each process holds every
actor, projected) or ``postgis`` (the database's GiST index gives the candidates; docs/scale.md)."""

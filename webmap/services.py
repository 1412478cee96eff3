"""The app's collaborators for the core: the actor store and its search index, the geocoder chain,
the way of timing walks — each built once per app from its settings, rebuilt when its data changes.

On first use an empty store is filled from ``ACTORS_FILE`` (``data/actors.geojson``); from then on
the store is the truth and ``carto actors export`` writes the file back for review in git.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app, g, has_request_context

from geo.actors.model import Actor
from geo.geocoding.chain import GeocoderChain
from geo.geocoding.configured import GeocoderSettings, UnknownGeocoder, build_geocoder
from geo.io.dataset import load_actors
from geo.search.travel import TravelTimes, WalkingEstimate
from geo.store import open_store, upgrade_store
from webmap.errors import STORE_USED
from webmap.settings import ConfigurationError

if TYPE_CHECKING:  # numpy and scipy load with the first search, not with every command
    from geo.search.indexes import NearestIndex
    from geo.search.request import SearchRequest
    from geo.search.service import SearchOutcome
    from geo.store.sql import SQLStore

_STORE_KEY = "carto.store"
_ACTORS_KEY = "carto.actors"
_PACK_KEY = "carto.pack"
_CHANGED_KEY = "carto.changed"
_ADDRESSES_KEY = "carto.addresses"
_INDEX_KEY = "carto.index"
_GEOCODER_KEY = "carto.geocoder"
_TRAVEL_KEY = "carto.travel"


def run_search(request: SearchRequest) -> SearchOutcome:
    """The core's search with this app's collaborators."""
    from geo.search.service import search

    return search(
        request,
        geocoder=current_geocoder(),
        actors=current_index(),
        travel=current_travel(),
        served=served_communes(),
    )


def warm_up(app: Flask) -> None:
    """Load the search's libraries (numpy, SciPy, pyproj, shapely), the communes' outlines and the
    actors' index: a fresh worker's first search costs a second otherwise. A store out of reach now
    is no reason to stop: the first request will say so."""
    from geo.communes import COMMUNES, within_reach
    from geo.search.nearest import ActorIndex  # noqa: F401 — numpy and SciPy

    with app.app_context():
        served = served_communes()
        if served:
            commune = COMMUNES[served[0]]
            within_reach(
                (commune.bbox[0] + commune.bbox[2]) / 2, (commune.bbox[1] + commune.bbox[3]) / 2, served
            )
        try:
            current_index()
        except Exception as error:  # logged, and the service starts all the same
            app.logger.warning("préchargement incomplet : %s", (str(error).splitlines() or [repr(error)])[0])


def current_store() -> SQLStore:
    app = _app()
    store = app.extensions.get(_STORE_KEY)
    if store is None:
        store = open_store(app.config["DATABASE_URL"], Path(app.instance_path))
        if store.revision_count() == 0:
            source = Path(app.config["ACTORS_FILE"])
            store.seed_if_empty(load_actors(source), f"import initial ({source.name})")
        app.extensions[_STORE_KEY] = store
    if has_request_context():
        g.setdefault(STORE_USED, True)  # how webmap.errors learns that the database answers again
    return store


def upgrade_configured_store(app: Flask | None = None) -> tuple[str | None, str]:
    """Create or migrate the schema of the configured store: (revision before, after)."""
    app = app or _app()
    return upgrade_store(app.config["DATABASE_URL"], Path(app.instance_path))


def data_version() -> int:
    """Grows with every change of any actor."""
    return current_store().revision_count()


def data_date():
    """The day the actors last changed: « données mises à jour le … » on the volunteer's pages."""
    changed = _per_version(_CHANGED_KEY, lambda: current_store().last_change())
    return changed.date() if changed else None


def current_actors() -> list[Actor]:
    """Every actor of the store, retired ones included (filters decide); read once per version."""
    return _per_version(_ACTORS_KEY, lambda: [stored.actor for stored in current_store().all()])


def actors_named(ids: Iterable[str]) -> dict[str, Actor]:
    """Those of ``ids`` that name an actor (retired ones included), by id, as the index finds them:
    a worker that holds no actor (``postgis``) reads them from the store."""
    return current_index().named(ids)


def current_index() -> NearestIndex:
    """Where the search finds the nearest actors: the index named by ``NEAREST_INDEX``
    (``geo.search.indexes``), made once per version of the store."""
    from geo.search.indexes import build_index

    store = current_store()
    return _per_version(_INDEX_KEY, lambda: build_index(_app().config["NEAREST_INDEX"], store))


def pack_version(version: int, today: dt.date) -> str:
    """The pack's version, sortable as text: its day, then the store's revision count."""
    return f"{today:%Y%m%d}-{version:012d}"


def current_pack() -> tuple[str, bytes]:
    """The field pack of the current actors and communes served: its version and its JSON, built once
    per version of the store and per day (its opening hours start today)."""
    from geo.offline.pack import field_pack, pack_json

    today = dt.date.today()
    version = data_version()
    cached = current_app.extensions.get(_PACK_KEY)
    if cached is None or cached[0] != (version, today):
        from webmap.volunteer.offline import presented

        named = pack_version(version, today)
        pack = field_pack(current_actors(), served_communes(), today, named)
        cached = ((version, today), (named, pack_json(presented(pack, current_actors()))))
        current_app.extensions[_PACK_KEY] = cached
    return cached[1]


def current_address_pack(commune: str) -> bytes | None:
    """The commune's addresses from the local BAN index, as JSON; built once per index file."""
    from geo.offline.addresses import address_pack
    from geo.offline.pack import pack_json

    path = ban_index_path(current_app)
    if not path.exists():
        return None
    key = (path.stat().st_mtime_ns, commune)
    cached = current_app.extensions.setdefault(_ADDRESSES_KEY, {})
    if key not in cached:
        if len(cached) >= len(served_communes()):
            cached.clear()  # an older index's packs
        pack = address_pack(path, commune)
        cached[key] = pack_json(pack) if pack else None
    return cached[key]


def _per_version(key: str, build):
    """What ``build`` makes from the store, kept until the store changes."""
    version = data_version()
    cached = current_app.extensions.get(key)
    if cached is None or cached[0] != version:
        cached = (version, build())
        current_app.extensions[key] = cached
    return cached[1]


def served_communes() -> tuple[str, ...]:
    """INSEE codes of the communes this service is set up for (``CARTO_COMMUNES``), in that order, but
    for those it holds no reference data for yet (``carto data sync`` brings them)."""
    from geo.communes import COMMUNES

    return tuple(code for code in _app().config["COMMUNES"] if code in COMMUNES)


def ban_index_path(app: Flask) -> Path:
    return Path(app.instance_path) / "ban" / "index.sqlite"


def current_geocoder() -> GeocoderChain:
    """The chain of back-ends named in ``GEOCODERS``, created on first use."""
    app = _app()
    if _GEOCODER_KEY not in app.extensions:
        config = app.config
        settings = GeocoderSettings(
            names=tuple(config["GEOCODERS"]),
            ban_index=ban_index_path(app),
            geoplateforme_url=config["GEOPLATEFORME_URL"],
            geoplateforme_rate=config["GEOPLATEFORME_RATE"],
            addok_url=config["ADDOK_URL"],
            timeout=config["GEOCODER_TIMEOUT"],
            min_score=config["GEOCODER_MIN_SCORE"],
            cache_size=config["GEOCODER_CACHE_SIZE"],
        )
        try:
            app.extensions[_GEOCODER_KEY] = build_geocoder(settings)
        except UnknownGeocoder as error:
            raise ConfigurationError(f"CARTO_GEOCODERS : {error}") from None
    return app.extensions[_GEOCODER_KEY]


def network_path(app: Flask) -> Path:
    return Path(app.instance_path) / "network" / "streets.npz"


def current_travel() -> TravelTimes:
    """Along the imported street network if any (reloaded when a new one is imported), else the
    estimate."""
    app = _app()
    path = network_path(app)
    version = path.stat().st_mtime_ns if path.exists() else None
    cached = app.extensions.get(_TRAVEL_KEY)
    if cached is None or cached[0] != version:
        estimate = WalkingEstimate(app.config["WALK_DETOUR_FACTOR"], app.config["WALK_SPEED_KMH"])
        travel: TravelTimes = estimate
        if version is not None:
            from geo.search.network import NetworkWalk, StreetNetwork

            travel = NetworkWalk(StreetNetwork.load(path), app.config["WALK_SPEED_KMH"], estimate)
        cached = (version, travel)
        app.extensions[_TRAVEL_KEY] = cached
    return cached[1]


def http_client(follow_redirects: bool = False):
    """An HTTP client for the service's downloads: its timeout and its User-Agent."""
    import httpx

    from geo.geocoding.configured import USER_AGENT

    return httpx.Client(
        timeout=_app().config["HTTP_TIMEOUT"],
        follow_redirects=follow_redirects,
        headers={"User-Agent": USER_AGENT},
    )


def read_data_inclusion(communes: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """data·inclusion's structures and services for ``communes`` (default: the communes served);
    DataInclusionUnavailable when the API cannot be read."""
    from geo.io.data_inclusion_api import fetch_records

    config = _app().config
    with http_client() as client:
        return fetch_records(
            client, config["DI_API_URL"], config["DI_API_TOKEN"], communes or config["COMMUNES"]
        )


def _app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined]

"""The app's collaborators for the core — the actor store, its search index, the geocoder chain, the
way of timing walks — held by one ``Services`` object that the app factory makes from the settings
(``create_app``), and what is made from the store, rebuilt when it changes. Views and commands reach
them through the functions below, never through ``current_app.extensions`` themselves.

On first use an empty store is filled from ``ACTORS_FILE`` (``data/actors.geojson``); from then on
the store is the truth and ``carto actors export`` writes the file back for review in git.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

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
    import httpx

    from geo.actors.leads import Lead
    from geo.qpv import QpvOutlines
    from geo.search.indexes import NearestIndex
    from geo.search.request import SearchRequest
    from geo.search.service import SearchOutcome
    from geo.store.sql import SQLStore
    from geo.transit.feed import Feed

EXTENSION = "carto"
Made = TypeVar("Made")


class Services:
    """One app's collaborators: each built once, on first use, from ``config`` and ``instance``;
    what is made from the actors is kept until the store's revision count changes."""

    def __init__(self, config: Mapping[str, Any], instance: Path):
        self.config = config
        self.instance = instance
        self._made: dict[str, tuple[object, Any]] = {}

    @property
    def store(self) -> SQLStore:
        """The store, opened on first use; a request that reaches it says so (``STORE_USED``: how
        ``webmap.errors`` learns that the database answers again)."""
        store = self._opened_store
        if has_request_context():
            g.setdefault(STORE_USED, True)
        return store

    def release(self) -> None:
        """Close the store (opened again on first use) and have the geocoders load their index and
        close their handles (``GeocoderChain.before_fork``). What was made from the actors is kept."""
        store = self.__dict__.pop("_opened_store", None)
        if store is not None:
            store.close()
        if "geocoder" in self.__dict__:
            self.geocoder.before_fork()

    @cached_property
    def _opened_store(self) -> SQLStore:
        store = open_store(self.config["DATABASE_URL"], self.instance)
        if store.revision_count() == 0:
            source = Path(self.config["ACTORS_FILE"])
            store.seed_if_empty(load_actors(source), f"import initial ({source.name})")
        return store

    @cached_property
    def geocoder(self) -> GeocoderChain:
        """The chain of back-ends named in ``GEOCODERS``."""
        config = self.config
        settings = GeocoderSettings(
            names=tuple(config["GEOCODERS"]),
            ban_index=self.ban_index,
            geoplateforme_url=config["GEOPLATEFORME_URL"],
            geoplateforme_rate=config["GEOPLATEFORME_RATE"],
            addok_url=config["ADDOK_URL"],
            timeout=config["GEOCODER_TIMEOUT"],
            min_score=config["GEOCODER_MIN_SCORE"],
            cache_size=config["GEOCODER_CACHE_SIZE"],
        )
        try:
            return build_geocoder(settings)
        except UnknownGeocoder as error:
            raise ConfigurationError(f"CARTO_GEOCODERS : {error}") from None

    @property
    def ban_index(self) -> Path:
        return self.instance / "ban" / "index.sqlite"

    @property
    def network(self) -> Path:
        return self.instance / "network" / "streets.npz"

    @property
    def transit_folder(self) -> Path:
        return self.instance / "transit"

    def transit_feed(self) -> Feed | None:
        """The GTFS feed ``carto transit import`` kept (None before), read again when replaced."""
        from geo.transit.feed import SUMMARY, Feed

        version = _mtime(self.transit_folder / SUMMARY)
        return self.kept("transit_feed", version, lambda: Feed.read(self.transit_folder) if version else None)

    def transit_ready(self) -> bool:
        """Whether trips by public transport are offered today: a feed is kept, and in date."""
        feed = self.transit_feed()
        return feed is not None and not feed.out_of_date(dt.date.today())

    def transit_offline(self) -> tuple[int | None, dict[str, Any] | None]:
        """The offline trips ``carto transit offline`` computed (``geo.transit.offline``), and when
        (ns); (None, None) before, or when the feed is out of date."""
        from geo.transit.offline import OFFLINE_FILE, read_offline

        version = _mtime(self.transit_folder / OFFLINE_FILE) if self.transit_ready() else None
        kept = self.kept(
            "transit_offline", version, lambda: read_offline(self.transit_folder) if version else None
        )
        return version, kept

    def transit_notice(self) -> str | None:
        """What the page says when the feed kept is past its dates (its trips are not offered)."""
        feed = self.transit_feed()
        if feed is None or self.transit_ready():
            return None
        span = f"du {feed.start:%d/%m/%Y} au {feed.end:%d/%m/%Y}"
        return f"Horaires des transports en commun périmés (valables {span}) : temps à pied seulement."

    @property
    def served(self) -> tuple[str, ...]:
        """INSEE codes of the communes this service is set up for (``CARTO_COMMUNES``), in that
        order, but for those it holds no reference data for yet (``carto data sync`` brings them)."""
        from geo.communes import COMMUNES

        return tuple(code for code in self.config["COMMUNES"] if code in COMMUNES)

    def version(self) -> int:
        """Grows with every change of any actor: one lookup, so that a change made through any
        server is seen by the others at their next request."""
        return self.store.revision_count()

    def kept(self, name: str, key: object, build: Callable[[], Made]) -> Made:
        """What ``build`` makes, kept under ``name`` until ``key`` changes."""
        cached = self._made.get(name)
        if cached is None or cached[0] != key:
            cached = (key, build())
            self._made[name] = cached
        return cast(Made, cached[1])

    def per_version(self, name: str, build: Callable[[], Made]) -> Made:
        return self.kept(name, self.version(), build)

    def actors(self) -> list[Actor]:
        """Every actor of the store, retired ones included (filters decide)."""
        return self.per_version("actors", lambda: [stored.actor for stored in self.store.all()])

    def index(self) -> NearestIndex:
        """The index named by ``NEAREST_INDEX`` (``geo.search.indexes``)."""
        from geo.search.indexes import build_index

        return self.per_version("index", lambda: build_index(self.config["NEAREST_INDEX"], self.store))

    def travel(self) -> TravelTimes:
        """Along the imported street network if any, else the estimate; and by public transport when
        a feed is imported and in date. Built again when either is imported, and each week (the
        engine holds two weeks of timetable: ``geo.transit.engine.LOADED_DAYS``)."""
        today = dt.date.today()
        feed = self.transit_feed()
        riding = self.transit_ready()
        key = (_mtime(self.network), feed, today.toordinal() // 7 if riding else None)
        return self.kept(
            "travel", key, lambda: self._travel(key[0] is not None, feed if riding else None, today)
        )

    @property
    def walking_estimate(self) -> WalkingEstimate:
        """The straight line × ``WALK_DETOUR_FACTOR`` at ``WALK_SPEED_KMH``: the search's without a
        street network, and the offline page's always."""
        return WalkingEstimate(self.config["WALK_DETOUR_FACTOR"], self.config["WALK_SPEED_KMH"])

    def _travel(self, along_streets: bool, feed: Feed | None, today: dt.date) -> TravelTimes:
        walking: TravelTimes = self.walking_estimate
        speed = self.config["WALK_SPEED_KMH"]
        if along_streets:
            from geo.search.network import NetworkWalk, StreetNetwork

            walking = NetworkWalk(StreetNetwork.load(self.network), speed, self.walking_estimate)
        if feed is None:
            return walking
        from geo.transit.door_to_door import DoorToDoor, Stops
        from geo.transit.engine import NigiriRouter

        return DoorToDoor(walking, NigiriRouter(feed, today), Stops.of_feed(feed), speed)

    @property
    def qpv_file(self) -> Path:
        from geo.io.sync import QPV_FILENAME

        return self.instance / "qpv" / QPV_FILENAME

    def qpv_version(self) -> int | None:
        """When the QPV outlines were last synced (ns), None before."""
        return _mtime(self.qpv_file)

    def qpv(self) -> QpvOutlines | None:
        """The QPV outlines ``carto data sync`` wrote (None before), read again when the file changes:
        a sync is seen by every worker without a restart."""
        from geo.qpv import QpvOutlines

        version = self.qpv_version()
        return self.kept("qpv", version, lambda: QpvOutlines.from_file(self.qpv_file) if version else None)

    def search(self, request: SearchRequest) -> SearchOutcome:
        """The core's search with these collaborators."""
        from geo.search.service import search

        return search(
            request,
            geocoder=self.geocoder,
            actors=self.index(),
            travel=self.travel(),
            served=self.served,
            qpv=self.qpv(),
        )

    def close(self) -> None:
        """Give back the store's connections, if it was opened."""
        if "_opened_store" in self.__dict__:
            self._opened_store.close()


def _mtime(path: Path) -> int | None:
    return path.stat().st_mtime_ns if path.exists() else None


def install(app: Flask) -> Services:
    """Make the app's ``Services`` (the app factory's step)."""
    made = Services(app.config, Path(app.instance_path))
    app.extensions[EXTENSION] = made
    return made


def services(app: Flask | None = None) -> Services:
    """The current app's collaborators."""
    return cast(Services, (app or _app()).extensions[EXTENSION])


def run_search(request: SearchRequest) -> SearchOutcome:
    """The core's search with this app's collaborators."""
    return services().search(request)


def warm_up(app: Flask) -> None:
    """Load the search's libraries (numpy, SciPy, pyproj, shapely), the communes' outlines and the
    actors' index: a fresh worker's first search costs a second otherwise. A store out of reach now
    is no reason to stop: the first request will say so."""
    from geo.communes import COMMUNES, within_reach
    from geo.search.actor_index import ActorIndex  # noqa: F401 — numpy and SciPy

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


def load_for_requests(app: Flask) -> None:
    """What requests load on first use, loaded now: the map pages' library (folium, and pandas with
    it), the geocoders (their HTTP client library), the travel times (street network, timetable),
    every template compiled. The gunicorn master calls it before forking, so that the workers share
    it instead of each loading its own."""
    import folium  # noqa: F401 — the map pages (webmap.maps), pandas with it

    services(app).geocoder  # noqa: B018 — built; ``release_connections`` has it load its index
    try:
        services(app).travel()  # the streets and the timetable: hundreds of MB at a region's scale
    except Exception as error:  # logged: the first search says what is wrong, the service starts
        app.logger.warning(
            "temps de trajet non préchargés : %s", (str(error).splitlines() or [repr(error)])[0]
        )
    for name in app.jinja_env.list_templates(extensions=("html", "js", "xml", "txt")):
        app.jinja_env.get_template(name)


def travel_summary(app: Flask) -> str:
    """What the search's travel times come from, in a log line: « along the streets, by public
    transport (Réseau fictif, until 2027-12-31) »."""
    from geo.transit.door_to_door import DoorToDoor

    made = services(app)
    try:
        travel = made.travel()
    except Exception:  # said by load_for_requests' warning
        return "not loaded"
    said = "along the streets" if made.network.exists() else "estimated"
    feed = made.transit_feed()
    if feed is not None and isinstance(travel, DoorToDoor):
        said += f", by public transport ({feed.publisher}, until {feed.end.isoformat()})"
    return said


def release_connections(app: Flask) -> None:
    """Close what must not cross a fork — the store's connections, the local address index's SQLite
    handles (its streets loaded first) — keeping what was loaded (the actors' index, per data
    version): the gunicorn master calls it before forking its workers, each of which opens its own on
    first use. The geocoders' HTTP client has made no request: it holds no connection."""
    services(app).release()


def current_store() -> SQLStore:
    return services().store


def upgrade_configured_store(app: Flask | None = None) -> tuple[str | None, str]:
    """Create or migrate the schema of the configured store: (revision before, after)."""
    app = app or _app()
    return upgrade_store(app.config["DATABASE_URL"], Path(app.instance_path))


def data_version() -> int:
    """Grows with every change of any actor."""
    return current_store().revision_count()


def data_summary() -> str:
    """What the volunteer's pages say of the data, as it is: « Données de 2019 à 2024 · 0 acteur
    vérifié sur 28 », then the day of the last verification once there is one — never the day the
    data was loaded, which says nothing of how fresh it is."""

    def summary() -> str:
        shown = [a for a in current_actors() if a.statut != "ferme"]
        if not shown:
            return ""
        years = sorted({a.date_source[:4] for a in shown if a.date_source})
        verified = [a.date_verification for a in shown if a.date_verification is not None]
        span = years[0] if len(years) == 1 else f"{years[0]} à {years[-1]}"
        said = f"Données de {span} · {len(verified)} acteur{'s' if len(verified) > 1 else ''} vérifié"
        said += f"{'s' if len(verified) > 1 else ''} sur {len(shown)}"
        if verified:
            said += f" · dernière vérification le {max(verified):%d/%m/%Y}"
        return said

    return services().per_version("summary", summary)


def current_actors() -> list[Actor]:
    """Every actor of the store, retired ones included (filters decide); read once per version."""
    return services().actors()


def actors_named(ids: Iterable[str]) -> dict[str, Actor]:
    """Those of ``ids`` that name an actor (retired ones included), by id, as the index finds them:
    a worker that holds no actor (``postgis``) reads them from the store."""
    return current_index().named(ids)


def current_index() -> NearestIndex:
    """Where the search finds the nearest actors: the index named by ``NEAREST_INDEX``
    (``geo.search.indexes``), made once per version of the store."""
    return services().index()


def pack_version(version: int, today: dt.date) -> str:
    """The pack's version, sortable as text: its day, then the store's revision count."""
    return f"{today:%Y%m%d}-{version:012d}"


def current_pack() -> tuple[str, bytes]:
    """The field pack of the current actors and communes served: its version and its JSON, built once
    per version of the store and per day (its opening hours start today)."""
    from geo.offline.pack import field_pack, pack_json

    today = dt.date.today()
    version = data_version()
    synced_at = services().qpv_version()
    synced = f"-qpv{synced_at // 10**9}" if synced_at else ""
    trips_at, trips = services().transit_offline()
    synced += f"-tc{trips_at // 10**9}" if trips_at else ""

    def build() -> tuple[str, bytes]:
        from geo.transit.offline import for_pack
        from webmap.volunteer.offline import presented

        named = pack_version(version, today) + synced  # a new sync of the quarters is a new pack
        qpv = services().qpv()
        actors = current_actors()
        located = {a.id: (a.location.lon, a.location.lat) for a in actors if a.location is not None}
        transit = for_pack(trips, located) if trips else None
        pack = field_pack(actors, served_communes(), today, named, services().walking_estimate, qpv, transit)
        return named, pack_json(presented(pack, actors))

    return services().kept("pack", (version, today, synced_at, trips_at), build)


def current_address_pack(commune: str) -> bytes | None:
    """The commune's addresses from the local BAN index, as JSON; built once per index file."""
    from geo.offline.addresses import address_pack
    from geo.offline.pack import pack_json

    path = ban_index_path(current_app)
    if not path.exists():
        return None

    def build() -> bytes | None:
        pack = address_pack(path, commune)
        return pack_json(pack) if pack else None

    return services().kept(f"addresses:{commune}", path.stat().st_mtime_ns, build)


def served_communes() -> tuple[str, ...]:
    """INSEE codes of the communes this service is set up for (``CARTO_COMMUNES``), in that order, but
    for those it holds no reference data for yet (``carto data sync`` brings them)."""
    return services().served


def ban_index_path(app: Flask) -> Path:
    return services(app).ban_index


def current_geocoder() -> GeocoderChain:
    """The chain of back-ends named in ``GEOCODERS``, created on first use."""
    return services().geocoder


def network_path(app: Flask) -> Path:
    return services(app).network


def current_travel() -> TravelTimes:
    """Along the imported street network if any (reloaded when a new one is imported), else the
    estimate."""
    return services().travel()


def http_client(follow_redirects: bool = False) -> httpx.Client:
    """An HTTP client for the service's downloads: its timeout and its User-Agent."""
    import httpx

    from geo.geocoding.configured import USER_AGENT, tls_context

    return httpx.Client(
        timeout=_app().config["HTTP_TIMEOUT"],
        follow_redirects=follow_redirects,
        headers={"User-Agent": USER_AGENT},
        verify=tls_context(),
    )


def read_data_inclusion(
    communes: tuple[str, ...] = (), around: tuple[tuple[float, float], float, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """data·inclusion's structures and services for ``communes`` (default: the communes served), or
    those received within ``around``'s radius (km) of its point (lon, lat) in its commune (INSEE);
    DataInclusionUnavailable when the API cannot be read."""
    from geo.io.data_inclusion_api import fetch_records, search_around

    config = _app().config
    score = config["DI_SCORE_MINIMUM"] or None
    with http_client() as client:
        if around is not None:
            point, radius, code = around
            return search_around(
                client, config["DI_API_URL"], config["DI_API_TOKEN"], point, code, radius, score_minimum=score
            )
        return fetch_records(
            client,
            config["DI_API_URL"],
            config["DI_API_TOKEN"],
            communes or config["COMMUNES"],
            score_minimum=score,
        )


def current_leads() -> list[Lead]:
    """The verification leads of ``CARTO_LEADS_DIR`` (``geo.actors.leads``), read once."""
    from geo.actors.leads import read_leads

    folder = Path(_app().config["LEADS_DIR"])
    return services().kept("leads", str(folder), lambda: read_leads(folder))


def current_qpv() -> QpvOutlines | None:
    """The QPV outlines ``carto data sync`` brought (None before it ran)."""
    return services().qpv()


def _app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined]

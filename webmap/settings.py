"""Every setting of the service, declared once: name, default, parser and meaning.

A setting is read from the environment variable named ``CARTO_`` + its name; ``docs/settings.md`` lists
them all (a test keeps the two in step). Precedence, lowest first: these defaults, the instance file
``config.py``, the environment, the test configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.communes import TARGET_COMMUNES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "CARTO_"


class ConfigurationError(ValueError):
    """A setting has a value the service cannot use."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name


def _flag(value: str) -> bool:
    if value.strip().lower() in ("1", "true", "yes", "oui", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "non", "off", ""):
        return False
    raise ValueError(value)


def _nearest_index(value: str) -> str:
    from geo.search.indexes import INDEXES

    if value not in INDEXES:
        raise ValueError(value)
    return value


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in value.split(",") if code.strip())


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "INSTANCE_PATH",
        str(PROJECT_ROOT / "instance"),
        str,
        "Folder holding all state: secret key, database, indexes, downloaded data. "
        "Read before the app is created.",
    ),
    Setting(
        "SECRET_KEY",
        None,
        str,
        "Key signing sessions and CSRF tokens. When unset, one is generated once and kept in "
        "the instance folder (`secret_key`).",
    ),
    Setting(
        "DATABASE_URL",
        "",
        str,
        "The store (actors, history, accounts, campaigns): empty for `carto.sqlite` in the "
        "instance folder, `sqlite:///path`, or PostgreSQL with PostGIS, "
        "`postgresql+psycopg://user:password@host:5432/database` (the `postgres` extra; "
        "docs/deploy.md).",
    ),
    Setting(
        "ACTORS_FILE",
        str(PROJECT_ROOT / "data" / "actors.geojson"),
        str,
        "The curated actors dataset (GeoJSON, data·inclusion fields).",
    ),
    Setting(
        "QPV_URL",
        "https://www.data.gouv.fr/fr/datasets/r/942d4ee8-8142-4556-8ea1-335537ce1119",
        str,
        "Where `carto data sync` downloads the QPV 2024 outlines (ANCT, data.gouv.fr: a ZIP holding "
        "the national WGS84 GeoJSON, or the GeoJSON itself).",
    ),
    Setting(
        "TRANSIT_GTFS_URL",
        "",
        str,
        "Where `carto data sync` downloads the GTFS feed for trips by public transport (empty: not "
        "fetched; `carto transit import` takes a file).",
    ),
    Setting(
        "TRANSIT_OSM_URL",
        "",
        str,
        "Where `carto data sync` downloads the OpenStreetMap extract (`.osm.pbf`) of the streets, "
        "with the GTFS feed (empty: the streets already imported are kept).",
    ),
    Setting(
        "DI_API_URL",
        "https://api.data.inclusion.gouv.fr/api/v1",
        str,
        "Base URL of data·inclusion's API (v1), read by `carto actors import-di` (the API left "
        "`api.data.inclusion.beta.gouv.fr` for this host in February 2025).",
    ),
    Setting(
        "DI_API_TOKEN",
        "",
        str,
        "Bearer token for data·inclusion's API (ask data·inclusion for one). Keep it out of git.",
    ),
    Setting(
        "DI_SCORE_MINIMUM",
        0.0,
        float,
        "Services under this data·inclusion `score_qualite` (0–1) are left out of `carto actors import-di` "
        "(0: all are read).",
    ),
    Setting(
        "TO_LOCATE_FILE",
        str(PROJECT_ROOT / "data" / "a-localiser.json"),
        str,
        "Actors the association names that no located source gives (the back office's « À localiser » list).",
    ),
    Setting(
        "LEADS_DIR",
        str(PROJECT_ROOT / "data" / "leads"),
        str,
        "Public lists of structures without a stated licence, shown to managers as verification leads.",
    ),
    Setting(
        "COMMUNES",
        TARGET_COMMUNES,
        _codes,
        "INSEE codes of the communes served, comma-separated: the communes offered on the search "
        "page, the embed builder and the back office, listed by `/api/v1/communes`, synced by "
        "`carto data sync`, and (unless `CARTO_BAN_COMMUNES` says otherwise) kept in the BAN index. "
        "Any commune: the service ships the five communes' reference data, and `carto data sync` "
        "brings any other's name, postcodes and outline; until then it is left out.",
    ),
    Setting(
        "CONTOURS_URL",
        "https://geo.api.gouv.fr/departements/{departement}/communes?format=geojson&geometry=contour",
        str,
        "Where `carto data sync` downloads commune outlines: one GeoJSON FeatureCollection per "
        "département, `{departement}` standing for its code.",
    ),
    Setting("HTTP_TIMEOUT", 30.0, float, "Seconds to wait for an outside server before giving up."),
    Setting(
        "NEAREST_INDEX",
        "memory",
        _nearest_index,
        "Where the search finds the nearest actors: `memory` (each worker holds an index of every "
        "actor, rebuilt when they change) or `postgis` (the database's GiST index gives the "
        "candidates; needs a PostgreSQL `CARTO_DATABASE_URL`). The same answers; docs/scale.md "
        "says which to use when.",
    ),
    Setting(
        "GEOCODERS",
        ("local", "geoplateforme"),
        _codes,
        "Geocoders tried in order, comma-separated, among `local` (BAN index in the instance "
        "folder), `geoplateforme` (IGN) and `addok` (an Addok server).",
    ),
    Setting(
        "GEOCODER_MIN_SCORE",
        0.6,
        float,
        "Score (0–1) under which the next geocoder of the chain is asked too.",
    ),
    Setting(
        "GEOCODER_CACHE_SIZE",
        512,
        int,
        "How many recent geocoding answers are kept in memory (10 minutes each).",
    ),
    Setting(
        "GEOCODER_TIMEOUT",
        5.0,
        float,
        "Seconds to wait for a remote geocoder before falling back to the next one.",
    ),
    Setting(
        "GEOPLATEFORME_URL",
        "https://data.geopf.fr/geocodage",
        str,
        "Base URL of the IGN Géoplateforme geocoding service (`/search`, `/reverse`).",
    ),
    Setting(
        "GEOPLATEFORME_RATE",
        40.0,
        float,
        "Requests per second we allow ourselves towards the Géoplateforme (its limit is 50).",
    ),
    Setting(
        "ADDOK_URL",
        "http://127.0.0.1:7878",
        str,
        "Base URL of an Addok server, used when `addok` is in CARTO_GEOCODERS.",
    ),
    Setting(
        "BAN_URL",
        "https://adresse.data.gouv.fr/data/ban/adresses/latest/csv/adresses-{departement}.csv.gz",
        str,
        "Where `carto ban download` and `carto data sync` fetch the official BAN address file, "
        "`{departement}` standing for its code.",
    ),
    Setting(
        "WALK_DETOUR_FACTOR",
        1.3,
        float,
        "Walking estimate: straight-line distance × this factor (streets are not straight).",
    ),
    Setting(
        "WALK_SPEED_KMH", 4.5, float, "Walking speed for travel times, estimated or along the street network."
    ),
    Setting(
        "TILES",
        "OpenStreetMap.France",
        str,
        "Map tiles, by xyzservices provider name (e.g. `OpenStreetMap.France`, "
        "`GeoportailFrance.plan`), or `none`: the maps then show points and outlines only.",
    ),
    Setting(
        "EMBED_ALLOWED_ORIGINS",
        "*",
        str,
        "Who may show the embeddable maps in an iframe (`frame-ancestors`): `*` or origins "
        "separated by spaces. Every other page refuses to be framed.",
    ),
    Setting(
        "PROXY_HOPS",
        0,
        int,
        "How many reverse proxies stand in front of the service and set `X-Forwarded-For`, "
        "`X-Forwarded-Proto` and `X-Forwarded-Host` (werkzeug's ProxyFix). 0: none, the "
        "headers are ignored and the client address is the connection's — leave it at 0 unless "
        "a proxy you run overwrites these headers, or anyone can pick their address.",
    ),
    Setting(
        "MAX_REQUEST_BYTES",
        1024 * 1024,
        int,
        "Largest request body accepted (413 beyond), but for back-office imports (5 MB).",
    ),
    Setting(
        "SECURE_COOKIES",
        True,
        _flag,
        "Session cookies only over HTTPS. `./dev run` turns it off for http://127.0.0.1.",
    ),
    Setting(
        "VERIFY_EVERY_MONTHS",
        6,
        int,
        "An actor verified longer ago than this joins the managers' verification queue.",
    ),
    Setting(
        "ENCOUNTER_RETENTION_MONTHS",
        24,
        int,
        "Campaign encounters older than this are folded into weekly tallies by `carto campagnes "
        "archive` (the figures stay, the rows go).",
    ),
    Setting(
        "BAN_COMMUNES",
        None,
        _codes,
        "Communes kept in the local BAN index: INSEE codes or département codes (`93` keeps all "
        "of Seine-Saint-Denis), comma-separated. Unset: those of `CARTO_COMMUNES`.",
    ),
)

BY_NAME: Mapping[str, Setting] = {setting.name: setting for setting in SETTINGS}


def defaults() -> dict[str, Any]:
    return {setting.name: setting.default for setting in SETTINGS}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings given in ``environ``, parsed; raises ConfigurationError naming a bad one."""
    values = {}
    for setting in SETTINGS:
        if setting.env in environ:
            try:
                values[setting.name] = setting.parse(environ[setting.env])
            except ValueError:
                value = environ[setting.env]
                raise ConfigurationError(f"{setting.env} : valeur invalide {value!r}") from None
    return values

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


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in value.split(",") if code.strip())


SETTINGS: tuple[Setting, ...] = (
    Setting("INSTANCE_PATH", str(PROJECT_ROOT / "instance"), str,
            "Folder holding all state: secret key, database, indexes, downloaded data. "
            "Read before the app is created."),
    Setting("SECRET_KEY", None, str,
            "Key signing sessions and CSRF tokens. When unset, one is generated once and kept in "
            "the instance folder (`secret_key`)."),
    Setting("ACTORS_FILE", str(PROJECT_ROOT / "data" / "actors.geojson"), str,
            "The curated actors dataset (GeoJSON, data·inclusion fields)."),
    Setting("COMMUNES", TARGET_COMMUNES, _codes,
            "INSEE codes of the communes served, comma-separated."),
    Setting("CONTOURS_URL",
            "https://geo.api.gouv.fr/departements/{departement}/communes?format=geojson&geometry=contour",
            str,
            "Where `carto data sync` downloads commune outlines: one GeoJSON FeatureCollection per "
            "département, `{departement}` standing for its code."),
    Setting("HTTP_TIMEOUT", 30.0, float,
            "Seconds to wait for an outside server before giving up."),
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
                raise ConfigurationError(f"{setting.env} : valeur invalide {environ[setting.env]!r}") from None
    return values

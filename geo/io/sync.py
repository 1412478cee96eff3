"""Downloading official reference data into the instance folder.

The service works offline once synced; a sync that cannot reach the network says so and leaves the
previous files untouched.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
from shapely.geometry import shape

from geo.io.dataset import write_text_atomically

CONTOURS_FILENAME = "communes.geojson"


class SyncError(Exception):
    """A download failed; the message says why in words a manager understands."""


def sync_contours(url_template: str, codes: Iterable[str], folder: Path, client: httpx.Client) -> Path:
    """Download the outlines of the communes ``codes`` and write them to ``folder``.

    ``url_template`` names one GeoJSON FeatureCollection of communes per département, with
    ``{departement}`` standing for its code (e.g. geo.api.gouv.fr's ``/departements/{departement}/
    communes?format=geojson&geometry=contour``). Features keep ``code``, ``nom`` and, when the source
    gives them, ``codesPostaux`` (what ``geo.communes.register_synced`` reads).
    """
    wanted = sorted(set(codes))
    features: dict[str, dict[str, Any]] = {}
    for departement in sorted({code[:2] for code in wanted}):
        collection = _get_json(client, url_template.format(departement=departement))
        for feature in _features(collection):
            code = str((feature.get("properties") or {}).get("code", ""))
            if code in wanted:
                features[code] = _contour_feature(feature, code)
    missing = [code for code in wanted if code not in features]
    if missing:
        raise SyncError(f"contours absents de la réponse pour : {', '.join(missing)}")
    collection = {"type": "FeatureCollection", "features": [features[c] for c in wanted]}
    target = folder / CONTOURS_FILENAME
    write_text_atomically(target, json.dumps(collection, ensure_ascii=False, indent=1) + "\n")
    return target


def _get_json(client: httpx.Client, url: str) -> Any:
    try:
        response = client.get(url)
        response.raise_for_status()
        return response.json()
    except httpx.TransportError as error:
        host = httpx.URL(url).host or url
        raise SyncError(f"impossible de joindre {host} (hors ligne ?) : {error}") from None
    except httpx.HTTPStatusError as error:
        raise SyncError(f"{url} a répondu {error.response.status_code}") from None
    except ValueError:
        raise SyncError(f"{url} n’a pas renvoyé du JSON") from None


def _features(collection: Any) -> list[dict[str, Any]]:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise SyncError("la réponse n’est pas une FeatureCollection GeoJSON")
    return [f for f in collection.get("features", []) if isinstance(f, dict)]


def _contour_feature(feature: dict[str, Any], code: str) -> dict[str, Any]:
    geometry = feature.get("geometry") or {}
    try:
        valid = geometry["type"] in ("Polygon", "MultiPolygon") and shape(geometry).is_valid
    except (KeyError, TypeError, ValueError, AttributeError):
        valid = False
    if not valid:
        raise SyncError(f"contour invalide pour la commune {code}")
    properties = feature.get("properties") or {}
    kept = {"code": code, "nom": properties.get("nom", "")}
    postcodes = properties.get("codesPostaux")
    if isinstance(postcodes, list) and all(isinstance(p, str) for p in postcodes):
        kept["codesPostaux"] = postcodes
    return {"type": "Feature", "geometry": geometry, "properties": kept}


def download_file(
    client: httpx.Client, url: str, target: Path, progress: Callable[[int, int | None], None] | None = None
) -> Path:
    """Stream ``url`` to ``target``, atomically: a failed download leaves the old file in place.

    ``progress`` receives (bytes just received, total size if announced).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    try:
        with client.stream("GET", url) as response:
            response.raise_for_status()
            size = response.headers.get("Content-Length")
            total = int(size) if size and size.isdigit() else None
            with open(partial, "wb") as stream:
                for chunk in response.iter_bytes(chunk_size=1 << 16):
                    stream.write(chunk)
                    if progress:
                        progress(len(chunk), total)
        os.replace(partial, target)
    except httpx.TransportError as error:
        host = httpx.URL(url).host or url
        raise SyncError(f"impossible de joindre {host} (hors ligne ?) : {error}") from None
    except httpx.HTTPStatusError as error:
        raise SyncError(f"{url} a répondu {error.response.status_code}") from None
    finally:
        partial.unlink(missing_ok=True)
    return target

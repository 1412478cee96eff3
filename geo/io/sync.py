"""Downloading official reference data into the instance folder.

The service works offline once synced; a sync that cannot reach the network says so and leaves the
previous files untouched.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.io.dataset import write_text_atomically

if TYPE_CHECKING:
    import httpx

CONTOURS_FILENAME = "communes.geojson"
QPV_FILENAME = "qpv.geojson"


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


def sync_qpv(
    url: str, codes: Iterable[str], folder: Path, client: httpx.Client, today: str
) -> tuple[Path, int]:
    """Download the national QPV outlines (``url``: the GeoJSON, or a ZIP holding it, as the ANCT
    publishes it with ``code_qp``, ``lib_qp`` and ``insee_com`` — one code, or several separated by
    commas for a quarter across communes) and keep those of the communes ``codes``, with the source and
    the day, in ``folder``. (the file written, how many quarters)."""
    wanted = set(codes)
    archive = download_file(client, url, folder / ".qpv-download")
    try:
        collection = _geojson_in(archive)
    finally:
        archive.unlink(missing_ok=True)
    kept = []
    features = _features(collection)
    if not features:
        raise SyncError("le fichier des quartiers prioritaires n’en contient aucun")
    for feature in features:
        properties = feature.get("properties") or {}
        communes = [c.strip() for c in str(properties.get("insee_com") or "").split(",") if c.strip()]
        if not wanted.intersection(communes):
            continue
        code, nom = str(properties.get("code_qp") or ""), str(properties.get("lib_qp") or "")
        if not code or not _valid_wgs84_area(feature.get("geometry")):
            raise SyncError(f"quartier prioritaire illisible : {code or 'sans code'}")
        properties = {"code": code, "nom": nom, "communes": communes}
        kept.append({"type": "Feature", "geometry": feature["geometry"], "properties": properties})
    kept.sort(key=lambda f: f["properties"]["code"])
    document = {"type": "FeatureCollection", "source": url, "date": today, "features": kept}
    target = folder / QPV_FILENAME
    write_text_atomically(target, json.dumps(document, ensure_ascii=False) + "\n")
    return target, len(kept)


def _geojson_in(path: Path) -> Any:
    """The GeoJSON of a download: the file itself, or the WGS84 one of a ZIP."""
    import zipfile

    try:
        if not zipfile.is_zipfile(path):
            return json.loads(path.read_text(encoding="utf-8"))
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".geojson")]
            chosen = sorted(members, key=lambda n: ("wgs84" not in n.lower(), n))
            if not chosen:
                raise SyncError("l’archive ne contient pas de fichier GeoJSON")
            return json.loads(archive.read(chosen[0]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile):
        raise SyncError("le fichier des quartiers prioritaires n’est pas du GeoJSON lisible") from None


def _valid_wgs84_area(geometry: Any) -> bool:
    from shapely.geometry import shape

    try:
        outline = shape(geometry)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    if outline.geom_type not in ("Polygon", "MultiPolygon") or outline.is_empty:
        return False
    lon_min, lat_min, lon_max, lat_max = outline.bounds
    return -180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90  # not Lambert-93


def _get_json(client: httpx.Client, url: str) -> Any:
    import httpx

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
    from shapely.geometry import shape

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
    import httpx

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

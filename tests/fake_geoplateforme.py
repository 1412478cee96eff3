"""A stand-in for the IGN Géoplateforme geocoding API, on loopback, for tests only.

It answers ``/search`` and ``/reverse`` in the service's documented GeocodeJSON shape (the fields of
``tests/fixtures/geoplateforme-search-fictif.json``), computing the answers over a synthetic BAN with
our local index. Like the real service, it wants ``index=address`` and refuses ``q`` under 3 characters.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from geo.geocoding.ban_index import LocalBanGeocoder
from geo.projection import to_lambert93
from tests.support import start_serving


class FakeGeoplateforme:
    def __init__(self, index_path):
        self.engine = LocalBanGeocoder(index_path)
        self.requests: list[str] = []
        engine, requests = self.engine, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                requests.append(self.path)
                url = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                if params.get("index") != "address":
                    return self._send(400, {"code": 400, "message": "index: valeur attendue"})
                if url.path.endswith("/search"):
                    query = params.get("q", "")
                    if len(query.strip()) < 3:
                        return self._send(
                            400, {"code": 400, "message": "q: must contain between 3 and 200 chars"}
                        )
                    results = engine.search(
                        query,
                        limit=int(params.get("limit", 10)),
                        autocomplete=params.get("autocomplete") == "1",
                        citycode=params.get("citycode"),
                        postcode=params.get("postcode"),
                    )
                elif url.path.endswith("/reverse"):
                    results = engine.reverse(
                        float(params["lon"]), float(params["lat"]), limit=int(params.get("limit", 1))
                    )
                    query = None
                else:
                    return self._send(404, {"code": 404, "message": "not found"})
                self._send(200, _collection(results, query, params))

            def _send(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/geocodage"

    def __enter__(self):
        start_serving(self.server)
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _collection(results, query, params):
    features = []
    for r in results:
        x, y = to_lambert93(r.lon, r.lat)
        properties = {
            "label": r.label,
            "score": r.score,
            "id": r.id,
            "banId": None,
            "name": r.street,
            "postcode": r.postcode,
            "citycode": r.citycode,
            "x": round(x, 2),
            "y": round(y, 2),
            "city": r.city,
            "context": "93, Seine-Saint-Denis, Île-de-France",
            "type": r.type,
            "importance": 0.5,
            "street": r.street,
            "_type": "address",
        }
        if r.housenumber:
            properties["housenumber"] = r.housenumber
            properties["name"] = f"{r.housenumber} {r.street}"
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                "properties": properties,
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    if query is not None:
        collection["query"] = query
    collection["filters"] = {k: v for k, v in params.items() if k in ("citycode", "postcode")}
    return collection

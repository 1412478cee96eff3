"""The public API /api/v1: data, filters, errors naming their parameter, caching, CORS, OpenAPI."""

from __future__ import annotations

import re
import shutil

import pytest
from openapi_spec_validator import validate

from tests.support import pick


def ids(collection) -> list[str]:
    return [feature["id"] for feature in collection["features"]]


def test_actors_is_a_geojson_feature_collection_of_every_actor(client):
    data = client.get("/api/v1/actors").get_json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 15
    feature = next(f for f in data["features"] if f["id"] == "insertion-fictive-montreuil")
    assert feature["geometry"]["coordinates"] == [2.438, 48.857]
    assert feature["properties"]["source"].startswith("jeu de données fictif")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("commune=93079", {"france-services-fictive-villetaneuse", "regie-fictive-villetaneuse"}),
        (
            "commune=93014&thematique=numerique",
            {"bus-france-services-fictif-clichy", "point-jeunes-fictif-clichy"},
        ),
        ("q=reemploi", {"recyclerie-fictive-montreuil"}),  # in its description, accents folded
        ("q=tests+fictifs", {"insertion-fictive-montreuil", "ecole-numerique-fictive-montreuil"}),
        ("public=personnes-en-situation-de-handicap&commune=93048&besoin=emploi", None),
    ],
)
def test_actor_filters(client, query, expected):
    data = client.get(f"/api/v1/actors?{query}").get_json()
    if expected is None:
        assert all(
            not f["properties"]["publics"]
            or "personnes-en-situation-de-handicap" in f["properties"]["publics"]
            for f in data["features"]
        )
        assert "entreprise-adaptee-fictive-montreuil" in ids(data)
    else:
        assert set(ids(data)) == expected


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/actors?commune=Paris", "commune"),
        ("/api/v1/actors?thematique=cuisine", "thematique"),
        ("/api/v1/actors?public=tous", "public"),
        ("/api/v1/nearest", "adresse"),
        ("/api/v1/nearest?lat=91&lon=2", "lat"),
        ("/api/v1/nearest?lat=48.8&lon=2.4&k=500", "k"),
        ("/api/v1/nearest?lat=48.8&lon=2.4&rayon=-1", "rayon"),
        ("/api/v1/nearest?lat=48.8&lon=2.4&age=vieux", "age"),
        ("/api/v1/geocode?q=rue&limit=100", "limit"),
        ("/api/v1/geocode?q=rue&citycode=xyz", "citycode"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(client, url, parameter):
    response = client.get(url)

    assert response.status_code == 400
    body = response.get_json()
    assert parameter in body["parametres"] and body["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_one_actor_or_a_json_404(client):
    one = client.get("/api/v1/actors/insertion-fictive-montreuil").get_json()
    assert one["properties"]["nom"] == "Insertion fictive de Montreuil"
    missing = client.get("/api/v1/actors/absent")
    assert missing.status_code == 404 and "absent" in missing.get_json()["parametres"]["id"]


def test_nearest_from_a_point(client):
    data = client.get("/api/v1/nearest?lat=48.86&lon=2.44&besoin=emploi&age=30&k=2").get_json()

    assert data["origin"]["lat"] == 48.86
    first, second = data["results"]
    assert first["id"] == "agence-emploi-fictive-montreuil"  # direct, before the nearer one to check
    assert first["trajet"]["label"] == "environ 8 min à pied" and first["eligible"] is True
    assert first["a_verifier"] == [] and second["id"] == "insertion-fictive-montreuil"
    assert second["trajet"]["label"] == "environ 6 min à pied" and second["a_verifier"]


def test_nearest_from_an_address_and_autocomplete(
    make_app, instance_path, synthetic_index, synthetic_addresses
):
    (instance_path / "ban").mkdir(parents=True)
    shutil.copy(synthetic_index, instance_path / "ban" / "index.sqlite")
    client = make_app().test_client()
    address = pick(synthetic_addresses, lambda a: a.code_insee == "93048", skip=3)

    nearest = client.get(
        "/api/v1/nearest", query_string={"adresse": f"{address.numero} {address.nom_voie} Montreuil"}
    ).get_json()
    suggestions = client.get("/api/v1/geocode", query_string={"q": address.nom_voie[:12]}).get_json()

    assert nearest["origin"]["citycode"] == "93048" and nearest["results"]
    assert suggestions["type"] == "FeatureCollection" and suggestions["features"]


def test_unknown_address_is_a_404_and_no_geocoder_a_503(make_app, instance_path, synthetic_index):
    client = make_app().test_client()
    assert client.get("/api/v1/nearest?adresse=12+rue+x").status_code == 503
    (instance_path / "ban").mkdir(parents=True)
    shutil.copy(synthetic_index, instance_path / "ban" / "index.sqlite")
    assert client.get("/api/v1/nearest?adresse=zzzzqqqq+wwwx").status_code == 404


def test_reads_carry_etag_cache_control_and_cors(client):
    response = client.get("/api/v1/actors")

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get("/api/v1/actors", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_communes(client):
    communes = client.get("/api/v1/communes").get_json()
    assert [c["code_insee"] for c in communes] == ["93048", "93006", "93014", "93031", "93079"]


def test_openapi_document_is_valid_and_matches_the_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)

    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1") and "<path:unknown>" not in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == documented  # every route and method documented, writes included
    for path, item in document["paths"].items():
        if "get" not in item or "security" in item["get"]:
            continue  # writes, and the managers' reads, are tested with their roles
        response = client.get(
            "/api/v1" + path.replace("{actor_id}", "insertion-fictive-montreuil"),
            query_string={"q": "rue", "lat": "48.86", "lon": "2.44", "commune": "93048"},
        )
        answers = {"/pack/adresses": (404,)}.get(path, (200, 503))  # this app has no address index
        assert response.status_code in answers, path

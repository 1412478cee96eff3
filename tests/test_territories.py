"""More territories: the communes served are any INSEE codes (``CARTO_COMMUNES``). ``carto data sync``
fetches their outlines and BAN files by département, and pages, API, embeds, campaigns and the back
office follow — shown with a second, made-up territory, Pantin and Bobigny, built from the
département 93 outlines kept in the repository."""

from __future__ import annotations

import json
import random
import re
import shutil

import pytest

from geo.communes import Commune
from geo.geocoding.synthetic import street_addresses, write_ban_csv
from tests.support import ROOT, made_up_hash

DEPARTEMENT_93 = ROOT / "tests" / "fixtures" / "communes-93-seine-saint-denis.geojson"
TERRITORY = ("93055", "93008")  # Pantin, Bobigny: not among the communes the core ships
POSTCODES = {"93055": ["93500"], "93008": ["93000"]}
"""geo.api.gouv.fr gives each commune's postcodes (``codesPostaux``); the repository's copy of the
outlines has names only, so the local server adds these two communes' (La Poste's) as the API would."""
IN_PANTIN = {"lat": "48.8940", "lon": "2.4050"}  # the town hall's square


@pytest.fixture
def second_territory(serve_folder, tmp_path):
    """A local server standing for geo.api.gouv.fr and the BAN: the 40 outlines of the département,
    and made-up addresses (synthetic streets) in Pantin and Bobigny. Its CONTOURS_URL and BAN_URL."""
    folder = tmp_path / "servi"
    folder.mkdir()
    collection = json.loads(DEPARTEMENT_93.read_text("utf-8"))
    for feature in collection["features"]:
        if feature["properties"]["code"] in POSTCODES:
            feature["properties"]["codesPostaux"] = POSTCODES[feature["properties"]["code"]]
    (folder / "communes-93.geojson").write_text(json.dumps(collection), "utf-8")
    rng, addresses = random.Random(15), []
    for code, name, bbox in (
        ("93055", "Pantin", (2.3950, 48.8900, 2.4150, 48.9000)),
        ("93008", "Bobigny", (2.4300, 48.9000, 2.4500, 48.9100)),
    ):
        commune = Commune(code, name, tuple(POSTCODES[code]), bbox)
        for street in ("Rue Fictive des Tests", "Avenue Synthétique"):
            addresses.extend(street_addresses(rng, commune, street, 20))
    write_ban_csv(folder / "adresses-93.csv", addresses)
    shutil.copy(ROOT / "tests" / "fixtures" / "qpv-fictifs.geojson", folder / "qpv.geojson")  # none there
    url = serve_folder(folder)
    return {
        "CONTOURS_URL": url + "/communes-{departement}.geojson",
        "BAN_URL": url + "/adresses-{departement}.csv",
        "QPV_URL": url + "/qpv.geojson",
    }


@pytest.fixture
def territory_app(make_app, second_territory, instance_path):
    """The service set up for Pantin and Bobigny, synced, then started again (as after a deploy)."""
    settings = {"COMMUNES": TERRITORY, **second_territory}
    synced = make_app(**settings).test_cli_runner().invoke(args=["data", "sync"])
    assert synced.exit_code == 0, synced.output
    assert "2 contours" in synced.output and (instance_path / "ban" / "index.sqlite").is_file()
    return make_app(**settings, WTF_CSRF_ENABLED=False)


def test_the_api_lists_the_territory_with_its_postcodes_and_extent(territory_app):
    communes = territory_app.test_client().get("/api/v1/communes").get_json()
    assert [(c["code_insee"], c["nom"], c["codes_postaux"]) for c in communes] == [
        ("93055", "Pantin", ["93500"]),
        ("93008", "Bobigny", ["93000"]),
    ]
    west, south, east, north = communes[0]["bbox"]
    assert west < float(IN_PANTIN["lon"]) < east and south < float(IN_PANTIN["lat"]) < north


def test_search_page_embed_builder_and_back_office_offer_the_territory(territory_app):
    from webmap.services import current_store

    with territory_app.app_context():
        current_store().add_user(
            "gestionnaire-fictif@example.org", made_up_hash("mot-de-passe-fictif-123"), "manager"
        )
    manager = territory_app.test_client()
    assert (
        manager.post(
            "/connexion",
            data={"email": "gestionnaire-fictif@example.org", "password": "mot-de-passe-fictif-123"},
        ).status_code
        == 302
    )
    for page in ("/", "/embed", "/carte", "/gestion/", "/gestion/campagnes/"):
        text = manager.get(page).get_data(as_text=True)
        offered = re.search(r'value="93055"[^>]*>\s*Pantin', text)  # a list's option or a box's label
        assert offered and 'value="93048"' not in text, page  # Montreuil is not served here


def test_an_address_and_a_position_in_the_territory_are_found(territory_app):
    client = territory_app.test_client()
    found = client.get("/api/v1/geocode", query_string={"q": "3 rue fictive des tests pantin"}).get_json()
    assert found["features"][0]["properties"]["citycode"] == "93055"
    nearest = client.get("/api/v1/nearest", query_string=IN_PANTIN).get_json()
    assert nearest["origin"]["citycode"] == "93055"


def test_an_actor_of_the_territory_is_checked_against_its_commune(territory_app):
    from geo.actors.model import actor_from_feature
    from geo.store import InvalidActor
    from tests.support import fictional_feature
    from webmap.services import current_store

    def actor(lon: float, lat: float):
        return actor_from_feature(
            fictional_feature(
                id="acteur-fictif-de-pantin",
                nom="Acteur fictif de Pantin",
                code_postal="93500",
                code_insee="93055",
                commune="Pantin",
                geometry={"type": "Point", "coordinates": [lon, lat]},
            )
        )

    with territory_app.app_context():
        with pytest.raises(InvalidActor, match="Pantin"):
            current_store().create(actor(2.4400, 48.8600), "gestionnaire-fictif")  # in Montreuil
        current_store().create(actor(float(IN_PANTIN["lon"]), float(IN_PANTIN["lat"])), "gestionnaire-fictif")
    page = territory_app.test_client().get("/api/v1/nearest", query_string={**IN_PANTIN, "k": "1"}).get_json()
    assert page["results"][0]["id"] == "acteur-fictif-de-pantin"


def test_campaigns_and_the_field_pack_follow_the_territory(territory_app):
    runner = territory_app.test_cli_runner()
    added = runner.invoke(
        args=["campagnes", "add", "Campagne fictive de Pantin", "--commune", "93055", "--json"]
    )
    refused = runner.invoke(args=["campagnes", "add", "Campagne fictive", "--commune", "93999"])
    assert added.exit_code == 0 and json.loads(added.output)["id"]
    assert refused.exit_code != 0

    client = territory_app.test_client()
    pack = client.get("/api/v1/pack").get_json()
    assert sorted(c["code"] for c in pack["contours"]["communes"]) == ["93008", "93055"]
    assert client.get("/api/v1/pack/adresses", query_string={"commune": "93055"}).status_code == 200
    assert client.get("/api/v1/pack/adresses", query_string={"commune": "93048"}).status_code == 400


def test_a_served_commune_not_yet_synced_is_left_out_until_it_is(make_app):
    app = make_app(COMMUNES=("93048", "97411"))  # Saint-Denis (La Réunion): nothing synced
    communes = app.test_client().get("/api/v1/communes").get_json()
    assert [c["code_insee"] for c in communes] == ["93048"]

"""Volunteer pages through the Flask test client: search, results, actor page, map, errors."""

from __future__ import annotations

import json
import re

import pytest

from geo.communes import OUTLINES
from tests.support import fictional_collection, fictional_feature, write_json
from tests.web_support import csp, local_urls_only, markers

XSS = '"><script>window.pwned=1</script><img src=x onerror="window.pwned=2">${window.pwned=3}`'


RESULT_ITEM = r'<li id="resultat-([a-z0-9-]+)" data-actor-id="[a-z0-9-]+"[^>]*>(.*?)</li>'
FICTIONAL_LOCATED = 13
"""Located actors of tests/fixtures/acteurs-fictifs.geojson."""


def text(response) -> str:
    return response.get_data(as_text=True)


def test_home_is_a_french_search_form_that_works_without_javascript(client):
    page = text(client.get("/"))

    assert '<html lang="fr" dir="ltr">' in page
    assert '<form class="search" method="get"' in page
    for label in (
        "Trouver un emploi",
        "Se former",
        "Apprendre le français",
        "Créer son activité",
        "Numérique",
        "Mobilité",
        "Garde d’enfants",
    ):
        assert label in page
    assert 'name="adresse"' in page and 'name="age"' in page and 'name="commune"' in page


def test_search_from_a_point_lists_results_and_puts_the_same_on_the_map(client):
    response = client.get("/?lat=48.8600&lon=2.4400&besoin=emploi&age=30")
    page = text(response)

    assert response.status_code == 200
    items = re.findall(r'<li id="resultat-([a-z0-9-]+)" data-actor-id="[a-z0-9-]+"[^>]*>', page)
    assert items[:3] == [
        "agence-emploi-fictive-montreuil",
        "insertion-fictive-montreuil",
        "chantier-fictif-montreuil",
    ]  # direct first, then the SIAE to check, by time
    assert [m["id"] for m in markers(page)] == items  # popups match the list, in order
    siae = markers(page)[1]
    assert siae["distance_label"] == "364 m · environ 6 min à pied"
    assert siae["eligibility_label"].startswith("À vérifier : droit à un emploi d’insertion")
    assert siae["opening_label"] == "Horaires inconnus"  # an SIAE: the IAE check is a national rule
    assert "364 m · environ 6 min à pied" in page
    assert 'href="tel:+33199000101"' in page and "01 99 00 01 01" in page
    assert 'href="/acteurs/chantier-fictif-montreuil"' in page


def test_ineligible_actors_come_last_with_their_reason_when_asked(client):
    page = text(client.get("/?lat=48.8600&lon=2.4400&besoin=emploi&age=30&tous=1"))
    assert "Non éligible : réservé aux 16–25 ans" in page
    items = re.findall(r'<li id="resultat-([a-z0-9-]+)" data-actor-id="[a-z0-9-]+"[^>]*>', page)
    assert items[-1].startswith("mission-locale")


@pytest.mark.parametrize(
    "query, parameter, message",
    [
        ("?adresse=", "adresse", "indiquez l’adresse du résident, ou touchez la carte"),
        ("?lat=48.86", "lat", "lat et lon vont ensemble"),
        ("?lat=abc&lon=2.4", "lat", "La latitude (lat) doit être un nombre"),
        ("?lat=48.86&lon=2.44&age=deux", "age", "L’âge doit être un nombre entier entre 0 et 120"),
        ("?lat=48.86&lon=2.44&besoin=cuisine", "besoin", "Besoin inconnu : cuisine"),
        ("?lat=48.86&lon=2.44&commune=75056", "commune", "commune inconnue"),
    ],
)
def test_bad_input_is_explained_next_to_the_field(client, query, parameter, message):
    response = client.get("/" + query)

    assert response.status_code == 400
    assert message in text(response)


def test_address_search_without_any_geocoder_says_what_to_do(client):
    page = text(client.get("/?adresse=12+rue+de+Paris+Montreuil"))
    assert "recherche d’adresse indisponible" in page and "Ma position" in page


def test_actor_page_shows_everything_with_source_and_verification(client):
    page = text(client.get("/acteurs/insertion-fictive-montreuil"))

    assert "<h1>Insertion fictive de Montreuil</h1>" in page
    assert "31 rue des Tests Fictifs – 93100 Montreuil" in page
    assert "jeu de données fictif pour les tests" in page and "(2026-01-15)" in page
    assert "10/03/2025" in page  # verified by the association, too long ago:
    assert 'id="fraicheur">Vérifié en mars 2025, il y a plus de 6 mois : appeler avant d’y aller' in page
    assert "Placé sur la carte par un gestionnaire" in page
    assert markers(page)[0]["id"] == "insertion-fictive-montreuil"


def test_unknown_actor_is_a_french_404(client):
    response = client.get("/acteurs/inconnu")
    assert response.status_code == 404 and "Cette page n’existe pas." in text(response)


def test_map_of_all_actors_has_a_layer_per_family_and_filters(client):
    page = text(client.get("/carte"))
    assert len(markers(page)) == FICTIONAL_LOCATED
    for family in ("Service public de l’emploi", "Lieux de proximité"):  # one layer each, by name
        assert json.dumps(family) in page
    filtered = text(client.get("/carte?commune=93014&besoin=numerique"))
    assert {m["id"] for m in markers(filtered)} == {
        "bus-france-services-fictif-clichy",
        "point-jeunes-fictif-clichy",
    }


def test_contours_appear_once_synced(client, instance_path):
    (instance_path / "contours").mkdir(parents=True)
    (instance_path / "contours" / "communes.geojson").write_text(OUTLINES.read_text("utf-8"), "utf-8")
    assert "Villetaneuse" in text(client.get("/carte"))


@pytest.mark.parametrize(
    "url",
    ["/", "/?lat=48.86&lon=2.44", "/carte", "/acteurs/insertion-fictive-montreuil", "/embed/carte", "/embed"],
)
def test_pages_load_nothing_from_outside(client, url):
    page = text(client.get(url))
    assert local_urls_only(page) == []
    assert "cdn" not in page.lower()


def test_pages_refuse_framing_but_embeds_accept_it(make_app):
    client = make_app(EMBED_ALLOWED_ORIGINS="https://association.example").test_client()
    assert client.get("/").headers["X-Frame-Options"] == "DENY"
    assert csp(client.get("/carte"))["frame-ancestors"] == "'none'"
    embed = client.get("/embed/carte")
    assert csp(embed)["frame-ancestors"] == "https://association.example"
    assert "X-Frame-Options" not in embed.headers


def xss_feature(**fields):
    """One made-up actor whose text fields all hold the XSS payload."""
    return fictional_feature(
        id="acteur-fictif-xss",
        nom=XSS,
        description=XSS,
        adresse=XSS,
        complement_adresse=XSS,
        commune="Montreuil",
        geometry={"type": "Point", "coordinates": [2.4401, 48.8601]},
        **fields,
    )


@pytest.fixture
def xss_client(make_app, tmp_path):
    path = write_json(tmp_path / "xss-fictif.geojson", fictional_collection(xss_feature()))
    return make_app(ACTORS_FILE=str(path)).test_client()


@pytest.mark.parametrize(
    "url",
    [
        "/?lat=48.86&lon=2.44",
        "/carte",
        "/acteurs/acteur-fictif-xss",
        "/embed/carte?liste=1",
        "/embed/carte?lat=48.86&lon=2.44&liste=1",
    ],
)
def test_manager_text_is_escaped_everywhere(xss_client, url):
    page = text(xss_client.get(url))

    assert "<script>window.pwned" not in page and "<img src=x" not in page
    for marker in markers(page):  # map data: valid JSON, and nothing that closes the script tag
        assert marker["nom"] == XSS
    assert "</script><img" not in page


def test_api_reads_are_json_everywhere(client):
    response = client.get("/api/v1/actors/inconnu")
    assert response.status_code == 404 and json.loads(response.data)["status"] == 404


def test_tiles_are_a_setting_and_maps_work_without(make_app):
    default = make_app().test_client().get("/carte").get_data(as_text=True)
    assert "tile.openstreetmap.fr" in default and "L.tileLayer" in default
    bare = make_app(TILES="none").test_client().get("/carte").get_data(as_text=True)
    assert "L.tileLayer" not in bare and len(markers(bare)) == FICTIONAL_LOCATED


def test_points_to_check_are_told_apart_from_eligibility(client):
    page = text(client.get("/?lat=48.8600&lon=2.4400"))
    first = next(m for m in markers(page) if m["eligibility_state"] == "to-check")
    assert first["id"] == "mission-locale-fictive-montreuil"  # the nearest, age not given
    assert (first["eligibility_state"], first["eligibility_label"]) == (
        "to-check",
        "À vérifier : réservé aux 16–25 ans",
    )


def test_freshness_is_told_on_results_popups_and_actor_pages(client):
    page = text(client.get("/?lat=48.8600&lon=2.4400&besoin=emploi&age=30"))
    never = "Infos de janvier 2026, jamais vérifiées : appeler avant d’y aller"
    items = dict(re.findall(RESULT_ITEM, page, re.S))
    assert never in items["chantier-fictif-montreuil"]
    popups = {m["id"]: m for m in markers(page)}
    assert popups["chantier-fictif-montreuil"]["freshness_label"] == never
    assert popups["chantier-fictif-montreuil"]["call_first"] is True
    assert "jamais vérifiées" in text(client.get("/acteurs/chantier-fictif-montreuil"))
    assert "jamais vérifiées" in text(client.get("/embed/carte?liste=1&commune=93048"))


def test_the_api_gives_each_result_its_dates_and_freshness(client):
    results = client.get("/api/v1/nearest?lat=48.86&lon=2.44&besoin=emploi").get_json()["results"]
    by_id = {r["id"]: r for r in results}
    assert by_id["chantier-fictif-montreuil"]["date_source"] == "2026-01-15"
    assert by_id["chantier-fictif-montreuil"]["date_verification"] is None
    assert by_id["chantier-fictif-montreuil"]["appeler_avant"] is True
    assert by_id["insertion-fictive-montreuil"]["date_verification"] == "2025-03-10"
    listed = client.get("/api/v1/actors?commune=93048").get_json()["features"]
    assert all("date_source" in f["properties"] and "date_verification" in f["properties"] for f in listed)


def test_only_a_verified_actor_may_be_active(dataset):
    from geo.actors.validation import validate_collection

    feature = next(f for f in dataset["features"] if f["id"] == "chantier-fictif-montreuil")
    feature["properties"]["statut"] = "actif"
    assert [(p.actor_id, p.field) for p in validate_collection(dataset)] == [
        ("chantier-fictif-montreuil", "statut")
    ]


def test_how_to_get_in_is_told_where_a_national_rule_says_it(client):
    """An SIAE: apply online, alone or through a counsellor, in plain words; an agency whose way in no
    source gives says nothing (never « non renseigné »)."""
    page = text(client.get("/?lat=48.8600&lon=2.4400&besoin=emploi&age=30"))
    items = dict(re.findall(RESULT_ITEM, page, re.S))
    siae = "Candidater auprès de la structure, seul ou avec un conseiller"  # no link known
    assert f'<p class="acces">{siae}</p>' in items["chantier-fictif-montreuil"]
    assert 'class="acces"' not in items["agence-emploi-fictive-montreuil"]
    assert "non renseigné" not in page
    popups = {m["id"]: m for m in markers(page)}
    assert popups["chantier-fictif-montreuil"]["access_label"] == siae
    result = next(
        r
        for r in client.get("/api/v1/nearest?lat=48.86&lon=2.44&besoin=emploi").get_json()["results"]
        if r["id"] == "chantier-fictif-montreuil"
    )
    assert (result["modes_mobilisation"], result["mobilisable_par"]) == (
        ["utiliser-lien-mobilisation"],
        ["usagers", "professionnels"],
    )
    assert 'id="comment-y-aller">Y aller sans rendez-vous</p>' in text(
        client.get("/acteurs/france-services-fictive-villetaneuse")
    )


def test_a_tapped_point_in_montreuil_is_not_offered_bagnolets_residents_only_desk(client):
    """The point's commune comes from the shipped outlines, with no address index: the CCAS of
    (made-up) Bagnolet, for Bagnolet's residents, is left out rather than shown « à vérifier »."""
    page = text(client.get("/?lat=48.8600&lon=2.4400&k=10"))
    items = re.findall(r'<li id="resultat-([a-z0-9-]+)" data-actor-id="[a-z0-9-]+"[^>]*>', page)
    assert items and "ccas-fictif-bagnolet" not in items
    with_ineligible = re.findall(
        r'<li id="resultat-([a-z0-9-]+)" data-actor-id="[a-z0-9-]+"[^>]*>',
        text(client.get("/?lat=48.8600&lon=2.4400&k=10&tous=1")),
    )
    assert "ccas-fictif-bagnolet" in with_ineligible


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?lat=48.86&lon=2.44",
        "/carte",
        "/acteurs/insertion-fictive-montreuil",
        "/embed/carte",
        "/fiche?acteurs=insertion-fictive-montreuil",
    ],
)
def test_every_page_allows_pinch_zoom(client, url):
    page = text(client.get(url))
    assert "user-scalable=no" not in page and "maximum-scale" not in page
    assert page.count('name="viewport"') == 1


def test_results_say_why_each_actor_fits_and_repeat_what_was_asked(client):
    page = text(client.get("/?lat=48.8600&lon=2.4400&besoin=emploi&age=22"))
    summary = re.search(r'<p class="muted" id="recherche-resume">(.*?)</p>', page).group(1)
    assert "Besoin : trouver un emploi" in summary and "22 ans" in summary and "habite Montreuil" in summary
    items = dict(re.findall(RESULT_ITEM, page, re.S))
    assert "Pourquoi : 16–25 ans : le résident a 22 ans" in items["mission-locale-fictive-montreuil"]
    popups = {m["id"]: m for m in markers(page)}
    assert popups["mission-locale-fictive-montreuil"]["fits_label"].startswith("Pourquoi : 16–25 ans")
    results = client.get("/api/v1/nearest?lat=48.86&lon=2.44&age=22").get_json()["results"]
    mission = next(r for r in results if r["id"] == "mission-locale-fictive-montreuil")
    assert "16–25 ans : le résident a 22 ans" in mission["pourquoi"]


def test_result_pins_carry_their_number_in_the_list(client):
    page = text(client.get("/?lat=48.8600&lon=2.4400&besoin=emploi&age=30"))
    items = re.findall(r'<li id="resultat-([a-z0-9-]+)"', page)
    numbers = {m["id"]: m["number"] for m in markers(page)}
    assert numbers and all(numbers[actor_id] == items.index(actor_id) + 1 for actor_id in numbers)


def test_the_volunteer_s_pages_say_how_old_the_data_is_and_how_much_is_verified(make_app):
    """Never the day the data was loaded: the sources' years, and what a manager verified."""
    from tests.support import ROOT

    curated = make_app(ACTORS_FILE=str(ROOT / "data" / "actors.geojson")).test_client()
    page = text(curated.get("/"))
    assert "Données de 2013 à 2024 · 0 acteur vérifié sur 28</footer>" in page  # Simplon: a 2013 article
    assert "mises à jour le" not in page


def test_the_last_verification_is_said_once_there_is_one(client):
    page = text(client.get("/"))  # the made-up actors: two verified
    assert "2 acteurs vérifiés sur 15 · dernière vérification le 02/11/2026</footer>" in page


def test_an_agency_is_shown_by_its_current_name_with_the_rule_and_the_source_s_name_kept(make_app):
    from tests.support import ROOT

    client = make_app(ACTORS_FILE=str(ROOT / "data" / "actors.geojson")).test_client()
    page = text(client.get("/acteurs/pole-emploi-clichy-sous-bois-agence-locale"))
    assert "<h1>France Travail Clichy-sous-Bois (agence locale)</h1>" in page
    assert "Nom dans la source : Pôle emploi Clichy-sous-Bois (agence locale)." in page
    assert "loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi" in page
    found = client.get("/api/v1/nearest?lat=48.9040&lon=2.5470&k=10").get_json()["results"]
    agency = next(r for r in found if r["id"] == "pole-emploi-clichy-sous-bois-agence-locale")
    assert (agency["nom"], agency["nom_actuel"]) == (
        "Pôle emploi Clichy-sous-Bois (agence locale)",
        "France Travail Clichy-sous-Bois (agence locale)",
    )


def test_voir_plus_asks_the_same_search_for_more_and_lands_on_the_first_new_card(client):
    page = text(client.get("/?lat=48.8600&lon=2.4400&besoin=emploi&age=30&k=3"))
    link = re.search(
        r'<a class="button secondary" id="voir-plus" href="([^"]+)">Voir plus d’acteurs</a>', page
    )
    more = link.group(1).replace("&amp;", "&")
    assert more.endswith("#rang-4") and "k=8" in more and "besoin=emploi" in more and "age=30" in more
    longer = text(client.get(more.split("#")[0] + "&acteurs=chantier-fictif-montreuil"))
    cards = re.findall(RESULT_ITEM, longer, re.S)
    assert len(cards) > 3 and 'id="rang-4"' in longer
    ticked = dict(cards)["chantier-fictif-montreuil"]
    assert 'value="chantier-fictif-montreuil" form="choix-fiche" checked' in ticked  # still ticked


def test_a_search_that_found_every_actor_says_so_instead_of_offering_more(client):
    page = text(client.get("/?lat=48.8600&lon=2.4400&besoin=emploi&k=40"))
    assert len(re.findall(RESULT_ITEM, page, re.S)) < 40
    assert 'id="voir-plus"' not in page and "Ce sont tous les acteurs qui répondent à ce besoin" in page


def test_the_profile_comes_first_as_chips_in_the_volunteer_s_words(client):
    """« au RSA », « reconnu handicapé (RQTH) »… before the folded data·inclusion publics."""
    page = text(client.get("/"))
    chips = re.findall(
        r'<label class="chip"><input type="checkbox" name="profil" value="([a-z0-9-]+)"><span>([^<]+)', page
    )
    assert chips == [
        ("moins-de-26-ans", "moins de 26 ans"),
        ("rsa", "au RSA"),
        ("rqth", "reconnu handicapé (RQTH)"),
        ("qpv", "habite un quartier prioritaire"),
    ]
    assert page.index('name="profil"') < page.index("Plus de critères") < page.index('name="public"')


def test_a_chip_ranks_and_explains_but_hides_no_actor(client):
    plain = re.findall(RESULT_ITEM, text(client.get("/?lat=48.8600&lon=2.4400&k=50")), re.S)
    profiled = text(client.get("/?lat=48.8600&lon=2.4400&k=50&profil=moins-de-26-ans&profil=rsa"))
    assert {i for i, _ in re.findall(RESULT_ITEM, profiled, re.S)} >= {i for i, _ in plain}
    assert "le résident a moins de 26 ans" in profiled
    assert "moins de 26 ans · au RSA" in profiled  # said back in the summary of the search

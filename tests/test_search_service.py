"""The resident's search as one core service: address → origin → results, with its collaborators
passed in, usable without Flask."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap

import pytest

from geo.actors.model import actor_from_feature
from geo.geocoding import AddressNotFound, GeocoderUnavailable, InvalidQuery
from geo.geocoding.configured import GeocoderSettings, UnknownGeocoder, build_geocoder
from geo.search.actor_index import ActorIndex
from geo.search.request import SearchRequest
from geo.search.service import locate, search
from tests.support import OFFLINE, ROOT, fictional_feature


@pytest.fixture
def geocoder(twin_index):
    return build_geocoder(GeocoderSettings(("local",), ban_index=twin_index))


@pytest.fixture
def actors():
    return ActorIndex(
        [
            actor_from_feature(
                fictional_feature(id="acteur-fictif-montreuil", nom="Acteur fictif Montreuil")
            ),
            actor_from_feature(
                fictional_feature(
                    id="acteur-fictif-bagnolet",
                    nom="Acteur fictif Bagnolet",
                    code_insee="93006",
                    commune="Bagnolet",
                    code_postal="93170",
                    geometry={"type": "Point", "coordinates": [2.4252, 48.8702]},
                )
            ),
        ]
    )


class CountingGeocoder:
    """The real geocoder, counting the questions asked of it."""

    def __init__(self, inner):
        self.inner, self.name, self.calls = inner, "counting", []

    def search(self, q, **options):
        self.calls.append(("search", q, options.get("citycode")))
        return self.inner.search(q, **options)

    def reverse(self, lon, lat, **options):
        self.calls.append(("reverse", lon, lat))
        return self.inner.reverse(lon, lat, **options)

    def covers(self, **where):
        return self.inner.covers(**where)


@pytest.mark.parametrize(
    "commune, expected", [("93048", "acteur-fictif-montreuil"), ("93006", "acteur-fictif-bagnolet")]
)
def test_an_address_typed_without_its_commune_resolves_in_the_residents_commune(
    geocoder, actors, commune, expected
):
    outcome = search(
        SearchRequest(address="12 rue fictive des jumelles", commune=commune, k=1),
        geocoder=geocoder,
        actors=actors,
    )
    assert outcome.origin.citycode == commune
    assert outcome.results[0].actor.id == expected
    assert outcome.results[0].distance_m < 100


def test_an_address_outside_the_chosen_commune_is_still_found(geocoder, actors):
    outcome = search(
        SearchRequest(address="12 rue fictive des jumelles bagnolet", commune="93014"),
        geocoder=geocoder,
        actors=actors,
    )
    assert outcome.origin.citycode == "93006"


def test_a_picked_suggestion_is_not_looked_up_again(geocoder, actors):
    counting = CountingGeocoder(geocoder)
    outcome = search(
        SearchRequest(
            lat=48.8600, lon=2.4400, place_label="12 Rue Fictive des Jumelles", place_citycode="93048"
        ),
        geocoder=counting,
        actors=actors,
    )
    assert counting.calls == []
    assert (outcome.origin.label, outcome.origin.citycode) == ("12 Rue Fictive des Jumelles", "93048")


def test_a_tap_on_the_map_is_asked_its_commune_once(geocoder, actors):
    counting = CountingGeocoder(geocoder)
    outcome = search(SearchRequest(lat=48.8701, lon=2.4251), geocoder=counting, actors=actors)
    assert [call[0] for call in counting.calls] == ["reverse"]
    assert outcome.origin.citycode == "93006"


@pytest.mark.parametrize(
    "lon, lat, iris",
    [
        (2.4412, 48.8583, ("930480302", "Solidarité Carnot 2")),
        (2.4251, 48.8701, ("930060112", "Iris 12")),
        (2.3500, 48.8500, None),
    ],
)  # Paris: no IRIS shipped
def test_a_point_knows_its_iris_without_any_address_index(lon, lat, iris):
    class NoAddresses:
        def search(self, *args, **kwargs):
            return []

        def reverse(self, *args, **kwargs):
            return []

    origin = locate(SearchRequest(lat=lat, lon=lon), NoAddresses())
    assert (origin.iris.code, origin.iris.nom) == iris if iris else origin.iris is None


def test_the_api_gives_the_iris_of_a_point(client):
    origin = client.get("/api/v1/nearest?lat=48.8583&lon=2.4412").get_json()["origin"]
    assert origin["citycode"] == "93048"
    assert origin["iris"] == {"code": "930480302", "nom": "Solidarité Carnot 2"}


def test_an_unknown_address_raises_address_not_found(geocoder, actors):
    with pytest.raises(AddressNotFound):
        search(SearchRequest(address="zzkq wxv"), geocoder=geocoder, actors=actors)


def test_an_unreachable_geocoder_raises_geocoder_unavailable(actors):
    offline = build_geocoder(GeocoderSettings(("geoplateforme",), geoplateforme_url=OFFLINE, timeout=0.5))
    with pytest.raises(GeocoderUnavailable):
        search(SearchRequest(address="12 rue fictive des jumelles"), geocoder=offline, actors=actors)


def test_a_point_out_of_range_raises_invalid_query_naming_it(geocoder, actors):
    with pytest.raises(InvalidQuery) as raised:
        search(SearchRequest(lat=91.0, lon=2.44), geocoder=geocoder, actors=actors)
    assert raised.value.parameter == "lat"


def test_the_clock_decides_opening_status(geocoder, actors):
    request = SearchRequest(address="12 rue fictive des jumelles", commune="93048", k=1)
    tuesday_morning = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    sunday = dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC)
    opened = search(request, geocoder=geocoder, actors=actors, clock=lambda: tuesday_morning)
    closed = search(request, geocoder=geocoder, actors=actors, clock=lambda: sunday)
    assert (opened.results[0].opening.open, closed.results[0].opening.open) == (True, False)


def test_an_unknown_backend_is_refused_by_name():
    with pytest.raises(UnknownGeocoder, match="nominatim"):
        build_geocoder(GeocoderSettings(("local", "nominatim")))


def test_geo_builds_the_whole_search_without_flask(twin_index):
    """What a notebook does: the configured chain, made-up actors, one search — Flask never loaded."""
    code = textwrap.dedent(f"""
        import json
        import sys
        from pathlib import Path
        from geo.actors.model import actor_from_feature
        from geo.geocoding.configured import GeocoderSettings, build_geocoder
        from geo.search.actor_index import ActorIndex
        from geo.search.request import SearchRequest
        from geo.search.service import locate, search

        geocoder = build_geocoder(GeocoderSettings(("local",), ban_index=Path({str(twin_index)!r})))
        actors = ActorIndex([actor_from_feature(json.loads({json.dumps(fictional_feature())!r}))])
        outcome = search(SearchRequest(address="12 rue fictive des jumelles", commune="93048"),
                         geocoder=geocoder, actors=actors)
        print(outcome.origin.citycode, [r.actor.id for r in outcome.results])
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "folium", "webmap")))
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["93048 ['acteur-fictif-de-test']", "[]"]


# --- The same service behind the page, the API, the embed and the commands -------------------------


def test_the_api_geocodes_within_the_commune_asked(twin_app):
    client = twin_app.test_client()
    for code in ("93048", "93006"):
        answer = client.get(f"/api/v1/geocode?q=12+rue+fictive+des+jumelles&citycode={code}").get_json()
        assert {f["properties"]["citycode"] for f in answer["features"]} == {code}


def test_the_api_nearest_uses_the_residents_commune_for_the_address(twin_app):
    client = twin_app.test_client()
    answer = client.get("/api/v1/nearest?adresse=12+rue+fictive+des+jumelles&commune=93006").get_json()
    assert answer["origin"]["citycode"] == "93006"


def test_the_page_takes_a_picked_suggestion_as_named(twin_app):
    page = twin_app.test_client().get(
        "/?adresse=12+Rue+Fictive+des+Jumelles&lat=48.86&lon=2.44&citycode=93048"
    )
    assert page.status_code == 200
    assert "près de 12 Rue Fictive des Jumelles" in page.get_data(as_text=True)


def test_the_page_shows_an_unknown_address_next_to_the_field(twin_app):
    page = twin_app.test_client().get("/?adresse=zzkq+wxv")
    assert page.status_code == 404
    assert 'id="erreur-adresse">adresse introuvable' in page.get_data(as_text=True)


def test_the_api_answers_404_for_an_unknown_address_and_names_the_parameter(twin_app):
    answer = twin_app.test_client().get("/api/v1/nearest?adresse=zzkq+wxv")
    assert answer.status_code == 404
    assert list(answer.get_json()["parametres"]) == ["adresse"]


@pytest.mark.parametrize("code", ["93048", "93006"])
def test_carto_geocode_searches_the_commune_given(twin_app, code):
    result = twin_app.test_cli_runner().invoke(
        args=["geocode", "12 rue fictive des jumelles", "--commune", code, "--json"]
    )
    assert result.exit_code == 0, result.output
    assert {f["properties"]["citycode"] for f in json.loads(result.output)["features"]} == {code}


def test_carto_nearest_searches_the_residents_commune(twin_app):
    result = twin_app.test_cli_runner().invoke(
        args=["nearest", "--address", "12 rue fictive des jumelles", "--commune", "93006", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["origin"]["citycode"] == "93006"


def test_the_api_says_when_no_geocoder_covers_the_commune_asked(twin_app):
    answer = twin_app.test_client().get("/api/v1/geocode?q=12+rue+fictive&citycode=93014")
    assert answer.status_code == 400 and "93014" in answer.get_json()["parametres"]["citycode"]


@pytest.mark.parametrize(
    "lon, lat, commune",
    [
        (2.4400, 48.8600, "93048"),
        (2.4250, 48.8700, "93006"),
        (2.5500, 48.9080, "93014"),
        (2.3500, 48.8500, None),
    ],
)
def test_a_point_knows_its_commune_without_any_address_index(lon, lat, commune, actors):
    offline = build_geocoder(GeocoderSettings(("geoplateforme",), geoplateforme_url=OFFLINE, timeout=0.5))
    outcome = search(SearchRequest(lat=lat, lon=lon), geocoder=offline, actors=actors)
    assert outcome.origin.citycode == commune


def test_the_api_gives_a_tapped_point_its_commune(client):
    origin = client.get("/api/v1/nearest?lat=48.8600&lon=2.4400").get_json()["origin"]
    assert origin["citycode"] == "93048"


def test_a_trait_of_the_resident_never_hides_an_actor_made_for_another_of_their_traits(geocoder):
    """The profile describes the resident: a 24-year-old on minimum benefits still gets the youth
    actor (made for their age), and first, though it is for « jeunes » only."""
    youth = fictional_feature(
        id="jeunes-fictif-montreuil", nom="Acteur fictif jeunes", publics=["jeunes"], age_min=16, age_max=25
    )
    generic = fictional_feature(id="generique-fictif-montreuil", nom="Acteur fictif pour tous")
    index = ActorIndex([actor_from_feature(youth), actor_from_feature(generic)])
    request = SearchRequest(
        lat=48.8600,
        lon=2.4400,
        place_citycode="93048",
        age=24,
        publics=("beneficiaires-des-minimas-sociaux",),
    )
    results = search(request, geocoder=geocoder, actors=index).results
    assert [r.actor.id for r in results][0] == "jeunes-fictif-montreuil"
    assert results[0].eligibility.made_for


@pytest.mark.parametrize(
    "traits, fit, first",
    [
        (("moins-de-26-ans",), "16–25 ans : le résident a moins de 26 ans", "fait-pour-lui"),
        (("rqth",), "reconnaissance du handicap (RQTH)", "fait-pour-lui"),
        # made for them, but with the IAE check left: level with the generic one, the nearer first
        (("rsa",), "bénéficiaires des minimas sociaux", "generique-fictif"),
    ],
    ids=["moins-de-26-ans", "rqth", "rsa"],
)
def test_each_chip_of_the_profile_ranks_and_explains_the_actor_made_for_it(geocoder, traits, fit, first):
    """A chip in the volunteer's words says data·inclusion's publics (and an age band): the actor made
    for it comes before a generic one a few minutes nearer unless it has a point to check, and says
    why; the chip hides no one."""
    made_for = {
        "moins-de-26-ans": {"kind": "mission_locale", "publics": ["jeunes"], "age_min": 16, "age_max": 25},
        "rqth": {"kind": "cap_emploi", "publics": ["personnes-en-situation-de-handicap"]},
        "rsa": {"kind": "siae_aci", "publics": ["demandeurs-emploi", "beneficiaires-des-minimas-sociaux"]},
    }[traits[0]]
    special = fictional_feature(
        id="fait-pour-lui", nom="Acteur fictif fait pour lui", geometry=_at(2.4470), **made_for
    )
    generic = fictional_feature(id="generique-fictif", nom="Acteur fictif pour tous", geometry=_at(2.4410))
    index = ActorIndex([actor_from_feature(special), actor_from_feature(generic)])
    request = SearchRequest(lat=48.8600, lon=2.4400, place_citycode="93048", traits=traits)
    results = search(request, geocoder=geocoder, actors=index).results
    assert {r.actor.id for r in results} == {"fait-pour-lui", "generique-fictif"}
    assert results[0].actor.id == first
    special_verdict = next(r.eligibility for r in results if r.actor.id == "fait-pour-lui")
    assert special_verdict.made_for and any(fit in line for line in special_verdict.fits), special_verdict


def _at(lon: float) -> dict:
    return {"type": "Point", "coordinates": [lon, 48.8600]}


def test_the_age_given_outweighs_the_age_chip(geocoder):
    youth = fictional_feature(id="jeunes", kind="mission_locale", publics=["jeunes"], age_min=16, age_max=25)
    index = ActorIndex([actor_from_feature(youth)])
    request = SearchRequest(lat=48.86, lon=2.44, place_citycode="93048", age=40, traits=("moins-de-26-ans",))
    assert search(request, geocoder=geocoder, actors=index).results == []  # 40 is past 25: not shown

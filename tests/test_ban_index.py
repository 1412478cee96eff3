"""The local BAN index: matching what people type, house numbers, re-imports, bad input."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.geocoding import GeocoderUnavailable
from geo.geocoding.ban_file import BanAddress
from geo.geocoding.ban_index import LocalBanGeocoder, build_index
from geo.geocoding.synthetic import write_ban_csv
from tests.support import examples, pick


@pytest.fixture(scope="module")
def geocoder(synthetic_index):
    return LocalBanGeocoder(synthetic_index)


def on_street(addresses, number=None, rep="", skip=0, predicate=lambda a: True):
    return pick(
        addresses,
        lambda a: (number is None or a.numero == number) and a.rep == rep and predicate(a),
        skip=skip,
    )


@pytest.mark.parametrize(
    "template",
    [
        "{n} {street} {postcode} {city}",
        "{n} {street}, {city}",
        "{city} {n} {street}",
        "{n} {street}",
        "{n}, {street} appartement 12 {postcode}",
        "{n} {street} bat B 2e etage {city}",
        "{street} {n} {city}",
    ],
)
def test_address_is_found_however_it_is_written(geocoder, synthetic_addresses, template):
    address = on_street(synthetic_addresses, number=3, skip=11)
    typed = template.format(
        n=address.numero, street=address.nom_voie, postcode=address.code_postal, city=address.nom_commune
    )

    best = geocoder.search(typed)[0]

    assert (best.housenumber, best.street, best.citycode) == ("3", address.nom_voie, address.code_insee)


STREETS_NEAR_THE_COMMUNE_S_NAME = [  # made up: names, numbers and positions (synthétique)
    ("Route Maximilien", "93100", "93048", "Montreuil", 2.4410),
    ("Route de Montreuil", "93100", "93048", "Montreuil", 2.4460),
    ("Chemin Condé", "93100", "93048", "Montreuil", 2.4510),
    ("Chemin Condorcet", "93100", "93048", "Montreuil", 2.4560),
    ("Avenue Danton", "93800", "93031", "Épinay-sur-Seine", 2.3110),
    ("Avenue de Vincennes", "93800", "93031", "Épinay-sur-Seine", 2.3160),
]


@pytest.mark.parametrize(
    "typed, street",
    [
        ("1 route maximilien montreuil", "Route Maximilien"),
        ("25 Avenue Danton Épinay-sur-Seine", "Avenue Danton"),
        ("25 avenue danton epinay s/ seine", "Avenue Danton"),
        ("40 che Condé Montreuil", "Chemin Condé"),
    ],
)
def test_passing_the_commune_never_loses_what_the_typed_commune_finds(tmp_path, typed, street):
    """The volunteer's commune (``citycode``) filters like the commune typed: its name, typed too,
    is still not taken for words of the street (« Route de Montreuil » is not « route … montreuil »)."""
    rows = [
        BanAddress(
            "",
            number,
            "",
            name,
            postcode,
            code,
            city,
            lon + number / 10_000,
            48.86 if code == "93048" else 48.95,
        )
        for name, postcode, code, city, lon in STREETS_NEAR_THE_COMMUNE_S_NAME
        for number in (1, 25, 40)
    ]
    csv = write_ban_csv(tmp_path / "adresses-fictives-synthetique.csv", rows)
    geocoder = LocalBanGeocoder(build_index([csv], ["93"], tmp_path / "index.sqlite").path)
    citycode = next(code for name, _, code, _, _ in STREETS_NEAR_THE_COMMUNE_S_NAME if name == street)

    for commune in (None, citycode):
        assert geocoder.search(typed, citycode=commune)[0].street == street, commune


def test_typos_are_forgiven(geocoder, synthetic_addresses):
    address = on_street(synthetic_addresses, number=5, predicate=lambda a: len(a.nom_voie) > 14)
    name = address.nom_voie
    typo = name[:6] + name[7] + name[6] + name[8:]  # two letters swapped

    best = geocoder.search(f"{address.numero} {typo} {address.nom_commune}")[0]

    assert best.street == name and not best.approximate


def test_abbreviated_street_type_is_expanded(geocoder, synthetic_addresses):
    address = on_street(synthetic_addresses, number=2, predicate=lambda a: a.nom_voie.startswith("Avenue"))
    typed = f"2 av {address.nom_voie.split(' ', 1)[1]} {address.nom_commune}"

    assert geocoder.search(typed)[0].street == address.nom_voie


def test_suffix_is_matched_as_ban_writes_it(geocoder, synthetic_addresses):
    address = pick(synthetic_addresses, lambda a: a.rep == "bis")

    for typed in (
        f"{address.numero}bis",
        f"{address.numero} bis",
        f"{address.numero}b",
        f"{address.numero} B",
    ):
        best = geocoder.search(f"{typed} {address.nom_voie} {address.nom_commune}")[0]
        assert (best.housenumber, best.approximate) == (f"{address.numero} bis", False), typed


def test_unknown_house_number_falls_back_to_the_nearest_flagged(geocoder, synthetic_addresses):
    street = on_street(synthetic_addresses, number=1, skip=5)
    numbers = {
        a.numero
        for a in synthetic_addresses
        if a.nom_voie == street.nom_voie and a.code_insee == street.code_insee
    }
    missing = max(numbers) + 40

    best = geocoder.search(f"{missing} {street.nom_voie} {street.nom_commune}")[0]

    assert best.type == "housenumber" and best.approximate
    assert best.housenumber == str(max(numbers))
    assert best.score < geocoder.search(f"1 {street.nom_voie} {street.nom_commune}")[0].score


def test_street_name_with_numbers_is_not_taken_for_a_house_number(tmp_path):
    addresses = [
        BanAddress("", n, "", "Rue du 8 Mai 1945", "93430", "93079", "Villetaneuse", 2.345 + n * 1e-4, 48.957)
        for n in (2, 4, 6)
    ]
    index = tmp_path / "index.sqlite"
    build_index([write_ban_csv(tmp_path / "ban-synthetique.csv", addresses)], ["93079"], index)
    geocoder = LocalBanGeocoder(index)

    assert geocoder.search("rue du 8 mai 1945 villetaneuse")[0].type == "street"
    best = geocoder.search("4 rue du 8 mai 1945")[0]
    assert (best.housenumber, best.approximate) == ("4", False)


@pytest.fixture
def same_street_in_two_communes(tmp_path):
    addresses = [
        BanAddress("", 1, "", "Rue de la Paix", "93100", "93048", "Montreuil", 2.44, 48.86),
        BanAddress("", 1, "", "Rue de la Paix", "93170", "93006", "Bagnolet", 2.42, 48.87),
    ]
    index = tmp_path / "index.sqlite"
    build_index([write_ban_csv(tmp_path / "ban-synthetique.csv", addresses)], ["93"], index)
    return LocalBanGeocoder(index)


@pytest.mark.parametrize(
    "typed, citycode",
    [
        ("1 rue de la paix 93170", "93006"),
        ("93100 1 rue de la paix", "93048"),
        ("1 rue de la paix bagnolet", "93006"),
        ("montreuil 1 rue de la paix", "93048"),
        ("1 rue de la paix montreuill", "93048"),
    ],
)
def test_postcode_or_commune_anywhere_picks_the_commune(same_street_in_two_communes, typed, citycode):
    assert same_street_in_two_communes.search(typed)[0].citycode == citycode


def test_near_hint_breaks_ties_by_distance(same_street_in_two_communes):
    results = same_street_in_two_communes.search("1 rue de la paix", near=(2.421, 48.871))
    assert [r.citycode for r in results] == ["93006", "93048"]


def test_missing_index_says_how_to_build_it(tmp_path):
    geocoder = LocalBanGeocoder(tmp_path / "absent.sqlite")

    with pytest.raises(GeocoderUnavailable, match="carto ban import"):
        geocoder.search("12 rue de paris")


def test_reimport_is_picked_up_by_a_running_geocoder(tmp_path, synthetic_index):
    index = tmp_path / "index.sqlite"
    shutil.copy(synthetic_index, index)
    geocoder = LocalBanGeocoder(index)
    assert (
        geocoder.search("Rue Imaginaire du Test Villetaneuse") == []
        or geocoder.search("Rue Imaginaire du Test Villetaneuse")[0].street != "Rue Imaginaire du Test"
    )

    replacement = [
        BanAddress("", 1, "", "Rue Imaginaire du Test", "93430", "93079", "Villetaneuse", 2.345, 48.957)
    ]
    build_index([write_ban_csv(tmp_path / "ban-synthetique.csv", replacement)], ["93079"], index)

    assert geocoder.search("1 rue imaginaire du test")[0].street == "Rue Imaginaire du Test"


def test_failed_import_keeps_the_previous_index(tmp_path, synthetic_index):
    index = tmp_path / "index.sqlite"
    shutil.copy(synthetic_index, index)
    before = index.read_bytes()
    not_ban = tmp_path / "pas-ban.csv"
    not_ban.write_text("nom;adresse\nx;y\n", encoding="utf-8")

    with pytest.raises(ValueError, match="colonnes BAN absentes"):
        build_index([not_ban], ["93"], index)

    assert index.read_bytes() == before
    assert not list(tmp_path.glob(".index.sqlite.*"))


def test_communes_setting_limits_what_is_indexed(tmp_path, synthetic_ban_csv):
    summary = build_index([synthetic_ban_csv], ["93048"], tmp_path / "index.sqlite")
    geocoder = LocalBanGeocoder(tmp_path / "index.sqlite")

    assert summary.communes == 1
    assert geocoder.covers(citycode="93048") and not geocoder.covers(citycode="93079")


def test_reverse_far_from_any_address_finds_nothing(geocoder):
    assert geocoder.reverse(-3.0, 47.0) == []


queries = st.one_of(
    st.text(max_size=300),
    st.text(min_size=1, max_size=30).map(lambda s: (s * 400)[:10_240]),
    st.sampled_from(["' OR 1=1 --", "%_%", ".*", "(((", "\\", "😀" * 50, "\x00" * 20, " " * 500]),
)


@settings(
    max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=queries, autocomplete=st.booleans())
def test_search_never_crashes_on_any_input(geocoder, q, autocomplete):
    results = geocoder.search(q, autocomplete=autocomplete, limit=3)
    assert len(results) <= 3
    assert all(0 <= r.score <= 1 for r in results)

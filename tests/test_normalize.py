"""Reading what people type: accents, case, abbreviations, suffixes, noise, anything at all."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.geocoding.normalize import MAX_QUERY_LENGTH, normalize, parse
from tests.support import examples


@pytest.mark.parametrize(
    "typed, number, suffix, postcode, words",
    [
        ("12 rue de Paris 93100 Montreuil", 12, None, "93100", "rue de paris montreuil"),
        ("12bis, BD de la République", 12, "bis", None, "boulevard de la republique"),
        ("12 B rue de Paris", 12, "bis", None, "rue de paris"),
        ("4 ter av. Pasteur - bât C, 3e étage", 4, "ter", None, "avenue pasteur"),
        ("appartement 12 5 r Voltaire", 5, None, None, "rue voltaire"),
        (
            "Épinay-sur-Seine 93800 32 av Salvador Allende",
            32,
            None,
            "93800",
            "epinay sur seine avenue salvador allende",
        ),
        ("rue du 8 mai 1945", None, None, None, "rue du 8 mai 1945"),
        ("12 rue du 8 Mai 1945", 12, None, None, "rue du 8 mai 1945"),
        ("7 st antoine", 7, None, None, "saint antoine"),
        ("3 pl. de l'Église", 3, None, None, "place de l eglise"),
        ("15 imp des lilas CEDEX 12", 15, None, None, "impasse des lilas"),
        ("Résidence du Parc, 6 allée des Tilleuls", 6, None, None, "residence du parc allee des tilleuls"),
        ("Hall A, 3 rue de Paris", 3, None, None, "hall a rue de paris"),
    ],
)
def test_parse_reads_what_people_type(typed, number, suffix, postcode, words):
    parsed = parse(typed)
    assert (parsed.housenumber, parsed.suffix, parsed.postcode, parsed.text) == (
        number,
        suffix,
        postcode,
        words,
    )


@pytest.mark.parametrize("typed", ["", "   ", "\x00\x07\x1b", "😀🏠", ".*+?[](){}|^$\\"])
def test_parse_of_nothing_usable_is_empty(typed):
    parsed = parse(typed)
    assert parsed.housenumber is None
    assert all(word.isalnum() for word in parsed.words)


def test_sql_in_a_query_is_just_words():
    assert parse("12 rue X'; DROP TABLE streets; --").text == "rue x drop table streets"


@settings(max_examples=examples(400), deadline=None)
@given(st.text(max_size=2000))
def test_normalize_never_raises_and_is_bounded(text):
    normalized = normalize(text)
    assert len(normalized) <= MAX_QUERY_LENGTH
    assert normalized == normalized.strip()
    assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in normalized)


ten_kilobytes = st.text(min_size=1, max_size=40).map(lambda s: (s * 10_000)[:10_240])


@settings(max_examples=examples(50), deadline=None)
@given(ten_kilobytes)
def test_parse_handles_ten_kilobytes_of_anything(text):
    parsed = parse(text)
    assert len(parsed.text) <= MAX_QUERY_LENGTH

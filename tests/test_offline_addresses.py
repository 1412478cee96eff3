"""Typing an address with no network: the page's script, on one commune's addresses from the pack,
finds what the service's local BAN index finds — measured on the geocoding benchmark's queries (its
made-up BAN and noisy typing, development and held-out vocabularies) for Montreuil."""

from __future__ import annotations

import random

import pytest

from geo.geocoding.ban_file import communes_filter, read_ban
from geo.geocoding.ban_index import LocalBanGeocoder, build_index
from geo.offline.addresses import address_pack
from tests.support import ROOT

SCRIPTS = [
    ROOT / "webmap" / "static" / "lib" / "fuzzball.js",
    ROOT / "webmap" / "volunteer" / "static" / "adresses-hors-ligne.js",
]
COMMUNE = "93048"
QUERIES = 300
AGREEMENT = 0.95


@pytest.fixture(scope="module")
def benchmark_world(tmp_path_factory):
    from benchmarks.geocoding import _synthetic_ban, addok_fr_abbreviations, make_queries

    folder = tmp_path_factory.mktemp("adresses")
    ban, held_out = _synthetic_ban(folder, 93)
    index = build_index([ban], [COMMUNE], folder / "index.sqlite").path
    truth = [a for a in read_ban(ban, communes_filter([COMMUNE]))]
    synonyms = addok_fr_abbreviations()
    queries = {
        name: make_queries(
            [a for a in truth if keep(a.nom_voie in held_out)], QUERIES, random.Random(seed), synonyms
        )
        for name, seed, keep in (("development", 93, lambda held: not held), ("held out", 94, bool))
    }
    return index, queries


@pytest.mark.parametrize("vocabulary", ["development", "held out"])
def test_offline_address_search_agrees_with_the_local_index(browser, benchmark_world, vocabulary):
    index, queries = benchmark_world
    pack = address_pack(index, COMMUNE)
    texts = [text for text, *_ in queries[vocabulary]]
    server = LocalBanGeocoder(index)
    expected = []
    for text in texts:
        found = server.search(text, limit=1, citycode=COMMUNE)
        expected.append(found[0].label if found else None)
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><html><body></body></html>")
        for script in SCRIPTS:
            page.add_script_tag(path=str(script))
        offline = page.evaluate(
            """([pack, texts]) => texts.map(text => {
            const found = cartoAddresses.search(pack, text, 1);
            return found.length ? found[0].label : null; })""",
            [pack, texts],
        )
    finally:
        page.close()
    agree = sum(a == b for a, b in zip(expected, offline, strict=True)) / len(texts)
    print(f"\n{vocabulary}: {agree:.1%} of {len(texts)} queries agree")
    differing = [(t, a, b) for t, a, b in zip(texts, expected, offline, strict=True) if a != b][:5]
    assert agree >= AGREEMENT, f"{agree:.1%} agree; for instance {differing}"

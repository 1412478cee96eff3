"""The home page lists the actors, escaping whatever a manager typed."""

from __future__ import annotations

import os

from tests.conftest import fictional_collection, fictional_feature, write_json

XSS = '<script>alert("x")</script>'


def test_home_page_lists_actors_in_french(client):
    response = client.get("/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Mission locale (Montreuil)" in page
    assert 'href="tel:+33155861810"' in page


def test_home_page_escapes_actor_fields(make_app, tmp_path):
    feature = fictional_feature(nom=XSS, adresse=XSS, complement_adresse=XSS, commune="Montreuil")
    path = write_json(tmp_path / "xss.geojson", fictional_collection(feature))
    client = make_app(ACTORS_FILE=str(path)).test_client()

    page = client.get("/").get_data(as_text=True)

    assert XSS not in page
    assert "&lt;script&gt;" in page


def test_home_page_picks_up_dataset_changes(make_app, tmp_path):
    path = write_json(tmp_path / "one.geojson", fictional_collection(fictional_feature()))
    client = make_app(ACTORS_FILE=str(path)).test_client()
    assert "Acteur fictif de test" in client.get("/").get_data(as_text=True)

    renamed = fictional_feature(nom="Autre acteur fictif")
    write_json(path, fictional_collection(renamed))
    os.utime(path, ns=(1, 1))

    assert "Autre acteur fictif" in client.get("/").get_data(as_text=True)

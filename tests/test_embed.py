"""Embeddable maps: filters in the URL, list and search options, the snippet builder."""

from __future__ import annotations

import dataclasses

import pytest

from tests.support import fictional_collection, fictional_feature, write_json
from tests.web_support import markers
from webmap.services import current_store


def test_embed_without_filters_shows_every_located_actor_without_site_chrome(client):
    page = client.get("/embed/carte").get_data(as_text=True)
    assert len(markers(page)) == 13  # the located made-up actors
    assert 'class="site"' not in page and "<aside>" not in page


def test_embed_filters_show_only_matching_markers(client):
    page = client.get("/embed/carte?commune=93048&besoin=formation").get_data(as_text=True)
    assert {m["id"] for m in markers(page)} == {
        "agence-emploi-fictive-montreuil",
        "mission-locale-fictive-montreuil",
    }


def test_embed_around_a_point_with_list_and_search(client):
    page = client.get("/embed/carte?lat=48.86&lon=2.44&liste=1&recherche=1").get_data(as_text=True)
    assert "<aside>" in page and 'role="search"' in page
    assert [m["id"] for m in markers(page)][:2] == [
        "agence-emploi-fictive-montreuil",  # direct
        "mission-locale-fictive-montreuil",
    ]  # age to check


@pytest.mark.parametrize(
    "query, message", [("zoom=40", "zoom"), ("public=x", "Public inconnu"), ("lat=1000&lon=2", "lat")]
)
def test_embed_explains_bad_parameters(client, query, message):
    response = client.get(f"/embed/carte?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_builder_gives_the_snippet_for_the_chosen_filters(client):
    page = client.get("/embed?commune=93014&besoin=emploi&liste=1").get_data(as_text=True)
    source = "http://localhost/embed/carte?commune=93014&amp;besoin=emploi&amp;liste=1"
    assert f'&lt;iframe src="{source}"' in page  # the snippet to copy, as text
    assert f'<iframe src="{source}"' in page  # the live preview


def test_export_html_is_self_contained(make_app, tmp_path):
    out = tmp_path / "volunteer/carte.html"
    result = (
        make_app()
        .test_cli_runner()
        .invoke(args=["export-html", "--besoin", "numerique", "--titre", "Numérique <93>", str(out)])
    )

    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<title>Numérique &lt;93&gt;</title>" in html
    assert 'src="/' not in html and 'href="/' not in html and "cdn" not in html
    assert "cartoAddActors" in html and "L.Icon.Default.mergeOptions" in html


def test_export_html_refuses_unknown_filters(make_app, tmp_path):
    result = (
        make_app()
        .test_cli_runner()
        .invoke(args=["export-html", "--besoin", "cuisine", str(tmp_path / "x.html")])
    )
    assert result.exit_code == 2 and "--besoin" in result.output


def test_embed_pages_are_cached_and_conditional(client):
    first = client.get("/embed/carte?commune=93014")
    again = client.get("/embed/carte?commune=93014", headers={"If-None-Match": first.headers["ETag"]})
    assert "max-age=300" in first.headers["Cache-Control"]
    assert again.status_code == 304


def test_embed_cache_follows_the_store(make_app, tmp_path):
    path = write_json(tmp_path / "un-fictif.geojson", fictional_collection(fictional_feature()))
    app = make_app(ACTORS_FILE=str(path))
    client = app.test_client()
    assert [m["nom"] for m in markers(client.get("/embed/carte").get_data(as_text=True))] == [
        "Acteur fictif de test"
    ]

    with app.app_context():
        store = current_store()
        stored = store.get("acteur-fictif-de-test")
        store.update(
            dataclasses.replace(stored.actor, nom="Acteur fictif renommé"),
            stored.version,
            "gestionnaire-fictif@example.org",
        )

    assert [m["nom"] for m in markers(client.get("/embed/carte").get_data(as_text=True))] == [
        "Acteur fictif renommé"
    ]


@pytest.mark.parametrize("command", [["export-html"], ["actors", "export"]])
def test_files_written_by_the_commands_get_the_usual_mode(make_app, tmp_path, command):
    """A map meant for a website's folder must be readable by the web server: 0644 under umask 022,
    and a file already there keeps its own mode."""
    import os
    import stat

    app = make_app()
    previous = os.umask(0o022)
    try:
        new, kept = tmp_path / "nouveau.out", tmp_path / "garde.out"
        kept.write_text("ancien")
        kept.chmod(0o640)
        for target in (new, kept):
            result = app.test_cli_runner().invoke(args=[*command, str(target)])
            assert result.exit_code == 0, result.output
    finally:
        os.umask(previous)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() != "ancien"

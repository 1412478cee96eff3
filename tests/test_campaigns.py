"""The campaign log and its bilan: exact figures through the API, retries counted once, nothing that
identifies a resident stored anywhere, roles."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import sqlite3
import uuid
from typing import Any

import pytest

from geo.campaigns.bilan import bilan
from geo.campaigns.model import FUNNEL, HistoryTotals
from tests.support import made_up_hash
from tests.web_support import csrf_token
from webmap.auth.services import hash_token
from webmap.services import current_store

VOLUNTEER = {"Authorization": "Bearer jeton-benevole-fictif"}
MANAGER = {"Authorization": "Bearer jeton-gestionnaire-fictif"}
COMMUNES = ("93048", "93006")
ACTORS = (
    "insertion-fictive-montreuil",
    "mission-locale-fictive-montreuil",
    "agence-emploi-fictive-montreuil",
)
"""Made-up actors of tests/fixtures/acteurs-fictifs.geojson."""


@pytest.fixture
def app(make_app):
    return with_campaign(make_app())


@pytest.fixture
def backoffice(make_app):
    """A manager's session on an app without CSRF checks (tested elsewhere), and its app."""
    app = with_campaign(make_app(WTF_CSRF_ENABLED=False))
    client = app.test_client()
    assert (
        client.post(
            "/connexion",
            data={"email": "gestionnaire-fictif@example.org", "password": "mot-de-passe-fictif-123"},
        ).status_code
        == 302
    )
    return client, app


def with_campaign(app):
    """Two volunteers (one in the campaign, in team A), a manager, tokens, one campaign."""
    with app.app_context():
        store = current_store()
        for email, role, token in (
            ("benevole-fictif@example.org", "volunteer", "jeton-benevole-fictif"),
            ("autre-benevole-fictif@example.org", "volunteer", "jeton-autre-fictif"),
            ("gestionnaire-fictif@example.org", "manager", "jeton-gestionnaire-fictif"),
        ):
            store.add_user(email, made_up_hash("mot-de-passe-fictif-123"), role)
            store.set_token(email, hash_token(token))
        campaign = store.add_campaign("Campagne fictive d’automne", COMMUNES, debut=dt.date(2026, 9, 1))
        store.set_volunteer_team(campaign.id, "benevole-fictif@example.org", "Équipe fictive A")
    app.campaign_id = campaign.id
    return app


def synthetic_encounters(campaign: int, seed: int = 3) -> list[dict]:
    """3,000 made-up encounters shaped like the association's figures: 500 seeking, 250 of them
    accompanied by nobody, 162 put in touch with an actor, 77 shown « Mes offres »."""
    rng = random.Random(seed)
    encounters = []
    for n in range(3000):
        seeking = n < 500
        linked = n < 162
        encounter = {
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
            "campagne": campaign,
            "date": (dt.date(2026, 9, 1) + dt.timedelta(days=n % 80)).isoformat(),
            "commune": COMMUNES[n % 2],
            "en_recherche": "oui" if seeking else rng.choice(["non", "ne-sait-pas"]),
            "mise_en_lien": linked,
            "demo_mes_offres": n < 77,
        }
        if seeking:
            encounter["accompagne"] = "non" if n % 2 else "oui"
        if linked:
            encounter["acteurs"] = [ACTORS[n % 3]]
        encounters.append(encounter)
    rng.shuffle(encounters)
    return encounters


def encounter(campaign: int, **answers: Any) -> dict[str, Any]:
    """A made-up encounter at a door of Bagnolet on 20 November, not seeking, with a fresh UUID;
    ``answers`` change or add fields, None leaves one out (``commune=None`` with a position)."""
    fields = {
        "id": str(uuid.uuid4()),
        "campagne": campaign,
        "date": "2026-11-20",
        "commune": "93006",
        "en_recherche": "non",
        **answers,
    }
    return {name: value for name, value in fields.items() if value is not None}


def post(client, body, headers=VOLUNTEER):
    return client.post("/api/v1/rencontres", json=body, headers=headers)


def test_three_thousand_encounters_give_exactly_the_association_s_figures(app):
    client = app.test_client()
    encounters = synthetic_encounters(app.campaign_id)
    for start in range(0, 3000, 500):
        answer = post(client, encounters[start : start + 500])
        assert answer.status_code == 200 and answer.get_json()["nouvelles"] == 500

    retry = post(client, encounters[1000:1500])  # the tablet lost the answer and sends the batch again
    assert retry.get_json() == {"recues": 500, "nouvelles": 0, "deja_recues": 500}

    figures = client.get(f"/api/v1/campagnes/{app.campaign_id}/bilan", headers=MANAGER).get_json()
    assert {
        name: figures[name]
        for name in ("rencontres", "en_recherche", "non_accompagnes", "mises_en_lien", "demos_mes_offres")
    } == {
        "rencontres": 3000,
        "en_recherche": 500,
        "non_accompagnes": 250,
        "mises_en_lien": 162,
        "demos_mes_offres": 77,
    }
    assert figures["repartitions"]["commune"]["93048"]["rencontres"] == 1500
    assert sum(v for v in figures["acteurs"].values()) == 162
    assert figures["repartitions"]["equipe"]["Équipe fictive A"]["rencontres"] == 3000


def test_an_encounter_sent_with_a_position_keeps_its_commune_and_iris_only(app):
    client = app.test_client()
    sent = encounter(
        app.campaign_id, commune=None, lat=48.858312, lon=2.441187, en_recherche="oui", accompagne="non"
    )
    assert post(client, sent).status_code == 200
    with app.app_context():
        path = current_store().path
    rows = sqlite3.connect(path).execute("SELECT * FROM encounters").fetchall()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert "93048" in stored and "930480302" in stored  # Montreuil, IRIS Solidarité Carnot 2
    assert "48.85" not in stored and "2.44" not in stored


@pytest.mark.parametrize(
    "extra",
    [
        {"adresse": "12 rue fictive"},
        {"nom": "Fictif"},
        {"telephone": "0600000000"},
        {"commentaire": "texte libre"},
        {"email_du_resident": "x@example.org"},
    ],
)
def test_a_field_that_could_identify_the_resident_refuses_the_batch(app, extra):
    client = app.test_client()
    fine = encounter(app.campaign_id, commune="93048")
    faulty = {**fine, "id": str(uuid.uuid4()), **extra}
    answer = post(client, [fine, faulty])
    assert answer.status_code == 400
    problem = answer.get_json()["parametres"]
    assert any(key.startswith("[1].") and "refusé" in message for key, message in problem.items()), problem
    with app.app_context():
        assert current_store().tallies(app.campaign_id) == []  # all or nothing: the fine one waits too


def test_no_table_of_the_store_holds_a_position_an_address_or_a_name(app):
    """After the 3,000 posts, 50 of them sent from a GPS fix."""
    client = app.test_client()
    encounters = synthetic_encounters(app.campaign_id)
    for n, encounter in enumerate(encounters[:50]):  # from a GPS fix in Montreuil
        encounter.pop("commune")
        encounter.update(lat=48.8583 + n * 1e-5, lon=2.4412)
        encounter["date"] = "2026-11-20"
    for start in range(0, 3000, 500):
        assert post(client, encounters[start : start + 500]).status_code == 200
    with app.app_context():
        path = current_store().path
    db = sqlite3.connect(path)
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        assert not {"lat", "lon", "adresse", "nom_resident", "telephone_resident"} & set(columns), table
        if table in ("encounters", "encounter_tallies", "campaign_history"):
            for row in db.execute(f"SELECT * FROM {table}"):
                text = " ".join(str(value) for value in row)
                assert "48.858" not in text and "2.4412" not in text, (table, row)


@pytest.mark.parametrize(
    "who, post_status, read_status", [(None, 401, 401), (VOLUNTEER, 200, 403), (MANAGER, 200, 200)]
)
def test_roles_anonymous_nothing_volunteers_post_managers_read(app, who, post_status, read_status):
    client = app.test_client()
    sent = encounter(app.campaign_id, en_recherche="oui", accompagne="oui")
    assert post(client, sent, headers=who or {}).status_code == post_status
    assert (
        client.get(f"/api/v1/campagnes/{app.campaign_id}/bilan", headers=who or {}).status_code == read_status
    )


def test_a_volunteer_posts_only_to_the_campaigns_they_are_in(app):
    sent = encounter(app.campaign_id)
    answer = post(app.test_client(), sent, headers={"Authorization": "Bearer jeton-autre-fictif"})
    assert answer.status_code == 400
    assert answer.get_json()["parametres"] == {"[0].campagne": "vous n’êtes pas bénévole de cette campagne"}


def sign_in_as_volunteer(client):
    """Log in as the made-up volunteer, through the login form and its CSRF token."""
    return client.post(
        "/connexion",
        data={
            "email": "benevole-fictif@example.org",
            "csrf_token": csrf_token(client.get("/connexion").get_data(as_text=True)),
            "password": "mot-de-passe-fictif-123",
        },
    )


def test_a_session_must_send_its_csrf_token(app):
    client = app.test_client()
    assert sign_in_as_volunteer(client).status_code == 302
    sent = encounter(app.campaign_id)
    answer = client.post("/api/v1/rencontres", json=sent)
    assert answer.status_code == 400 and "X-CSRFToken" in answer.get_json()["parametres"]
    page = client.get("/compte/mot-de-passe").get_data(as_text=True)  # the session's own token
    token = csrf_token(page)
    answer = client.post("/api/v1/rencontres", json=sent, headers={"X-CSRFToken": token})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    "change, field",
    [
        ({"commune": "75056"}, "commune"),
        ({"campagne": 999}, "campagne"),
        ({"en_recherche": "peut-etre"}, "en_recherche"),
        ({"id": "pas-un-uuid"}, "id"),
        ({"date": "2026-02-30"}, "date"),
        ({"acteurs": ["inconnu-fictif"], "mise_en_lien": True}, "acteurs"),
        ({"lat": 48.85, "lon": 2.35}, "lat"),
        ({"tranche_age": {}}, "tranche_age"),  # found by fuzzing
        ({"date": "2026-08-31"}, "date"),  # before the campaign
        ({"accompagne": ["oui"]}, "accompagne"),
    ],
)
def test_bad_encounters_are_refused_with_their_field_named(app, change, field):
    sent = encounter(app.campaign_id, **change)
    answer = post(app.test_client(), sent)
    assert answer.status_code == 400 and f"[0].{field}" in answer.get_json()["parametres"]


def test_batches_are_bounded(app):
    one = encounter(app.campaign_id)
    assert post(app.test_client(), [one] * 501).status_code == 400
    assert post(app.test_client(), []).status_code == 400


def test_small_cells_of_a_breakdown_are_masked_but_not_the_campaign_figures(app):
    client = app.test_client()
    few = [encounter(app.campaign_id, en_recherche="oui", accompagne="non") for _ in range(3)]
    post(client, few)
    figures = client.get(f"/api/v1/campagnes/{app.campaign_id}/bilan", headers=MANAGER).get_json()
    assert figures["rencontres"] == 3 and figures["non_accompagnes"] == 3
    assert figures["repartitions"]["commune"]["93006"]["rencontres"] == "< 5"


def test_folding_old_encounters_changes_no_figure(app):
    client = app.test_client()
    post(client, synthetic_encounters(app.campaign_id)[:500])
    with app.app_context():
        store = current_store()
        before = bilan(app.campaign_id, store.tallies(app.campaign_id))
        folded = store.archive_encounters(dt.date(2026, 10, 15))
        after = bilan(app.campaign_id, store.tallies(app.campaign_id))
    assert folded > 0 and before == after


def test_history_is_added_to_the_all_time_totals_and_told_apart(app):
    with app.app_context():
        current_store().add_history(
            HistoryTotals(
                app.campaign_id,
                "2022–2025",
                "texte de l’association (fictif pour ce test)",
                3000,
                500,
                None,
                162,
                77,
            )
        )
    client = app.test_client()
    post(client, encounter(app.campaign_id, en_recherche="oui", accompagne="non", demo_mes_offres=True))
    figures = client.get(f"/api/v1/campagnes/{app.campaign_id}/bilan", headers=MANAGER).get_json()
    assert figures["rencontres"] == 1  # the log alone
    assert figures["total_avec_historique"] == {
        "rencontres": 3001,
        "en_recherche": 501,
        "non_accompagnes": None,
        "mises_en_lien": 162,
        "demos_mes_offres": 78,
    }
    assert figures["historique"][0]["source"].startswith("texte de l’association")


def test_the_commands_add_list_record_history_and_archive(app):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "campagnes",
            "add",
            "Campagne fictive de printemps",
            "--commune",
            "93014",
            "--commune",
            "93031",
            "--debut",
            "2027-03-01",
            "--fin",
            "2027-06-30",
            "--json",
        ]
    )
    assert made.exit_code == 0, made.output
    number = json.loads(made.output)["id"]
    listed = runner.invoke(args=["campagnes", "list"]).output
    assert "Campagne fictive de printemps" in listed and "Clichy-sous-Bois, Épinay-sur-Seine" in listed
    recorded = runner.invoke(
        args=[
            "campagnes",
            "historique",
            str(number),
            "--periode",
            "2022–2025",
            "--source",
            "source fictive",
            "--rencontres",
            "3000",
            "--mises-en-lien",
            "162",
        ]
    )
    assert recorded.exit_code == 0, recorded.output
    with app.app_context():
        assert current_store().history_totals(number)[0].mises_en_lien == 162
    assert runner.invoke(args=["campagnes", "add", "X", "--commune", "75056"]).exit_code == 2
    archived = runner.invoke(args=["campagnes", "archive"])
    assert archived.exit_code == 0 and "0 rencontre(s)" in archived.output


def test_the_dashboard_shows_the_figures_charts_masked_cells_and_history(backoffice):
    client, app = backoffice
    for start in range(0, 1000, 500):
        post(client, synthetic_encounters(app.campaign_id)[start : start + 500])
    answer = client.post(
        f"/gestion/campagnes/{app.campaign_id}/historique",
        data={
            "periode": "2022–2025",
            "source": "texte de l’association (fictif pour ce test)",
            "rencontres": "3000",
            "en_recherche": "500",
            "mises_en_lien": "162",
            "demos_mes_offres": "77",
        },
    )
    assert answer.status_code == 302
    page = client.get(f"/gestion/campagnes/{app.campaign_id}").get_data(as_text=True)
    assert page.count('<svg class="chart" role="img"') == 2  # the funnel and the weeks, each with its table
    assert "<caption>Entonnoir : chiffres exacts de la campagne</caption>" in page
    assert "Historique agrégé et total" in page and "non chiffré" in page
    assert "Mission locale fictive de Montreuil" in page  # actors by name

    csv_text = client.get(f"/gestion/campagnes/{app.campaign_id}/bilan.csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith("campagne,Campagne fictive d’automne,1000,")
    printable = client.get(f"/gestion/campagnes/{app.campaign_id}/bilan").get_data(as_text=True)
    assert "Bilan — Campagne fictive d’automne" in printable and "Se déconnecter" not in printable


def test_a_campaign_created_closed_and_staffed_in_the_back_office(backoffice):
    client, app = backoffice
    made = client.post(
        "/gestion/campagnes/",
        data={"nom": "Campagne fictive d’hiver", "communes": ["93014"], "debut": "2026-11-01"},
    )
    assert made.status_code == 302
    number = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    client.post(
        f"/gestion/campagnes/{number}/benevoles",
        data={"email": "autre-benevole-fictif@example.org", "equipe": "Équipe fictive B"},
    )
    with app.app_context():
        assert current_store().volunteers(number) == {"autre-benevole-fictif@example.org": "Équipe fictive B"}
    sent = encounter(number, date="2026-11-27", commune="93014")
    assert post(client, sent, headers={"Authorization": "Bearer jeton-autre-fictif"}).status_code == 200
    client.post(f"/gestion/campagnes/{number}/cloture")
    late = post(
        client, {**sent, "id": str(uuid.uuid4())}, headers={"Authorization": "Bearer jeton-autre-fictif"}
    )
    assert late.status_code == 400 and "close" in late.get_json()["parametres"]["[0].campagne"]


def test_a_csv_cell_a_spreadsheet_would_run_stays_text(backoffice):
    client, app = backoffice
    with app.app_context():
        campaign = current_store().add_campaign('=HYPERLINK("http://exemple.invalid")', ["93048"])
    text = client.get(f"/gestion/campagnes/{campaign.id}/bilan.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_the_encounter_page_works_as_a_plain_form_for_the_campaign_s_volunteers(make_app):
    app = with_campaign(make_app(WTF_CSRF_ENABLED=False))
    anonymous = app.test_client().get("/rencontre")
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]
    outsider = app.test_client()
    outsider.post(
        "/connexion",
        data={"email": "autre-benevole-fictif@example.org", "password": "mot-de-passe-fictif-123"},
    )
    alone = outsider.get("/rencontre").get_data(as_text=True)
    assert "Vous ne faites partie d’aucune campagne ouverte" in alone

    client = app.test_client()
    landed = client.post(
        "/connexion", data={"email": "benevole-fictif@example.org", "password": "mot-de-passe-fictif-123"}
    )
    assert landed.headers["Location"].endswith("/rencontre")  # a volunteer lands on the log
    page = client.get("/rencontre?acteurs=mission-locale-fictive-montreuil").get_data(as_text=True)
    assert 'value="mission-locale-fictive-montreuil" checked' in page
    fields = set(re.findall(r'<(?:input|select)[^>]* name="([a-z_]+)"', page))
    assert fields == {
        "csrf_token",
        "campagne",
        "commune",
        "en_recherche",
        "accompagne",
        "accompagne_par",
        "mise_en_lien",
        "acteurs",
        "demo_mes_offres",
        "tranche_age",
        "besoin",
    }  # nothing else
    sent = client.post(
        "/rencontre",
        data={
            "campagne": str(app.campaign_id),
            "commune": "93048",
            "en_recherche": "oui",
            "accompagne": "non",
            "mise_en_lien": "oui",
            "acteurs": "mission-locale-fictive-montreuil",
            "demo_mes_offres": "oui",
            "nom": "Fictif",
        },
    )
    assert sent.status_code == 302
    with app.app_context():
        [logged] = current_store().tallies(app.campaign_id)
    assert logged.acteurs == ("mission-locale-fictive-montreuil",) and logged.equipe == "Équipe fictive A"
    refused = client.post(
        "/rencontre", data={"campagne": str(app.campaign_id), "commune": "93014", "en_recherche": "oui"}
    )
    assert refused.status_code == 400 and "ne couvre pas la commune" in refused.get_data(as_text=True)


def test_an_encounter_outside_the_campaign_s_sectors_is_refused_naming_the_field(app):
    with app.app_context():
        sectors = current_store().add_campaign("Campagne fictive d’un secteur", ["93048"], ["930480604"])
    client = app.test_client()
    inside = encounter(sectors.id, commune=None, lat=48.8606, lon=2.4403)  # IRIS 930480604
    outside = encounter(sectors.id, commune=None, lat=48.86663, lon=2.46014)  # IRIS 930480704
    elsewhere = encounter(sectors.id)
    with app.app_context():
        from geo.communes import iris_at

        assert (iris_at(2.4403, 48.8606).code, iris_at(2.46014, 48.86663).code) == ("930480604", "930480704")

    refused = post(client, outside, headers=MANAGER)
    assert refused.status_code == 400
    assert "hors des secteurs" in refused.get_json()["parametres"]["[0].lat"]
    assert post(client, elsewhere, headers=MANAGER).status_code == 400
    assert post(client, inside, headers=MANAGER).status_code == 200
    with app.app_context():
        assert [t.iris for t in current_store().tallies(sectors.id)] == ["930480604"]


@pytest.mark.parametrize("change", [{"en_recherche": "oui"}, {"commune": "93006"}, "other campaign"])
def test_an_encounter_resent_with_other_answers_is_a_conflict_and_nothing_is_recorded(app, change):
    client = app.test_client()
    first = encounter(app.campaign_id, commune="93048")
    assert post(client, first).status_code == 200
    if change == "other campaign":
        with app.app_context():
            other = current_store().add_campaign("Autre campagne fictive", COMMUNES)
        change = {"campagne": other.id}
    fresh = {**first, "id": str(uuid.uuid4())}
    answer = post(client, [fresh, {**first, **change}], headers=MANAGER)
    assert answer.status_code == 409
    assert "déjà reçue" in answer.get_json()["parametres"]["[1].id"]
    with app.app_context():
        assert len(current_store().tallies(app.campaign_id)) == 1  # the fresh one waits too: all or nothing
    assert post(client, first).get_json() == {"recues": 1, "nouvelles": 0, "deja_recues": 1}  # a true retry
    twice = post(client, [fresh, {**fresh, "en_recherche": "oui"}], headers=MANAGER)
    assert twice.status_code == 409 and "[1].id" in twice.get_json()["parametres"]


@pytest.mark.parametrize("path", ["/hors-ligne", "/hors-ligne/fiche"])
def test_the_offline_pages_the_worker_keeps_for_any_visitor_hold_no_session(app, path):
    """The worker keeps these pages for whoever uses the tablet next, offline: fetched during a
    volunteer's session, they hold neither its CSRF token nor its logout button."""
    client = app.test_client()
    sign_in_as_volunteer(client)
    assert "Se déconnecter" in client.get("/").get_data(as_text=True)  # signed in
    page = client.get(path).get_data(as_text=True)
    assert "csrf_token" not in page and "Se déconnecter" not in page


@pytest.mark.parametrize(
    "path", ["/", "/rencontre", "/carte", "/fiche?acteurs=mission-locale-fictive-montreuil"]
)
def test_a_volunteer_sees_how_to_log_out_on_the_pages_they_use(app, path):
    client = app.test_client()
    assert "Se déconnecter" not in client.get(path, follow_redirects=True).get_data(as_text=True)
    sign_in_as_volunteer(client)
    page = client.get(path).get_data(as_text=True)
    assert "Se déconnecter" in page
    token = csrf_token(page)
    assert client.post("/deconnexion", data={"csrf_token": token}).status_code == 302
    assert client.get("/rencontre").status_code == 302  # to the login page


def _table_rows(page: str, caption: str) -> dict[str, list[str]]:
    table = page.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    return {
        label: re.findall(r"<td>([^<]*)</td>", cells)
        for label, cells in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table)
    }


def test_the_page_the_chart_the_api_the_csv_and_the_printed_bilan_mask_the_same_cells(backoffice):
    """A commune of 3 beside one of 40 (the probe recovered such cells as the total less the others),
    all in one week but two encounters the week after."""
    client, app = backoffice
    encounters = [
        encounter(
            app.campaign_id,
            date="2026-11-16" if n < 41 else "2026-11-23",
            commune="93048" if n < 40 else "93006",
            en_recherche="oui",
            accompagne="non",
        )
        for n in range(43)
    ]
    assert post(client, encounters, headers=MANAGER).status_code == 200
    api = client.get(f"/api/v1/campagnes/{app.campaign_id}/bilan", headers=MANAGER).get_json()
    assert api["rencontres"] == 43  # the campaign's own figures stay exact
    communes = api["repartitions"]["commune"]
    assert communes["93006"]["rencontres"] == "< 5" and communes["93048"]["rencontres"] == "masqué"
    weeks = api["repartitions"]["semaine"]
    assert weeks["2026-W48"]["rencontres"] == "< 5" and weeks["2026-W47"]["rencontres"] == "masqué"

    page = client.get(f"/gestion/campagnes/{app.campaign_id}").get_data(as_text=True)
    shown = {
        "Bagnolet": [str(communes["93006"][name]) for name in FUNNEL],
        "Montreuil": [str(communes["93048"][name]) for name in FUNNEL],
    }
    assert {
        k: [v.replace("&lt;", "<") for v in values] for k, values in _table_rows(page, "Par commune").items()
    } == shown
    chart = page.split('aria-labelledby="semaines-titre"', 1)[1].split("</svg>")[0]
    assert 'viewBox="0 0 640 220"' in chart
    labels = re.findall(r'font-size="11">([^<]+)</text>', chart)
    assert labels == ["W47", "masqué", "W48", "&lt; 5"]  # no exact count above a masked week
    printable = client.get(f"/gestion/campagnes/{app.campaign_id}/bilan").get_data(as_text=True)
    assert {
        k: [v.replace("&lt;", "<") for v in values]
        for k, values in _table_rows(printable, "Par commune").items()
    } == shown
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/gestion/campagnes/{app.campaign_id}/bilan.csv").get_data(as_text=True))
        )
    )
    assert [r[2:] for r in rows if r[:2] == ["commune", "93006"]] == [shown["Bagnolet"]]
    assert [r[2:] for r in rows if r[:2] == ["semaine", "2026-W48"]][0][0] == "< 5"


def test_a_manager_staffs_a_campaign_from_the_command_line(app):
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=[
            "campagnes",
            "equipe",
            str(app.campaign_id),
            " Autre-Benevole-Fictif@example.org ",
            "--equipe",
            "Équipe fictive B",
        ]
    )
    assert added.exit_code == 0, added.output
    assert "autre-benevole-fictif@example.org dans la campagne" in added.output
    moved = runner.invoke(args=["campagnes", "equipe", str(app.campaign_id), "benevole-fictif@example.org"])
    assert moved.exit_code == 0, moved.output
    with app.app_context():
        assert current_store().volunteers(app.campaign_id) == {
            "autre-benevole-fictif@example.org": "Équipe fictive B",
            "benevole-fictif@example.org": None,
        }
    removed = runner.invoke(
        args=["campagnes", "equipe", str(app.campaign_id), "benevole-fictif@example.org", "--retirer"]
    )
    assert removed.exit_code == 0 and "retiré" in removed.output
    with app.app_context():
        assert "benevole-fictif@example.org" not in current_store().volunteers(app.campaign_id)


@pytest.mark.parametrize(
    "arguments, said",
    [
        (["999", "benevole-fictif@example.org"], "aucune campagne n° 999"),
        (["{id}", "inconnu-fictif@example.org"], "aucun compte inconnu-fictif@example.org"),
        (["{id}", "pas-une-adresse"], "adresse e-mail invalide"),
        (["{id}", "benevole-fictif@example.org", "--equipe", "x" * 61], "60 caractères au plus"),
        (["{id}", "autre-benevole-fictif@example.org", "--retirer"], "n’est pas dans la campagne"),
    ],
)
def test_staffing_from_the_command_line_refuses_what_the_back_office_refuses(app, arguments, said):
    arguments = [a.format(id=app.campaign_id) for a in arguments]
    result = app.test_cli_runner().invoke(args=["campagnes", "equipe", *arguments])
    assert result.exit_code == 1 and said in result.output

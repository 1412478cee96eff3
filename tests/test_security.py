"""Security and privacy promises, each from a problem found by trying the service as a user would.

The production-server side of the same promises (gunicorn, four workers) is in test_production.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import statistics
import time

import pytest

from tests.support import fictional_collection, fictional_feature, made_up_hash, write_json
from tests.web_support import csp
from webmap.auth.services import hash_password, hash_token
from webmap.auth.views import safe_next
from webmap.privacy import DropQueryStrings
from webmap.services import current_store

MANAGER, VOLUNTEER = "gestionnaire-fictif@example.org", "benevole-fictif@example.org"
PASSWORD = "mot-de-passe-fictif-123"
TOKEN = {"Authorization": "Bearer jeton-fictif"}
RESULTS = "/?adresse=13+rue+Imaginaire+93100+Montreuil&age=37&lat=48.86137&lon=2.44191"


@pytest.fixture
def app(make_app, tmp_path):
    """Made-up actors only, a manager (with a token) and a volunteer."""
    actors = write_json(tmp_path / "acteurs-fictifs.geojson", fictional_collection(fictional_feature()))
    app = make_app(ACTORS_FILE=str(actors), WTF_CSRF_ENABLED=False)
    with app.app_context():
        store = current_store()
        store.add_user(MANAGER, made_up_hash(PASSWORD), "manager")
        store.add_user(VOLUNTEER, made_up_hash(PASSWORD), "volunteer")
        store.set_token(MANAGER, hash_token("jeton-fictif"))
    return app


def login(client, email=MANAGER, password=PASSWORD, address="192.0.2.10", suivant=None):
    return client.post(
        "/connexion",
        query_string={"suivant": suivant} if suivant else None,
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


# --- 1. Nothing about the resident in logs or caches ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        RESULTS,
        "/api/v1/nearest?lat=48.86137&lon=2.44191&age=41",
        "/api/v1/geocode?q=13+rue+Imaginaire",
        "/embed/carte?lat=48.86137&lon=2.44191&liste=1",
    ],
)
def test_answers_that_carry_a_resident_position_are_never_cached_nor_referred(client, url):
    response = client.get(url)
    assert response.status_code in (200, 503)
    assert {"private", "no-store"} <= set(response.cache_control.keys())
    assert not response.cache_control.public
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "url",
    [
        "/hors-ligne?lat=48.86137&lon=2.44191&age=37&besoin=emploi",
        "/hors-ligne",
        "/hors-ligne/fiche?acteurs=acteur-fictif-de-test",
        "/fiche?acteurs=acteur-fictif-de-test&langue=en",
        "/rencontre?besoin=emploi&tranche_age=moins-de-26",
        "/embed/carte?adresse=13+rue+Imaginaire&liste=1",
        "/carte?besoin=emploi",
    ],
)
def test_every_page_that_can_carry_a_resident_s_place_or_age_sends_no_referrer(client, url):
    """The offline pages are shown at the URL of a search or a fiche (the worker serves them there)."""
    response = client.get(url)
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_public_reads_stay_cacheable(client):
    response = client.get("/api/v1/actors")
    assert response.cache_control.public and response.cache_control.max_age == 300


def test_gunicorn_access_record_loses_query_string_and_referer():
    from gunicorn.glogging import SafeAtoms

    atoms = SafeAtoms(
        {
            "h": "127.0.0.1",
            "r": f"GET {RESULTS} HTTP/1.1",
            "s": "200",
            "q": RESULTS[2:],
            "f": "http://carto.example" + RESULTS,
            "{referer}i": "http://carto.example" + RESULTS,
            "{raw_uri}e": RESULTS,
            "a": "Mozilla/5.0",
        }
    )
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(r)s" %(s)s %(q)s "%(f)s" %({referer}i)s %({raw_uri}e)s "%(a)s"',
        (atoms,),
        None,
    )
    DropQueryStrings().filter(record)
    line = record.getMessage()
    assert line == '127.0.0.1 "GET /?… HTTP/1.1" 200 - "-" - /?… "Mozilla/5.0"'


def test_outgoing_request_urls_lose_their_query_string():
    import httpx

    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        'HTTP Request: %s %s "%d"',
        ("GET", httpx.URL("https://geo.example/search?q=13+rue+Imaginaire"), 200),
        None,
    )
    DropQueryStrings().filter(record)
    assert record.getMessage() == 'HTTP Request: GET https://geo.example/search?… "200"'


# --- 2. A typed write cannot break a public page -----------------------------------------------


@pytest.mark.parametrize(
    "properties",
    [
        {"telephone": 143628424},
        {"location_score": [1]},
        {"nom": ["Acteur fictif"]},
        {"publics": "jeunes"},
        {"age_min": "16"},
        {"age_max": True},
        {"description": "x" * 1_000_000},
        {"champ_invente": "x"},
    ],
)
def test_api_refuses_a_wrong_type_and_writes_nothing(app, client, properties):
    before = client.get("/api/v1/actors/acteur-fictif-de-test")
    answer = client.patch(
        "/api/v1/actors/acteur-fictif-de-test",
        json={"properties": properties},
        headers={**TOKEN, "If-Match": before.headers["ETag"]},
    )
    assert answer.status_code == 400
    assert set(answer.get_json()["parametres"]) == set(properties)
    assert client.get("/api/v1/actors/acteur-fictif-de-test").headers["ETag"] == before.headers["ETag"]
    assert client.get("/carte").status_code == 200


def test_overlong_identifiers_are_refused(client):
    feature = fictional_feature(id="a" * 10_000)
    answer = client.post("/api/v1/actors", json=feature, headers=TOKEN)
    assert answer.status_code == 400 and "id" in answer.get_json()["parametres"]
    assert len(answer.get_data()) < 2_000  # the refused id is not echoed back whole
    assert client.get("/acteurs/" + "a" * 5_000).status_code == 404


# --- 3. No open redirect after login -----------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "/\r\nSet-Cookie:x=y",
        " //evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "gestion",
    ],
)
def test_login_never_leaves_the_site(client, target):
    response = login(client, suivant=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/gestion/"


@pytest.mark.parametrize("target", ["/gestion/a-verifier", "/gestion/?commune=93048"])
def test_login_returns_to_the_page_asked_for(client, target):
    assert login(client, suivant=target).headers["Location"] == target


@pytest.mark.parametrize(
    "email, message",
    [("gestionnaire.example.org", "adresse e-mail invalide"), ("", "indiquez votre adresse e-mail")],
)
def test_a_mistyped_e_mail_is_named_on_the_login_form(client, email, message):
    """The one e-mail rule (geo.mailbox), which ``carto users add`` applies, said under the field."""
    response = login(client, email=email)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and 'aria-invalid="true"' in page


def test_an_e_mail_typed_with_a_trailing_space_logs_in(client):
    assert login(client, email=MANAGER + " ").status_code == 302


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "/\r\n", "/ok\x7f", "x" * 3000])
def test_targets_a_browser_would_rewrite_are_refused(target):
    assert safe_next(target) is None


# --- 4. Login attempts are limited per address and per account ---------------------------------


def test_an_address_gets_ten_attempts_a_minute(client):
    statuses = [login(client, password="faux-mot-de-passe").status_code for _ in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    refused = login(client)  # even the right password waits
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Trop de tentatives" in refused.get_data(as_text=True)


def test_an_account_is_locked_after_ten_failures_from_any_address(client):
    for attempt in range(10):
        assert login(client, password="faux", address=f"198.51.100.{attempt}").status_code == 401
    assert login(client, address="203.0.113.1").status_code == 429
    assert login(client, VOLUNTEER, address="203.0.113.1").status_code == 302  # others unaffected


def test_a_success_clears_the_account_failures(client):
    for attempt in range(9):
        login(client, password="faux", address=f"198.51.100.{attempt}")
    assert login(client, address="203.0.113.2").status_code == 302
    for attempt in range(9):
        assert login(client, password="faux", address=f"198.51.100.{20 + attempt}").status_code == 401


def test_client_address_comes_from_the_proxy_only_when_configured(make_app, tmp_path):
    app = make_app(PROXY_HOPS=1, WTF_CSRF_ENABLED=False)
    with app.app_context():
        current_store().add_user(MANAGER, made_up_hash(PASSWORD), "manager")
    client = app.test_client()
    for attempt in range(10):
        client.post(
            "/connexion",
            data={"email": f"inconnu-{attempt}@example.org", "password": "x"},
            headers={"X-Forwarded-For": "198.51.100.7"},
        )
    blocked = client.post(
        "/connexion",
        data={"email": MANAGER, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    other = client.post(
        "/connexion",
        data={"email": MANAGER, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.8"},
    )
    assert blocked.status_code == 429 and other.status_code == 302


# --- 5. Timing tells nobody which e-mails have accounts -----------------------------------------


def test_unknown_and_known_accounts_take_as_long_to_refuse(app, client):
    with app.app_context():  # the service's own hash, not a made-up account's light one
        current_store().set_password(MANAGER, hash_password(PASSWORD))

    def timed(email, address):
        start = time.perf_counter()
        assert login(client, email, "faux-mot-de-passe", address=address).status_code == 401
        return time.perf_counter() - start

    login(client, "inconnu@example.org", "x", address="198.51.100.99")  # the decoy hash, made once
    known = statistics.median(timed(MANAGER, f"198.51.100.{n}") for n in range(5))
    unknown = statistics.median(timed(f"inconnu-{n}@example.org", f"198.51.100.{10 + n}") for n in range(5))
    assert unknown > 0.5 * known, (unknown, known)


# --- 6. Sessions end when the account changes --------------------------------------------------


def _logged_in(app, email=MANAGER):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _copy_of_session(app, client):
    """A second client holding the same session cookie: a stolen or forgotten device."""
    copy = app.test_client()
    cookie = client.get_cookie("session")
    copy.set_cookie("session", cookie.value)
    return copy


@pytest.mark.parametrize("second", ["/hors-ligne", "/gestion/"])
def test_pages_fetched_together_after_signing_in_keep_each_others_forms(make_app, tmp_path, second):
    """Signed in, a manager's page and its service worker's requests go out at once: the form of one
    still posts with the session cookie the other brought back (no « CSRF tokens do not match »)."""
    from tests.web_support import csrf_token

    actors = write_json(tmp_path / "acteurs-fictifs.geojson", fictional_collection(fictional_feature()))
    app = make_app(ACTORS_FILE=str(actors))
    with app.app_context():
        current_store().add_user(MANAGER, made_up_hash(PASSWORD), "manager")
    client = app.test_client()
    token = csrf_token(client.get("/connexion").text)
    signed = client.post("/connexion", data={"email": MANAGER, "password": PASSWORD, "csrf_token": token})
    assert signed.status_code == 302
    after_login = client.get_cookie("session").value

    form = csrf_token(client.get("/gestion/").text)  # the page…
    client.set_cookie("session", after_login)
    assert client.get(second).status_code == 200  # …and, at the same time, another request
    assert client.post("/deconnexion", data={"csrf_token": form}).status_code == 302


def test_logout_ends_every_session_of_the_account(app):
    client = _logged_in(app)
    saved = _copy_of_session(app, client)
    assert saved.get("/gestion/").status_code == 200
    client.post("/deconnexion")
    assert saved.get("/gestion/").status_code == 302


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app):
    client = _logged_in(app)
    saved = _copy_of_session(app, client)
    new = "nouveau-mot-de-passe-fictif"
    changed = client.post("/compte/mot-de-passe", data={"current": PASSWORD, "new": new, "confirmation": new})
    assert changed.status_code == 302
    assert client.get("/gestion/").status_code == 200
    assert saved.get("/gestion/").status_code == 302
    assert login(app.test_client(), password=new).status_code == 302


def test_a_wrong_current_password_changes_nothing(app):
    client = _logged_in(app)
    new = "nouveau-mot-de-passe-fictif"
    refused = client.post("/compte/mot-de-passe", data={"current": "faux", "new": new, "confirmation": new})
    assert refused.status_code == 400 and "mot de passe actuel incorrect" in refused.get_data(as_text=True)
    assert login(app.test_client(), password=PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "command", [["role", MANAGER, "volunteer"], ["disable", MANAGER], ["end-sessions", MANAGER]]
)
def test_account_commands_end_open_sessions(app, command):
    client = _logged_in(app)
    result = app.test_cli_runner().invoke(args=["users", *command])
    assert result.exit_code == 0, result.output
    assert client.get("/gestion/").status_code == 302


def test_a_disabled_account_cannot_log_in_nor_use_its_token(app, client):
    assert app.test_cli_runner().invoke(args=["users", "disable", MANAGER]).exit_code == 0
    assert login(client).status_code == 401
    assert (
        client.patch(
            "/api/v1/actors/acteur-fictif-de-test",
            json={"properties": {}},
            headers={**TOKEN, "If-Match": '"v1"'},
        ).status_code
        == 401
    )


def test_users_list_shows_accounts_without_their_secrets(app):
    app.test_cli_runner().invoke(args=["users", "disable", VOLUNTEER])
    output = app.test_cli_runner().invoke(args=["users", "list"]).output
    assert MANAGER in output and VOLUNTEER in output and "désactivé" in output
    assert "scrypt" not in output and hash_token("jeton-fictif") not in output


def test_a_session_from_before_the_upgrade_is_refused(app):
    """A cookie without the account's epoch (or a forged one) opens nothing."""
    client = app.test_client()
    with client.session_transaction() as saved:
        saved["email"] = MANAGER
    assert client.get("/gestion/").status_code == 302


# --- 7. Odd input is a clear 400, never a 500 --------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/?lat=48.86&lon=2.44&k=²",
        "/?lat=48.86&lon=2.44&age=①",
        "/api/v1/nearest?lat=48.86&lon=2.44&k=²",
        "/api/v1/nearest?lat=48.86&lon=2.44&age=①",
        "/api/v1/nearest?lat=١٢&lon=2.44",
        "/api/v1/nearest?lat=nan&lon=2.44",
        "/api/v1/geocode?q=rue&limit=²",
        "/embed/carte?zoom=²",
        "/api/v1/nearest?lat=48.86&lon=2.44&rayon=" + "9" * 5000,
    ],
)
def test_odd_numbers_are_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400


EDGE_POSITIONS = [
    ("-90", "2.44"),
    ("90", "2.44"),
    ("-89.9", "2.44"),
    ("48.86", "180"),
    ("48.86", "-180"),
    ("0", "0"),
    ("-0", "-0"),
    ("-0.0", "2.44"),
    ("48.86", "-0"),
    ("0.000000000000001", "0.000000000000001"),
    ("5e-324", "2.44"),
    ("1e308", "2.44"),
    ("48.86", "1e308"),
    ("43.2965", "5.3698"),
]
"""The poles, the antimeridian, ±0, subnormals, 1e308 and Marseille: far from the communes served."""


@pytest.mark.parametrize("lat, lon", EDGE_POSITIONS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nearest?lat={lat}&lon={lon}",
        "/?lat={lat}&lon={lon}",
        "/embed/carte?lat={lat}&lon={lon}&liste=1",
    ],
)
def test_a_position_far_from_the_communes_served_is_a_clear_french_400(client, path, lat, lon):
    response = client.get(path.format(lat=lat, lon=lon))
    assert response.status_code == 400
    api = path.startswith("/api/")
    text = response.get_json()["message"] if api else response.get_data(as_text=True)
    assert "hors des communes servies" in text or "doit être" in text, text[:300]
    if api:
        assert set(response.get_json()["parametres"]) <= {"lat", "lon"}


def test_a_position_across_a_border_of_the_communes_served_is_answered(client):
    """Paris 20e, a few hundred metres from Bagnolet: within reach."""
    response = client.get("/api/v1/nearest?lat=48.8640&lon=2.4040")
    assert response.status_code == 200 and response.get_json()["results"]


def test_deeply_nested_json_is_a_clear_400(client):
    body = "[" * 5_000 + "]" * 5_000
    before = client.get("/api/v1/actors/acteur-fictif-de-test").headers["ETag"]
    answer = client.patch(
        "/api/v1/actors/acteur-fictif-de-test",
        data=body,
        headers={**TOKEN, "If-Match": before, "Content-Type": "application/json"},
    )
    assert answer.status_code == 400


@pytest.mark.parametrize(
    "header, status",
    [
        ('"v' + "9" * 5_000 + '"', 400),
        ("{}", 400),
        ("v3", 400),
        ('"v0"', 412),
        ('"v999999999"', 412),
        ('W/"v999:br"', 412),
    ],
)
def test_an_if_match_that_is_no_etag_is_a_400_and_a_version_that_is_not_the_actor_s_a_412(
    client, header, status
):
    """Found by schemathesis: « {} » was a 412, as if it named a version."""
    answer = client.patch(
        "/api/v1/actors/acteur-fictif-de-test", json={"properties": {}}, headers={**TOKEN, "If-Match": header}
    )
    assert answer.status_code == status and "If-Match" in answer.get_json()["parametres"]


def test_a_line_break_in_the_return_address_is_no_error(client):
    assert client.get("/connexion?suivant=/%0D%0Ax").status_code == 200
    assert login(client, suivant="/\r\nx").headers["Location"] == "/gestion/"


def test_a_form_version_that_is_not_a_number_is_a_clear_400(app):
    client = _logged_in(app)
    edit = client.post("/gestion/acteurs/acteur-fictif-de-test", data={"version": "²", "nom": "Nom fictif"})
    assert edit.status_code == 400
    assert (
        client.post("/gestion/acteurs/acteur-fictif-de-test/verifie", data={"version": "①"}).status_code
        == 400
    )


# --- 8. Size limits ---------------------------------------------------------------------------


def test_a_ten_megabyte_body_is_refused_unread(client):
    body = json.dumps({"properties": {"description": "x" * 10_000_000}})
    answer = client.patch(
        "/api/v1/actors/acteur-fictif-de-test",
        data=body,
        headers={**TOKEN, "If-Match": '"v1"', "Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.get_json()["message"] == "Ce que vous envoyez est trop volumineux."


def test_a_long_description_is_refused_with_its_limit(client):
    answer = client.patch(
        "/api/v1/actors/acteur-fictif-de-test",
        json={"properties": {"description": "x" * 2_001}},
        headers={**TOKEN, "If-Match": '"v1"'},
    )
    assert answer.status_code == 400
    assert "2000 au plus" in answer.get_json()["parametres"]["description"]


def test_text_search_is_limited_as_documented(client):
    assert client.get("/api/v1/actors", query_string={"q": "x" * 101}).status_code == 400
    assert client.get("/api/v1/actors", query_string={"q": "x" * 100}).status_code == 200


# --- 9. The embed cache cannot be bypassed with made-up parameters -----------------------------


def test_unknown_parameters_share_the_cached_embed_page(client, monkeypatch):
    import webmap.embed.views

    renders = []
    render = webmap.embed.views._render
    monkeypatch.setattr(webmap.embed.views, "_render", lambda *a: renders.append(1) or render(*a))
    for value in range(5):
        assert client.get(f"/embed/carte?commune=93048&x={value}&utm_source=site").status_code == 200
    assert client.get("/embed/carte?utm_campaign=z&commune=93048").status_code == 200
    assert len(renders) == 1


def test_an_embed_searched_from_a_position_is_not_kept(client, monkeypatch):
    import webmap.embed.views

    renders = []
    render = webmap.embed.views._render
    monkeypatch.setattr(webmap.embed.views, "_render", lambda *a: renders.append(1) or render(*a))
    for _ in range(2):
        client.get("/embed/carte?lat=48.86137&lon=2.44191")
    assert len(renders) == 2


# --- 10. Headers, files and the rest ----------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/carte", "/embed/carte", "/acteurs/acteur-fictif-de-test", "/connexion"]
)
def test_content_security_policy_allows_only_this_page_and_the_tiles(client, url):
    response = client.get(url)
    policy = csp(response)
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["img-src"] == "'self' data: https://a.tile.openstreetmap.fr"
    inline = re.findall(r"<script>(.*?)</script>", response.get_data(as_text=True), re.S)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline}
    assert set(policy["script-src"].split()) == {"'self'", *hashes}


def test_without_tiles_no_outside_image_is_allowed(make_app):
    assert csp(make_app(TILES="none").test_client().get("/"))["img-src"] == "'self' data:"


def test_hsts_goes_with_secure_cookies(make_app):
    assert "max-age=" in make_app().test_client().get("/").headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in make_app(SECURE_COOKIES=False).test_client().get("/").headers


def test_back_office_pages_are_never_stored(app):
    client = _logged_in(app)
    for url in ("/gestion/", "/gestion/acteurs/acteur-fictif-de-test", "/compte/mot-de-passe"):
        assert client.get(url).cache_control.no_store, url


def test_instance_folder_and_store_are_the_owners_only(app, instance_path):
    assert os.stat(instance_path).st_mode & 0o777 == 0o700
    assert os.stat(instance_path / "carto.sqlite").st_mode & 0o777 == 0o600
    assert os.stat(instance_path / "secret_key").st_mode & 0o777 == 0o600


def test_an_old_import_preview_expires(app, instance_path):
    client = _logged_in(app)
    upload = client.post(
        "/gestion/import",
        data={
            "format": "geojson",
            "fichier": (
                __import__("io").BytesIO(
                    json.dumps(
                        fictional_collection(
                            fictional_feature(id="autre-acteur-fictif", nom="Autre acteur fictif")
                        )
                    ).encode()
                ),
                "fictif.geojson",
            ),
        },
    )
    token = re.search(r'name="jeton" value="([0-9a-f]+)"', upload.get_data(as_text=True)).group(1)
    preview = instance_path / "imports" / token
    two_hours_ago = time.time() - 7200
    os.utime(preview, (two_hours_ago, two_hours_ago))
    answer = client.post("/gestion/import", data={"jeton": token, "format": "geojson", "appliquer": "1"})
    assert answer.status_code == 400 and "expiré" in answer.get_data(as_text=True)
    assert not preview.exists()


def test_rate_limit_page_speaks_french(client):
    for _ in range(11):
        answer = login(client, password="faux")
    assert answer.status_code == 429
    page = answer.get_data(as_text=True)
    assert "Trop de tentatives" in page and "Too Many" not in page

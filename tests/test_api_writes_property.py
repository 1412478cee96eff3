"""Property: any write the API accepts leaves every public page, every back office page and every export
answering 200, and the data·inclusion export valid under the national schema.

Before, ``"telephone": 143628424`` was accepted and then broke the maps, the actor pages and the
static export, and ``location_score: [1]`` broke the CSV export. Here hypothesis writes plausible and
wild values, field by field, through the real API; whatever it accepts must render everywhere. Then
``"courriel": "accueil\"@evil.fr"`` was accepted and took the back office down (the quality score's
schema refused it): the validator and the schema now share one e-mail rule (``geo.mailbox``).
"""

from __future__ import annotations

import pytest
from data_inclusion.schema.v1 import Service, Structure
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from geo.actors.kinds import KINDS
from geo.actors.validation import KNOWN_PROPERTIES
from geo.actors.vocabularies import FRAIS, MODES_ACCUEIL, PUBLICS, RESEAUX_PORTEURS, STATUTS, THEMATIQUES
from tests.support import (
    examples,
    fictional_collection,
    fictional_feature,
    made_up_hash,
    migrate_instance,
    write_json,
)
from webmap.auth.services import hash_token
from webmap.services import current_store

MANAGER = "gestionnaire-fictif@example.org"
TOKEN = {"Authorization": "Bearer jeton-fictif"}
ACTOR = "/api/v1/actors/acteur-fictif-de-test"
PUBLIC_PAGES = (
    "/carte",
    "/embed/carte",
    "/embed/carte?liste=1&commune=93048",
    "/acteurs/acteur-fictif-de-test",
    "/?lat=48.8601&lon=2.4401&tous=1",
    "/api/v1/actors",
    "/api/v1/nearest?lat=48.8601&lon=2.4401&tous=1",
)
BACK_OFFICE = (
    "/gestion/",
    "/gestion/a-verifier",
    "/gestion/a-localiser",
    "/gestion/acteurs/acteur-fictif-de-test",
    "/gestion/acteurs/acteur-fictif-de-test/historique",
)
EXPORTS = ("csv", "geojson", "data-inclusion")

WILD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(100_000_000, 999_999_999),  # reads as a French phone number once made a string
    st.text(max_size=40),
    st.text(alphabet="<>&\"'\\/\u202e\x00é", max_size=20),
    st.lists(st.one_of(st.integers(), st.text(max_size=8)), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)


def _some(vocabulary) -> st.SearchStrategy:
    return st.lists(st.sampled_from(sorted(vocabulary)), max_size=3, unique=True)


PLAUSIBLE = {
    "nom": TEXT.filter(lambda t: len(t.strip()) >= 3),
    "description": TEXT,
    "adresse": TEXT,
    "complement_adresse": TEXT,
    "kind": st.sampled_from(sorted(KINDS)),
    "statut": st.sampled_from(sorted(STATUTS)),
    "frais": st.sampled_from([None, *sorted(FRAIS)]),
    "thematiques": _some(THEMATIQUES),
    "publics": _some(PUBLICS),
    "reseaux_porteurs": _some(RESEAUX_PORTEURS),
    "modes_accueil": _some(MODES_ACCUEIL),
    "zone_eligibilite": st.lists(st.sampled_from(["93048", "93", "france", "200057875"]), max_size=2),
    "age_min": st.none() | st.integers(0, 30),
    "age_max": st.none() | st.integers(30, 120),
    "horaires_accueil": st.sampled_from(["", "Mo-Fr 09:00-12:00; PH off", "24/7", "Tu 14:00-17:00"]),
    "telephone": st.sampled_from(["", "01 48 70 00 00", "+33148700000"]),
    "courriel": st.sampled_from(
        [
            "",
            "contact@exemple-fictif.fr",
            "Accueil@Exemple-Fictif.FR",
            'accueil"@evil.fr',
            "accueil<x>@evil.fr",
            'contact"x@evil.fr',
            "contact@exemple-fictif.test",
            " contact@exemple-fictif.fr",
            "contact@[192.0.2.1]",
            "contact@exemple-fictif",
            "contact..a@exemple-fictif.fr",
            "Accueil <contact@exemple-fictif.fr>",
            "accueil@exémple-fictif.fr",
        ]
    )
    | st.from_regex(r"(contact|accueil)[a-z\"<>.+-]{0,4}@[a-z\"<>.-]{1,8}\.(fr|org)", fullmatch=True),
    "site_web": st.sampled_from(["", "https://exemple-fictif.fr/<b>", "http://exemple-fictif.fr"]),
    "source": TEXT.filter(str.strip),
    "date_source": st.sampled_from(["2019", "2020-07", "2024-02-29", "1999", "2000"]),
    "frequence_verification": st.none() | st.integers(1, 60),
    "location_score": st.none() | st.floats(0, 1),
}
FIELDS = [*sorted(PLAUSIBLE) * 3, *sorted(KNOWN_PROPERTIES | {"champ_invente"})]


@st.composite
def changes(draw) -> dict:
    names = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True))
    return {
        name: draw(st.one_of(*[PLAUSIBLE[name]] * 4, WILD) if name in PLAUSIBLE else WILD) for name in names
    }


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from webmap import create_app

    folder = tmp_path_factory.mktemp("ecritures")
    actors = write_json(folder / "acteurs-fictifs.geojson", fictional_collection(fictional_feature()))
    migrate_instance(folder / "instance")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "ACTORS_FILE": str(actors),
            "WTF_CSRF_ENABLED": False,
            "GEOCODERS": ("local",),
        }
    )
    with app.app_context():
        current_store().add_user(MANAGER, made_up_hash("mot-de-passe-fictif-123"), "manager")
        current_store().set_token(MANAGER, hash_token("jeton-fictif"))
    manager = app.test_client()
    manager.post("/connexion", data={"email": MANAGER, "password": "mot-de-passe-fictif-123"})
    return app, manager, folder


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    properties=changes(),
    moved=st.one_of(st.none(), st.none(), st.just({"type": "Point", "coordinates": [2.4405, 48.8605]}), WILD),
)
def test_any_accepted_write_leaves_every_page_and_export_answering(service, properties, moved):
    app, manager, folder = service
    client = app.test_client()
    body = {"properties": properties, **({"geometry": moved} if moved is not None else {})}
    version = client.get(ACTOR).headers["ETag"]
    answer = client.patch(ACTOR, json=body, headers={**TOKEN, "If-Match": version})
    assert answer.status_code in (200, 400), answer.get_data(as_text=True)
    event("accepted" if answer.status_code == 200 else "refused")
    if answer.status_code == 400:
        assert client.get(ACTOR).headers["ETag"] == version  # refused: nothing written
        return
    for url in PUBLIC_PAGES:
        assert client.get(url).status_code == 200, (url, properties)
    for url in BACK_OFFICE:
        assert manager.get(url).status_code == 200, (url, properties)
    for kind in EXPORTS:
        assert manager.get(f"/gestion/export?format={kind}").status_code == 200, (kind, properties)
    national = manager.get("/gestion/export?format=data-inclusion").get_json()
    Structure.model_validate(national["structures"][0])
    Service.model_validate(national["services"][0])
    exported = app.test_cli_runner().invoke(args=["export-html", str(folder / "volunteer/carte.html")])
    assert exported.exit_code == 0, exported.output


@pytest.mark.parametrize(
    "changed",
    [
        {"courriel": 'accueil"@evil.fr'},
        {"courriel": "accueil<x>@evil.fr"},
        {"courriel": 'contact"x@evil.fr'},
        {"description": "abc"},
        {"publics": ["tous-publics", "jeunes"]},
        {"date_source": "1999"},
        {"date_verification": "1999-12-31"},
    ],
)
def test_a_value_the_national_schema_refuses_is_refused_and_the_back_office_stays_up(service, changed):
    """Found by a probe: each was accepted, then every back office page answered 500 (the quality score
    reads the record through data·inclusion's schema)."""
    app, manager, _ = service
    client = app.test_client()
    version = client.get(ACTOR).headers["ETag"]
    answer = client.patch(ACTOR, json={"properties": changed}, headers={**TOKEN, "If-Match": version})
    assert answer.status_code == 400 and set(answer.get_json()["parametres"]) == set(changed)
    for url in BACK_OFFICE:
        assert manager.get(url).status_code == 200, url


def test_a_generic_mailbox_the_validator_accepts_reaches_the_national_export(service):
    app, manager, _ = service
    client = app.test_client()
    version = client.get(ACTOR).headers["ETag"]
    answer = client.patch(
        ACTOR,
        json={"properties": {"courriel": "Accueil@Exemple-Fictif.fr"}},
        headers={**TOKEN, "If-Match": version},
    )
    assert answer.status_code == 200
    [service_record] = manager.get("/gestion/export?format=data-inclusion").get_json()["services"]
    assert Service.model_validate(service_record).courriel == "Accueil@exemple-fictif.fr"
    for url in BACK_OFFICE:
        assert manager.get(url).status_code == 200, url

"""A stand-in for data·inclusion's API (v1), on loopback, for tests only — over a made-up world.

Every structure and service below is invented (names, addresses, phones from the 01 99 00 range kept
for fiction, points around the test dataset's), built and validated with the schema package's own
models (``data_inclusion.schema.v1``), then given what the API adds (``score_qualite``, the known
``doublons``). The endpoints answer as the API's code does (``gip-inclusion/data-inclusion``,
``api/src/data_inclusion/api/inclusion_data/v1``):

- ``/structures``: by the structure's ``code_commune``, ``exclure_doublons``, each with the
  ``(source, id)`` of its duplicates;
- ``/services``: by the *service's* own ``code_commune``, ``score_qualite_minimum``;
- ``/structures/{id}``: one structure, its services wherever they are received and its duplicates;
- ``/search/services``: around ``lat``/``lon`` (or the commune), 50 km, ``distance`` in whole km,
  nearest first, services received only at a distance last, ``exclure_doublons``;
- pages of ``{items, total, page, size, pages}``, a bearer token, 401 without it, 422 on a bad page
  size or an unknown commune, 404 on an unknown structure.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from werkzeug.wrappers import Request, Response

TOKEN = "jeton-data-inclusion-fictif"
MAX_PAGE_SIZE = 10_000
UPDATED = dt.date(2026, 10, 1)
KNOWN_COMMUNES = {
    "93048": (2.4417, 48.8620),
    "93006": (2.4227, 48.8690),
    "93014": (2.5490, 48.9100),
    "93031": (2.3090, 48.9550),
    "93079": (2.3460, 48.9590),
    "75120": (2.4010, 48.8630),
}
"""The communes the fake knows, with a centre for searches by commune (made-up round points)."""


def made_up_world() -> dict[str, Any]:
    """Structures and services, valid under ``data_inclusion.schema.v1``, with the API's additions."""
    from data_inclusion.schema import v1

    def structure(score: float, twins: tuple[tuple[str, str], ...] = (), **values) -> dict[str, Any]:
        record = v1.Structure(date_maj=values.pop("date_maj", UPDATED), **values)
        dumped = record.model_dump(mode="json", exclude_none=True)
        return {**dumped, "score_qualite": score, "doublons": [{"source": s, "id": i} for s, i in twins]}

    def service(score: float, **values) -> dict[str, Any]:
        record = v1.Service(date_maj=values.pop("date_maj", UPDATED), **values)
        return {**record.model_dump(mode="json", exclude_none=True), "score_qualite": score}

    emploi = ["trouver-un-emploi--repondre-a-des-offres-demploi"]
    structures = [
        structure(  # the verified actor of the test dataset: its phone differs here
            0.7,
            source="dora",
            id="dora--fictif-insertion-montreuil",
            nom="Insertion fictive de Montreuil",
            adresse="31 rue des Tests Fictifs",
            code_postal="93100",
            code_insee="93048",
            commune="Montreuil",
            longitude=2.4381,
            latitude=48.8571,
            telephone="+33199000199",
            reseaux_porteurs=["aci", "ei"],
        ),
        structure(  # the unverified one, known by its SIRET
            0.6,
            source="emplois-de-linclusion",
            id="emplois-de-linclusion--fictif-chantier",
            nom="Chantier fictif de Montreuil",
            siret="00000000000093",
            code_insee="93048",
            commune="Montreuil",
            code_postal="93100",
            adresse="2 place Imaginaire",
            longitude=2.4461,
            latitude=48.8611,
            telephone="+33199000150",
            reseaux_porteurs=["ai"],
        ),
        structure(  # a new one, with a service at home (hours), one elsewhere, one without a commune
            0.8,
            source="dora",
            id="dora--fictif-atelier-bagnolet",
            nom="Atelier fictif de Bagnolet",
            adresse="2 rue Imaginaire",
            code_postal="93170",
            code_insee="93006",
            commune="Bagnolet",
            longitude=2.4260,
            latitude=48.8705,
            telephone="+33199000160",
            horaires_accueil="Mo-Fr 09:00-17:00",
            reseaux_porteurs=["aci"],
        ),
        structure(  # one actor published by two sources
            0.5,
            (("emplois-de-linclusion", "emplois-de-linclusion--fictif-espace-emploi"),),
            source="dora",
            id="dora--fictif-espace-emploi",
            nom="Espace emploi fictif de Villetaneuse",
            adresse="9 avenue des Essais",
            code_postal="93430",
            code_insee="93079",
            commune="Villetaneuse",
            longitude=2.3500,
            latitude=48.9600,
            telephone="+33199000170",
            date_maj=dt.date(2025, 6, 2),
        ),
        structure(
            0.8,
            (("dora", "dora--fictif-espace-emploi"),),
            source="emplois-de-linclusion",
            id="emplois-de-linclusion--fictif-espace-emploi",
            nom="Espace emploi fictif de Villetaneuse",
            adresse="9 avenue des Essais",
            code_postal="93430",
            code_insee="93079",
            commune="Villetaneuse",
            longitude=2.3501,
            latitude=48.9601,
            site_web="https://www.example.org/espace-emploi-fictif",
            horaires_accueil="Mo-Th 09:00-12:30; PH off",
        ),
        structure(  # in Paris, with a service received in Bagnolet
            0.6,
            source="dora",
            id="dora--fictif-association-paris",
            nom="Association fictive de Paris",
            adresse="40 rue des Exemples",
            code_postal="75020",
            code_insee="75120",
            commune="Paris 20e Arrondissement",
            longitude=2.4010,
            latitude=48.8630,
        ),
    ]
    services = [
        service(
            0.9,
            source="dora",
            id="dora--fictif-atelier-accompagnement",
            structure_id="dora--fictif-atelier-bagnolet",
            nom="Accompagnement fictif vers l’emploi",
            description="Accompagnement fictif vers l’emploi, à l’atelier.",
            thematiques=emploi,
            publics=["tous-publics"],
            modes_accueil=["en-presentiel"],
            modes_mobilisation=["se-presenter"],
            mobilisable_par=["usagers"],
            frais="gratuit",
            horaires_accueil="Mo,Th 09:00-12:00; PH off",
            adresse="2 rue Imaginaire",
            code_postal="93170",
            code_insee="93006",
            commune="Bagnolet",
            longitude=2.4260,
            latitude=48.8705,
        ),
        service(
            0.7,
            source="dora",
            id="dora--fictif-atelier-permanence-montreuil",
            structure_id="dora--fictif-atelier-bagnolet",
            nom="Permanence fictive à Montreuil",
            description="Permanence fictive de l’atelier, dans une salle de quartier.",
            thematiques=emploi,
            publics=["jeunes"],
            modes_accueil=["en-presentiel"],
            modes_mobilisation=["telephoner", "utiliser-lien-mobilisation"],
            mobilisable_par=["usagers", "professionnels"],
            lien_mobilisation="https://www.example.org/candidature-fictive",
            telephone="+33199000177",
            frais="gratuit",
            horaires_accueil="We 14:00-17:00",
            adresse="12 rue des Essais Fictifs",
            code_postal="93100",
            code_insee="93048",
            commune="Montreuil",
            longitude=2.4350,
            latitude=48.8630,
        ),
        service(  # no place of its own, no commune code: received at the atelier
            0.2,
            source="dora",
            id="dora--fictif-atelier-numerique",
            structure_id="dora--fictif-atelier-bagnolet",
            nom="Aide fictive aux démarches en ligne",
            description="Aide fictive pour les démarches en ligne.",
            thematiques=["numerique--acceder-a-des-services-en-ligne"],
            modes_accueil=["en-presentiel"],
        ),
        service(
            0.5,
            source="dora",
            id="dora--fictif-espace-emploi-accueil",
            structure_id="dora--fictif-espace-emploi",
            nom="Accueil emploi fictif",
            description="Accueil fictif des personnes qui cherchent un emploi.",
            thematiques=emploi,
            modes_mobilisation=["se-presenter"],
            code_insee="93079",
        ),
        service(
            0.8,
            source="emplois-de-linclusion",
            id="emplois-de-linclusion--fictif-espace-emploi-accueil",
            structure_id="emplois-de-linclusion--fictif-espace-emploi",
            nom="Accueil emploi fictif",
            description="Accueil fictif des personnes qui cherchent un emploi.",
            thematiques=emploi,
            modes_mobilisation=["se-presenter"],
            mobilisable_par=["usagers"],
            code_insee="93079",
        ),
        service(
            0.6,
            source="dora",
            id="dora--fictif-paris-permanence-bagnolet",
            structure_id="dora--fictif-association-paris",
            nom="Permanence fictive à Bagnolet",
            description="Permanence fictive d’une association parisienne.",
            thematiques=emploi,
            modes_accueil=["en-presentiel"],
            horaires_accueil="Fr 09:00-12:00",
            adresse="8 rue des Exemples",
            code_postal="93170",
            code_insee="93006",
            commune="Bagnolet",
            longitude=2.4180,
            latitude=48.8720,
        ),
    ]
    return {"structures": structures, "services": services}


class FakeDataInclusion:
    """The fake API over ``world``; ``asked`` keeps each request's path and query."""

    def __init__(self, world: dict[str, Any] | None = None, token: str = TOKEN):
        self.world = world or made_up_world()
        self.token = token
        self.asked: list[tuple[str, dict[str, list[str]]]] = []

    def serve(self, httpserver) -> str:
        """Route every ``/api/v1/…`` request of ``httpserver`` here; the base URL."""
        httpserver.expect_request(re.compile(r"^/api/v1/.*")).respond_with_handler(self.handle)
        return httpserver.url_for("/api/v1")

    def handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _json({"detail": "Not authenticated"}, 401)
        path = request.path.removeprefix("/api/v1/")
        args = {key: request.args.getlist(key) for key in request.args}
        self.asked.append((path, args))
        try:
            size = int(request.args.get("size", 500))
            page = int(request.args.get("page", 1))
        except ValueError:
            return _json({"detail": "size, page: integer expected"}, 422)
        if not 1 <= size <= MAX_PAGE_SIZE or page < 1:
            return _json({"detail": "size or page out of range"}, 422)
        if path == "structures":
            return _page(self._structures(request.args), page, size)
        if path == "services":
            return _page(self._services(request.args), page, size)
        if path == "search/services":
            commune = request.args.get("code_commune")
            if commune is not None and commune not in KNOWN_COMMUNES:
                return _json({"detail": "This `code_commune` does not exist."}, 422)
            return _page(self._search(request.args), page, size)
        if path.startswith("structures/"):
            found = self._detail(path.removeprefix("structures/"))
            return _json(found) if found else _json({"detail": "Not Found"}, 404)
        return _json({"detail": "Not Found"}, 404)

    def _structures(self, args) -> list[dict[str, Any]]:
        found = [
            s for s in self.world["structures"] if args.get("code_commune") in (None, s.get("code_insee"))
        ]
        if args.get("exclure_doublons") == "true":
            found = [s for s in found if self._is_best(s)]
        return found

    def _services(self, args) -> list[dict[str, Any]]:
        minimum = float(args.get("score_qualite_minimum", 0))
        return [
            s
            for s in self.world["services"]
            if args.get("code_commune") in (None, s.get("code_insee")) and s["score_qualite"] >= minimum
        ]

    def _detail(self, structure_id: str) -> dict[str, Any] | None:
        structure = next((s for s in self.world["structures"] if s["id"] == structure_id), None)
        if structure is None:
            return None
        twins = {(t["source"], t["id"]) for t in structure["doublons"]}
        return {
            **structure,
            "doublons": [
                {k: v for k, v in s.items() if k not in ("doublons", "score_qualite")}
                for s in self.world["structures"]
                if (s["source"], s["id"]) in twins
            ],
            "services": [s for s in self.world["services"] if s["structure_id"] == structure_id],
        }

    def _search(self, args) -> list[dict[str, Any]]:
        commune = args.get("code_commune")
        if args.get("lat") is not None and args.get("lon") is not None:
            centre = (float(args["lon"]), float(args["lat"]))
        else:
            centre = KNOWN_COMMUNES.get(commune) if commune else None
        minimum = float(args.get("score_qualite_minimum", 0))
        results = []
        for service in self.world["services"]:
            structure = next(s for s in self.world["structures"] if s["id"] == service["structure_id"])
            if service["score_qualite"] < minimum:
                continue
            if args.get("exclure_doublons") == "true" and not self._is_best(structure):
                continue
            distance = None
            if centre is not None:
                if service.get("longitude") is None:
                    continue  # the API's 50 km filter needs the service's own point
                km = _km(centre, (service["longitude"], service["latitude"]))
                if km > 50:
                    continue
                in_person = "en-presentiel" in (service.get("modes_accueil") or [])
                distance = int(km) if in_person else None
            nested = {k: v for k, v in structure.items() if k != "doublons"}
            results.append({"service": {**service, "structure": nested}, "distance": distance})
        return sorted(results, key=lambda r: (r["distance"] is None, r["distance"] or 0))

    def _is_best(self, structure: dict[str, Any]) -> bool:
        twins = {(t["source"], t["id"]) for t in structure["doublons"]}
        scores = [s["score_qualite"] for s in self.world["structures"] if (s["source"], s["id"]) in twins]
        return all(structure["score_qualite"] >= score for score in scores)


def _page(items: list[dict[str, Any]], page: int, size: int) -> Response:
    shown = items[(page - 1) * size : page * size]
    return _json(
        {
            "items": shown,
            "total": len(items),
            "page": page,
            "size": len(shown),
            "pages": math.ceil(len(items) / size),
        }
    )


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from geo.projection import metres_between

    return metres_between(a, b) / 1000


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, content_type="application/json")

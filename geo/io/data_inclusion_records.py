"""data·inclusion's structures and services as our actors, each value with the record it came from.

An actor is a place where a resident is received. So a structure and the services it offers at its own
place become one actor; a service received elsewhere, or at other hours than the structure's other
services, becomes an actor of its own (« Structure — Service »), at its own place with its own hours
and ways in. Structures the API marks as duplicates of each other (``doublons``: one actor published
by two sources) are one cluster: the record with the best ``score_qualite`` (then the most recent)
gives each value, the others fill what it lacks, and every source is named. Each field of each actor
keeps the record behind it (``Proposal.provenance``) so that the preview can say, field by field,
what would change and who says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from geo.actors.kinds import KINDS
from geo.actors.model import FIELDS, FIELDS_BY_NAME
from geo.actors.validation import validate_feature
from geo.io.interchange import GENERATED_DESCRIPTION
from geo.projection import metres_between
from geo.search.filters import TOUS_PUBLICS
from geo.text import fold, slugify

SAME_PLACE_WITHIN_M = 150.0
"""A service whose point is this close to its structure's is received at the structure."""
_PLACE = ("adresse", "complement_adresse", "code_postal", "code_insee", "commune", "longitude", "latitude")
_STRUCTURE_TEXTS = ("nom", "siret", "telephone", "courriel", "site_web", "horaires_accueil", "description")
_SERVICE_LISTS = tuple(f.name for f in FIELDS if f.kind == "list" and f.data_inclusion == f"Service.{f.name}")
"""The lists a service states of itself (its thématiques, publics, ways in…): an actor has their union."""
_NAME_LIMIT = 150


@dataclass(frozen=True)
class Proposal:
    """One actor as data·inclusion describes it, before it meets the actors we hold."""

    feature: dict[str, Any]
    """The actor's GeoJSON Feature (its kind guessed from its networks; statut ``a_verifier``)."""
    provenance: dict[str, str]
    """Field → the record that states it (« dora · service dora--12, 2026-10-01 »)."""
    aliases: tuple[str, ...] = ()
    """Other actor ids it may be held under: the ids of its structure's duplicates."""
    siret: str = ""
    problems: tuple[str, ...] = ()
    """What the validator still refuses: the actor cannot be imported as it is."""


@dataclass
class Proposals:
    proposals: list[Proposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What was left out and why, in a manager's words."""


def proposals_of(document: Mapping[str, Any]) -> Proposals:
    """Every actor the structures and services of ``document`` describe (``{structures, services}``,
    as the API or an export gives them), each checked by the validator: a value it refuses (a
    personal e-mail, a malformed phone) is left out and said in ``notes``, never blocking the rest."""
    result = Proposals()
    structures = [s for s in document.get("structures") or [] if isinstance(s, dict)]
    services_of: dict[tuple[str, str], list[dict[str, Any]]] = {}
    known = {_key(s) for s in structures}
    for service in document.get("services") or []:
        if not isinstance(service, dict):
            continue
        owner = (str(service.get("source") or ""), str(service.get("structure_id") or ""))
        if owner not in known:
            result.notes.append(
                f"Service « {service.get('nom')} » ({service.get('id')}) : sa structure "
                f"{owner[1]} n’a pas été lue, service non repris."
            )
            continue
        services_of.setdefault(owner, []).append(service)
    for cluster in _clusters(structures):
        result.proposals.extend(
            _checked(p, result.notes) for p in _cluster_proposals(cluster, services_of, result.notes)
        )
    return result


def kind_of_networks(networks: Iterable[str]) -> str:
    """The kind whose networks are exactly the record's (an ACI, a mission locale…); else the
    general « association d’accompagnement vers l’emploi », for a manager to refine."""
    wanted = tuple(sorted(networks))
    matching = (
        kind.slug for kind in KINDS.values() if wanted and tuple(sorted(kind.reseaux_porteurs)) == wanted
    )
    return next(matching, "association_accompagnement_emploi")


def _checked(proposal: Proposal, notes: list[str]) -> Proposal:
    """The proposal without the optional values the validator refuses (each said in ``notes``)."""
    props = proposal.feature["properties"]
    for problem in validate_feature(proposal.feature):
        declared = FIELDS_BY_NAME.get(problem.field)
        if declared is None or declared.required or problem.field not in props:
            continue
        notes.append(f"{props['nom']} : {problem.field} non repris ({problem.message}).")
        props[problem.field] = [] if declared.kind == "list" else (None if declared.nullable else "")
        proposal.provenance.pop(problem.field, None)
    left = tuple(f"{p.field} : {p.message}" for p in validate_feature(proposal.feature))
    return Proposal(proposal.feature, proposal.provenance, proposal.aliases, proposal.siret, left)


def _key(record: Mapping[str, Any]) -> tuple[str, str]:
    return str(record.get("source") or ""), str(record.get("id") or "")


def _clusters(structures: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The structures grouped by the API's duplicate markers, best record first in each group."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(key: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for structure in structures:
        for twin in structure.get("doublons") or []:
            if isinstance(twin, dict):
                parent[root(_key(twin))] = root(_key(structure))
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for structure in structures:
        groups.setdefault(root(_key(structure)), []).append(structure)
    return [sorted(group, key=_quality, reverse=True) for group in groups.values()]


def _quality(record: Mapping[str, Any]) -> tuple[float, str, int, str]:
    filled = sum(1 for value in record.values() if value not in (None, "", [], {}))
    return float(record.get("score_qualite") or 0), str(record.get("date_maj") or ""), filled, _key(record)[1]


def _cluster_proposals(
    cluster: list[dict[str, Any]],
    services_of: Mapping[tuple[str, str], list[dict[str, Any]]],
    notes: list[str],
) -> list[Proposal]:
    structure, provenance = _merged(cluster)
    services = [s for member in cluster for s in services_of.get(_key(member), [])]
    at_home, elsewhere = _split_by_place(structure, services)
    main, others = _by_hours(structure, at_home)
    aliases = tuple(
        dict.fromkeys(
            slugify(key[1])[:80]
            for member in cluster
            for key in (_key(member), *(_key(t) for t in member.get("doublons") or [] if isinstance(t, dict)))
        )
    )
    kind = kind_of_networks(structure.get("reseaux_porteurs") or [])
    found = []
    if main or not services:
        found.append(
            _proposal(structure, provenance, main, kind, slugify(_key(cluster[0])[1])[:80], aliases, notes)
        )
    else:
        notes.append(
            f"Structure « {structure.get('nom')} » : aucun service reçu à son adresse ; chacun de ses "
            "services devient un acteur à sa propre adresse."
        )
    for group in [*others, *_groups(elsewhere)]:
        found.append(
            _proposal(
                _at_service_place(structure, group[0]),
                {**provenance, **_place_provenance(group[0])},
                group,
                kind,
                slugify(_key(group[0])[1])[:80],
                (),
                notes,
                named=True,
            )
        )
    return found


def _by_hours(
    structure: Mapping[str, Any], services: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """Services received at the structure, grouped by their hours (a service without its own follows
    the structure's, as the schema says): the group open when the structure is — else the largest —
    is the structure's actor; each other timetable is an actor of its own at the same place."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for service in services:
        groups.setdefault(
            service.get("horaires_accueil") or structure.get("horaires_accueil") or "", []
        ).append(service)
    if not groups:
        return [], []
    own = structure.get("horaires_accueil") or ""
    main = own if own in groups else max(groups, key=lambda hours: len(groups[hours]))
    return groups.pop(main), list(groups.values())


def _merged(cluster: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The cluster as one structure: each value from the best record that has it; the place from one
    record, whole. Field → who says it."""
    merged: dict[str, Any] = {"source": cluster[0].get("source"), "id": cluster[0].get("id")}
    provenance: dict[str, str] = {}
    for name in _STRUCTURE_TEXTS:
        for record in cluster:
            if record.get(name):
                merged[name], provenance[name] = record[name], _label(record, "structure")
                break
    placed = next((r for r in cluster if r.get("longitude") is not None), None) or next(
        (r for r in cluster if r.get("adresse")), cluster[0]
    )
    for name in _PLACE:
        merged[name] = placed.get(name)
    provenance.update(_place_provenance(placed, "structure"))
    merged["reseaux_porteurs"] = _union(cluster, "reseaux_porteurs")
    merged["sources"] = sorted({str(r.get("source")) for r in cluster})
    merged["date_maj"] = max(str(r.get("date_maj") or "") for r in cluster)
    provenance["source"] = "; ".join(_label(r, "structure") for r in cluster)
    if merged["reseaux_porteurs"]:
        provenance["reseaux_porteurs"] = "; ".join(
            _label(r, "structure") for r in cluster if r.get("reseaux_porteurs")
        )
    return merged, provenance


def _split_by_place(
    structure: Mapping[str, Any], services: Iterable[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    at_home: list[dict[str, Any]] = []
    elsewhere: list[dict[str, Any]] = []
    for service in services:
        (at_home if _same_place(structure, service) else elsewhere).append(service)
    return at_home, elsewhere


def _same_place(structure: Mapping[str, Any], service: Mapping[str, Any]) -> bool:
    if service.get("longitude") is None and not service.get("adresse"):
        return True  # the schema: a service without a place of its own is received at its structure
    if service.get("longitude") is not None and structure.get("longitude") is not None:
        return (
            metres_between(
                (service["longitude"], service["latitude"]), (structure["longitude"], structure["latitude"])
            )
            <= SAME_PLACE_WITHIN_M
        )
    return fold(str(service.get("adresse") or "")) == fold(str(structure.get("adresse") or "")) and (
        service.get("code_insee") in (None, structure.get("code_insee"))
    )


def _groups(services: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Services at one place with one timetable, together."""
    groups: list[list[dict[str, Any]]] = []
    for service in services:
        for group in groups:
            if _same_place(group[0], service) and group[0].get("horaires_accueil") == service.get(
                "horaires_accueil"
            ):
                group.append(service)
                break
        else:
            groups.append([service])
    return groups


def _at_service_place(structure: Mapping[str, Any], service: Mapping[str, Any]) -> dict[str, Any]:
    moved = dict(structure)
    if service.get("longitude") is not None or service.get("adresse"):
        for name in _PLACE:
            moved[name] = service.get(name)
    return moved


def _place_provenance(record: Mapping[str, Any], what: str = "service") -> dict[str, str]:
    label = _label(record, what)
    names = ["adresse", "complement_adresse", "code_postal", "code_insee", "commune", "location"]
    present = {"location": record.get("longitude") is not None}
    return {name: label for name in names if present.get(name, bool(record.get(name)))}


def _proposal(
    structure: Mapping[str, Any],
    provenance: Mapping[str, str],
    services: list[dict[str, Any]],
    kind: str,
    actor_id: str,
    aliases: tuple[str, ...],
    notes: list[str],
    *,
    named: bool = False,
) -> Proposal:
    said = dict(provenance)
    props: dict[str, Any] = {
        "nom": _name(structure, services) if named else structure.get("nom") or "",
        "kind": kind,
        "statut": "a_verifier",
        "siret": "" if named else structure.get("siret") or "",  # the structure's establishment
        "reseaux_porteurs": structure.get("reseaux_porteurs") or [],
        **{name: structure.get(name) or "" for name in _PLACE[:5]},
    }
    if named:
        said["nom"] = "; ".join([said["nom"], *(_label(s, "service") for s in services)])
    for name in ("description", "telephone", "courriel", "horaires_accueil"):
        props[name], who = _service_value(services, name, structure, said, prefer_service=named)
        if who:
            said[name] = who
    props["site_web"] = structure.get("site_web") or ""
    for name in _SERVICE_LISTS:
        props[name] = _union(services, name)
        if props[name]:
            said[name] = "; ".join(_label(s, "service") for s in services if s.get(name))
    if TOUS_PUBLICS in props["publics"]:
        props["publics"] = []
    props["frais"], said_frais = _agreed(services, "frais")
    if said_frais:
        said["frais"] = said_frais
    elif any(s.get("frais") for s in services):
        notes.append(f"{props['nom']} : ses services n’ont pas les mêmes frais, frais laissés vides.")
    props["lien_mobilisation"], said_link = _agreed(services, "lien_mobilisation")
    props["lien_mobilisation"] = props["lien_mobilisation"] or ""
    if said_link:
        said["lien_mobilisation"] = said_link
    sources = sorted({*structure["sources"], *(str(s.get("source")) for s in services)})
    props["source"] = f"data·inclusion ({', '.join(sources)})"
    props["date_source"] = max(str(r.get("date_maj") or "")[:10] for r in [structure, *services])
    said["source"] = said["date_source"] = "; ".join(
        [provenance["source"], *(_label(s, "service") for s in services)]
    )
    geometry = None
    if structure.get("longitude") is not None and structure.get("latitude") is not None:
        geometry = {"type": "Point", "coordinates": [structure["longitude"], structure["latitude"]]}
        props["location_source"] = "source"
        props["location_reference"] = said.get("location", props["source"])
    for name in [n for n, value in said.items() if n not in props and n != "location"]:
        del said[name]
    feature = {"type": "Feature", "id": actor_id, "geometry": geometry, "properties": props}
    return Proposal(feature, said, aliases, props["siret"])


def _name(structure: Mapping[str, Any], services: Sequence[Mapping[str, Any]]) -> str:
    names = list(dict.fromkeys(str(s.get("nom")) for s in services))
    joined = ", ".join(names)
    if len(names) > 1 and len(joined) > 60:
        joined = f"{names[0]} et {len(names) - 1} autre(s)"
    full = f"{structure.get('nom')} — {joined}"
    return full if len(full) <= _NAME_LIMIT else full[: _NAME_LIMIT - 1] + "…"


def _service_value(
    services: Sequence[Mapping[str, Any]],
    name: str,
    structure: Mapping[str, Any],
    said: Mapping[str, str],
    *,
    prefer_service: bool,
) -> tuple[str, str]:
    """A text of the actor: the services' one value when they agree (first, for an actor that is a
    service; after the structure's otherwise), else the structure's."""
    value, who = _agreed(services, name)
    if name == "description" and str(value or "").endswith(GENERATED_DESCRIPTION):
        value, who = None, ""  # our own export's words, not a source's
    ours = structure.get(name) or ""
    if value and (prefer_service or not ours or name == "horaires_accueil"):
        return value, who
    return ours, said.get(name, "") if ours else ""


def _agreed(services: Sequence[Mapping[str, Any]], name: str) -> tuple[Any, str]:
    """The one value the services give for ``name`` (None when none or when they differ), and who."""
    values = {s.get(name) for s in services if s.get(name)}
    if len(values) != 1:
        return None, ""
    (value,) = values
    return value, "; ".join(_label(s, "service") for s in services if s.get(name) == value)


def _union(records: Iterable[Mapping[str, Any]], name: str) -> list[str]:
    """Every value the records give, once, in its vocabulary's order (the schema's lists are sets:
    the API gives them in any order, and an import run twice must write the same)."""
    values = list(dict.fromkeys(v for r in records for v in (r.get(name) or [])))
    declared = FIELDS_BY_NAME.get(name)
    if declared is None or declared.vocabulary is None:
        return values
    order = {slug: position for position, slug in enumerate(declared.vocabulary)}
    return sorted(values, key=lambda value: (order.get(value, len(order)), value))


def _label(record: Mapping[str, Any], what: str) -> str:
    date = str(record.get("date_maj") or "")[:10]
    return f"{record.get('source')} · {what} {record.get('id')}" + (f", {date}" if date else "")

"""Kinds of actors and the one documented mapping from a kind to its data·inclusion attributes.

An actor's ``thematiques``, ``publics`` and ``reseaux_porteurs`` start from its kind, never from
per-actor guesswork: what a mission locale does is the same in Montreuil and in Épinay. Managers refine
a given actor later, in the back office, from what the actor itself states. The mapping is documented in
``docs/data-model.md``; change both together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypedDict


@dataclass(frozen=True)
class Kind:
    """A kind of actor, with the attributes every actor of that kind shares."""

    slug: str
    label: str
    family: str
    thematiques: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    publics_rule: str = ""
    """The national rule that says whom every actor of the kind is for, with its reference; a kind
    with publics and no rule would state a fact no source states (a test forbids it)."""
    reseaux_porteurs: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    frais: str | None = None
    zone: str | None = None
    """Whose residents it serves by nature: ``"commune"`` (its own), ``"departement"``, or None
    (not restricted, or not known from the kind alone)."""
    age_max_with_disability: int | None = None
    """The upper age for a resident with a recognised disability, where a national rule raises it."""
    conditions: tuple[str, ...] = ()
    """National conditions of access, with their reference: « à vérifier », never excluding."""
    conditions_met_by: str | None = None
    """The public whose declaration by the resident meets ``conditions`` (« reconnu handicapé (RQTH) »
    for Cap emploi's); None: they stay to check whatever the resident says."""
    modes_mobilisation: tuple[str, ...] = ()
    mobilisable_par: tuple[str, ...] = ()
    """How a resident gets in, and who makes the first move, where a national rule says so."""


FAMILIES: Mapping[str, str] = MappingProxyType(
    {
        "emploi": "Service public de l’emploi",
        "insertion": "Insertion par l’activité économique et emploi adapté",
        "formation": "Formation",
        "acces_aux_droits": "Accès aux droits et démarches",
        "proximite": "Lieux de proximité",
        "accompagnement": "Associations d’accompagnement",
    }
)

_JOB_SEARCH = (
    "trouver-un-emploi--repondre-a-des-offres-demploi",
    "trouver-un-emploi--faire-des-candidatures-spontanees",
    "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
    "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
)
_TRAINING = ("se-former--trouver-sa-formation", "se-former--monter-son-dossier-de-formation")
_CAREER = (
    "choisir-un-metier--connaitre-les-opportunites-demploi",
    "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
)
_DIGITAL_BASICS = (
    "numerique--maitriser-les-fondamentaux-du-numerique",
    "numerique--acceder-a-des-services-en-ligne",
)
_PAPERWORK = (
    "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
    "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
)
_SIAE_PUBLICS = ("demandeurs-emploi",)
SIAE_PUBLICS_RULE = (
    "l’insertion par l’activité économique s’adresse aux personnes sans emploi rencontrant des "
    "difficultés sociales et professionnelles particulières (Code du travail, art. L5132-1)"
)
IAE_ELIGIBILITY = (
    "droit à un emploi d’insertion, que vérifie un conseiller (France Travail, Mission locale…) "
    "ou la structure"
)
"""The IAE eligibility check, said plainly: an authorised prescriber (« prescripteur habilité ») or the
structure itself checks it before hiring, and records it on Les emplois de l’inclusion."""


class _Access(TypedDict):
    modes_mobilisation: tuple[str, ...]
    mobilisable_par: tuple[str, ...]


_IAE_ACCESS: _Access = {
    "modes_mobilisation": ("utiliser-lien-mobilisation",),
    "mobilisable_par": ("usagers", "professionnels"),
}
"""IAE: a candidate applies on Les emplois de l’inclusion, alone or through a professional."""
_WALK_IN: _Access = {"modes_mobilisation": ("se-presenter",), "mobilisable_par": ("usagers",)}
"""France services: a counter open to the public, by the national label's charter."""
RQTH = "reconnaissance du handicap (RQTH) obtenue ou demandée (Code du travail, art. L5214-3-1)"

_EI = Kind(
    "siae_ei",
    "Entreprise d’insertion (SIAE)",
    "insertion",
    thematiques=(
        "trouver-un-emploi--repondre-a-des-offres-demploi",
        "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
        "preparer-sa-candidature--valoriser-ses-competences",
    ),
    publics=_SIAE_PUBLICS,
    publics_rule=SIAE_PUBLICS_RULE,
    reseaux_porteurs=("ei",),
    conditions=(IAE_ELIGIBILITY,),
    **_IAE_ACCESS,
)
_AI = Kind(
    "siae_ai",
    "Association intermédiaire (SIAE)",
    "insertion",
    thematiques=(
        "trouver-un-emploi--repondre-a-des-offres-demploi",
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
    ),
    publics=_SIAE_PUBLICS,
    publics_rule=SIAE_PUBLICS_RULE,
    reseaux_porteurs=("ai",),
    conditions=(IAE_ELIGIBILITY,),
    **_IAE_ACCESS,
)
_ACI = Kind(
    "siae_aci",
    "Atelier et chantier d’insertion (SIAE)",
    "insertion",
    thematiques=(
        "trouver-un-emploi--repondre-a-des-offres-demploi",
        "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
        "preparer-sa-candidature--valoriser-ses-competences",
        "remobilisation--bien-etre-confiance-en-soi",
    ),
    publics=_SIAE_PUBLICS,
    publics_rule=SIAE_PUBLICS_RULE,
    reseaux_porteurs=("aci",),
    conditions=(IAE_ELIGIBILITY,),
    **_IAE_ACCESS,
)
_ETTI = Kind(
    "siae_etti",
    "Entreprise de travail temporaire d’insertion (SIAE)",
    "insertion",
    thematiques=("trouver-un-emploi--repondre-a-des-offres-demploi",),
    publics=_SIAE_PUBLICS,
    publics_rule=SIAE_PUBLICS_RULE,
    reseaux_porteurs=("etti",),
    conditions=(IAE_ELIGIBILITY,),
    **_IAE_ACCESS,
)


def _combined(slug: str, label: str, *parts: Kind) -> Kind:
    """A structure that runs several SIAE measures (« mesures ») gets the union of their attributes."""

    def union(attribute: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value for part in parts for value in getattr(part, attribute)))

    return Kind(
        slug,
        label,
        parts[0].family,
        thematiques=union("thematiques"),
        publics=union("publics"),
        publics_rule=parts[0].publics_rule,
        reseaux_porteurs=union("reseaux_porteurs"),
        conditions=union("conditions"),
        modes_mobilisation=union("modes_mobilisation"),
        mobilisable_par=union("mobilisable_par"),
    )


_ALL_KINDS = (
    Kind(
        "france_travail_agence",
        "Agence France Travail",
        "emploi",
        thematiques=_JOB_SEARCH
        + _TRAINING
        + _CAREER
        + ("creer-une-entreprise--definir-son-projet-de-creation-dentreprise",),
        reseaux_porteurs=("france-travail",),
        frais="gratuit",
    ),
    Kind(
        "mission_locale",
        "Mission locale",
        "emploi",
        thematiques=_JOB_SEARCH + _TRAINING + _CAREER + ("mobilite--financer-ma-mobilite",),
        publics=("jeunes",),
        publics_rule=(
            "les missions locales accompagnent les jeunes de 16 à 25 ans (Code du travail, art. L5314-2)"
        ),
        reseaux_porteurs=("mission-locale",),
        age_min=16,
        age_max=25,
        frais="gratuit",
        age_max_with_disability=29,
    ),
    Kind(
        "cap_emploi",
        "Cap emploi",
        "emploi",
        thematiques=_JOB_SEARCH + _TRAINING + ("trouver-un-emploi--maintien-dans-lemploi",),
        publics=("personnes-en-situation-de-handicap",),
        publics_rule="Cap emploi accompagne les personnes handicapées (Code du travail, art. L5214-3-1)",
        reseaux_porteurs=("cap-emploi-reseau-cheops",),
        frais="gratuit",
        zone="departement",
        conditions=(RQTH,),
        conditions_met_by="personnes-en-situation-de-handicap",
    ),
    _EI,
    _AI,
    _ACI,
    _ETTI,
    _combined("siae_ai_aci", "Association intermédiaire et chantier d’insertion (SIAE)", _AI, _ACI),
    _combined("siae_aci_ei", "Chantier et entreprise d’insertion (SIAE)", _ACI, _EI),
    Kind(
        "entreprise_adaptee",
        "Entreprise adaptée",
        "insertion",
        thematiques=(
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "trouver-un-emploi--maintien-dans-lemploi",
        ),
        publics=("personnes-en-situation-de-handicap",),
        publics_rule=(
            "les entreprises adaptées emploient des travailleurs handicapés (Code du travail, art. L5213-13)"
        ),
    ),
    Kind(
        "france_services",
        "France services",
        "acces_aux_droits",
        thematiques=_PAPERWORK + ("numerique--acceder-a-des-services-en-ligne",),
        reseaux_porteurs=("france-service",),
        frais="gratuit",
        **_WALK_IN,
    ),
    Kind(
        "france_services_bus",
        "Bus France services (itinérant)",
        "acces_aux_droits",
        thematiques=_PAPERWORK + ("numerique--acceder-a-des-services-en-ligne",),
        reseaux_porteurs=("france-service",),
        frais="gratuit",
        # itinerant: its stops and their days are not in our sources, so « y aller » is not said
    ),
    Kind(
        "ccas",
        "Centre communal d’action sociale (CCAS)",
        "acces_aux_droits",
        thematiques=_PAPERWORK + _DIGITAL_BASICS,
        reseaux_porteurs=("ccas-cias",),
        frais="gratuit",
        zone="commune",
    ),
    Kind(
        "centre_social_maison_de_quartier",
        "Centre social, maison de quartier",
        "proximite",
        thematiques=_DIGITAL_BASICS
        + (
            "remobilisation--lien-social",
            "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        ),
    ),
    Kind(
        "point_information_jeunesse",
        "Espace jeunesse, information jeunesse",
        "proximite",
        thematiques=_DIGITAL_BASICS
        + ("se-former--trouver-sa-formation", "choisir-un-metier--connaitre-les-opportunites-demploi"),
    ),
    Kind(
        "formation_insertion_numerique",
        "École de formation aux métiers du numérique",
        "formation",
        thematiques=(
            "se-former--trouver-sa-formation",
            "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
            "numerique--maitriser-les-fondamentaux-du-numerique",
        ),
    ),
    Kind(
        "organisme_formation",
        "Organisme de formation",
        "formation",
        thematiques=_TRAINING,
    ),
    Kind(
        "apprentissage_francais",
        "Cours de français (FLE, alphabétisation)",
        "formation",
        thematiques=("lecture-ecriture-calcul--maitriser-le-francais",),
    ),
    Kind(
        "association_accompagnement_emploi",
        "Association d’accompagnement vers l’emploi",
        "accompagnement",
        thematiques=_JOB_SEARCH
        + (
            "preparer-sa-candidature--developper-son-reseau",
            "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
        ),
    ),
    Kind(
        "mediation_acces_droits_emploi",
        "Médiation sociale de proximité",
        "accompagnement",
        thematiques=_PAPERWORK,
    ),
    Kind(
        "creation_activite",
        "Accompagnement à la création d’activité",
        "accompagnement",
        thematiques=(
            "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
            "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",
            "creer-une-entreprise--developper-son-entreprise",
        ),
    ),
    Kind(
        "mobilite_insertion",
        "Plateforme de mobilité",
        "accompagnement",
        thematiques=(
            "mobilite--etre-accompagne-dans-son-parcours-mobilite",
            "mobilite--preparer-un-permis",
            "mobilite--acceder-a-un-vehicule",
            "mobilite--financer-ma-mobilite",
        ),
    ),
    Kind(
        "creche_insertion",
        "Crèche à vocation d’insertion professionnelle",
        "accompagnement",
        thematiques=("famille--garde-denfants",),
    ),
)

KINDS: Mapping[str, Kind] = MappingProxyType({kind.slug: kind for kind in _ALL_KINDS})
KIND_LABELS: Mapping[str, str] = MappingProxyType({kind.slug: kind.label for kind in _ALL_KINDS})

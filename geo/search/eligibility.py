"""Is this resident entitled to this actor? The answer, with its reasons in French.

Only rules stated by a source or national rules written down with their reference exclude a resident:
- ``age_min`` / ``age_max``: « réservé aux 16–25 ans » (missions locales: Code du travail, art.
  L5314-2; up to 29 with a recognised disability, ``Kind.age_max_with_disability``);
- ``zone_eligibilite`` (commune, département, EPT/EPCI codes, ``france``): « réservé aux habitants
  de Montreuil et Bagnolet ».
Never excluding, always « à vérifier » when not known to hold:
- ``publics``: whom an actor is for. Every resident we meet looks for a job or a training, so
  « demandeurs d’emploi » always holds; « jeunes » holds up to 25 (and is left to the age rule when the
  actor states an age range);
- the national conditions of the actor's kind, with their reference (``Kind.conditions``: IAE
  eligibility for an SIAE, RQTH for Cap emploi).

What the volunteer did not say (age, commune, a public left unticked) never makes a resident
ineligible: it becomes a point to check, listed apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from geo.actors.kinds import KINDS
from geo.actors.model import Actor
from geo.actors.vocabularies import PUBLICS
from geo.communes import COMMUNES, DEPARTEMENTS, GROUPINGS
from geo.search.filters import TOUS_PUBLICS

ALWAYS_TRUE_PUBLICS = frozenset({"demandeurs-emploi"})
DISABILITY = "personnes-en-situation-de-handicap"
AGE_PUBLICS = frozenset({"jeunes"})
YOUTH_AGE_LIMIT = 25
NATIONWIDE = frozenset({"france", "99100"})


@dataclass(frozen=True)
class Resident:
    """What the volunteer says about the resident; nothing that identifies them."""

    age: int | None = None
    commune: str | None = None
    publics: frozenset[str] = field(default_factory=frozenset)

    def all_publics(self) -> frozenset[str]:
        implied = set(ALWAYS_TRUE_PUBLICS)
        if self.age is not None and self.age <= YOUTH_AGE_LIMIT:
            implied.add("jeunes")
        return frozenset(self.publics) | implied


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...] = ()
    """Why not, when not eligible."""
    to_check: tuple[str, ...] = ()
    """Conditions we could not check for lack of information."""
    fits: tuple[str, ...] = ()
    """Why it fits: each condition the resident meets, with what says so (« 16–25 ans : le résident
    a 22 ans », « reçoit les habitants de Montreuil »)."""


def check_eligibility(actor: Actor, resident: Resident | None) -> Eligibility:
    """Whether ``resident`` may go to ``actor``; no resident means nothing can be ruled out."""
    return check_rules(rules_of(actor), resident or Resident())


def rules_of(actor: Actor) -> Rules:
    kind = KINDS.get(actor.kind)
    return Rules(actor.age_min, actor.age_max, actor.zone_eligibilite, actor.publics,
                 kind.age_max_with_disability if kind else None, kind.conditions if kind else ())


@dataclass(frozen=True)
class Rules:
    """The fields of an actor that eligibility depends on: many actors share the same."""

    age_min: int | None
    age_max: int | None
    zone_eligibilite: tuple[str, ...]
    publics: tuple[str, ...]
    age_max_with_disability: int | None = None
    conditions: tuple[str, ...] = ()


@lru_cache(maxsize=16384)
def check_rules(actor: Rules, resident: Resident) -> Eligibility:
    """The verdict for an actor's rules; cached, since many actors share the same rules."""
    reasons: list[str] = []
    to_check: list[str] = []
    fits: list[str] = []
    for rule in (_age_rule, _zone_rule, _public_rule):
        condition, satisfied = rule(actor, resident)
        if condition is None:
            continue
        if satisfied is None:
            to_check.append(condition)
        elif not satisfied:
            reasons.append(condition)
        else:
            fits.append(_why_it_fits(rule, condition, resident))
    return Eligibility(not reasons, tuple(reasons), (*to_check, *actor.conditions), tuple(fits))


def _why_it_fits(rule, condition: str, resident: Resident) -> str:
    if rule is _age_rule:
        return f"{condition.removeprefix('réservé aux ')} : le résident a {resident.age} ans"
    if rule is _zone_rule:
        commune = COMMUNES.get(resident.commune or "")
        return f"reçoit les habitants de {commune.nom if commune else resident.commune}"
    return condition.replace("réservé aux", "pour les", 1)


def _age_rule(actor: Rules, resident: Resident) -> tuple[str | None, bool | None]:
    low, high = actor.age_min, actor.age_max
    if low is None and high is None:
        return None, True
    if DISABILITY in resident.publics and actor.age_max_with_disability:
        high = actor.age_max_with_disability  # a national rule raises the limit
    if low is not None and high is not None:
        condition = f"réservé aux {low}–{high} ans"
    elif low is not None:
        condition = f"réservé aux {low} ans et plus"
    else:
        condition = f"réservé aux moins de {high + 1} ans"
    if resident.age is None:
        return condition, None
    return condition, (low is None or resident.age >= low) and (high is None or resident.age <= high)


def _zone_rule(actor: Rules, resident: Resident) -> tuple[str | None, bool | None]:
    zone = actor.zone_eligibilite
    if not zone or NATIONWIDE & set(zone):
        return None, True
    condition = "réservé aux habitants " + _places(zone)
    if not resident.commune:
        return condition, None
    return condition, bool(resident_areas(resident.commune) & set(zone))


def resident_areas(commune: str) -> frozenset[str]:
    """Every code of ``zone_eligibilite`` that covers a resident of ``commune``: the commune, its
    département (2 or 3 characters), its EPT and EPCI, and the whole country (``france``, ``99100``)."""
    areas = {commune, commune[:2], commune[:3], *NATIONWIDE}
    known = COMMUNES.get(commune)
    if known is not None:
        areas |= {known.ept_code, known.epci_code} - {None}
    return frozenset(areas)


def _public_rule(actor: Rules, resident: Resident) -> tuple[str | None, bool | None]:
    publics = set(actor.publics)
    if TOUS_PUBLICS in publics:
        return None, True
    if actor.age_min is not None or actor.age_max is not None:
        publics -= AGE_PUBLICS  # The age range says it more precisely.
    if not publics:
        return None, True
    labels = [PUBLICS.get(p, p).lower() for p in actor.publics if p in publics]
    condition = "réservé aux " + _join(labels)
    if resident.all_publics() & publics:
        return condition, True
    return condition, None  # publics are whom an actor is for, not a rule: they never exclude


def _places(zone: tuple[str, ...]) -> str:
    names = []
    for code in zone:
        if code in COMMUNES:
            names.append(f"de {COMMUNES[code].nom}")
        elif code in DEPARTEMENTS:
            names.append(f"de la {DEPARTEMENTS[code]}")
        elif code in GROUPINGS:
            grouping = GROUPINGS[code]
            names.append(f"de {grouping}" if grouping.startswith("la ") else f"d’{grouping}"
                         if grouping[0] in "AEIOUÉ" else f"de {grouping}")
        else:
            names.append(f"de la zone {code}")
    text = _join(names)
    return text.replace(" et de ", " et ").replace(", de ", ", ")


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]

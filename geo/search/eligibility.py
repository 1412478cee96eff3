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
  eligibility for an SIAE, RQTH for Cap emploi), met when the resident says so where the kind names
  the public that meets them (``Kind.conditions_met_by``: a recognised disability for Cap emploi).

An actor is *made for* the resident when one of its own rules picks them out: its age range holds
for the resident's age, or it is for one of the publics the resident belongs to beyond those every
resident we meet belongs to (« demandeurs d’emploi »). The search ranks by it (``geo.search.ranking``).

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
    ages: tuple[int, int] | None = None
    """The age band the volunteer said (« moins de 26 ans »), when they gave no age."""

    def all_publics(self) -> frozenset[str]:
        implied = set(ALWAYS_TRUE_PUBLICS)
        if self.age is not None and self.age <= YOUTH_AGE_LIMIT:
            implied.add("jeunes")
        if self.age is None and self.ages is not None and self.ages[1] <= YOUTH_AGE_LIMIT:
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
    made_for: bool = False
    """One of the actor's own rules (an age range, a public) picks this resident out."""


def check_eligibility(actor: Actor, resident: Resident | None) -> Eligibility:
    """Whether ``resident`` may go to ``actor``; no resident means nothing can be ruled out."""
    return check_rules(rules_of(actor), resident or Resident())


def rules_of(actor: Actor) -> Rules:
    """The actor's rules, compiled to data: what each rule compares and the words it is said in."""
    kind = KINDS.get(actor.kind)
    zone = () if NATIONWIDE & set(actor.zone_eligibilite) else tuple(actor.zone_eligibilite)
    publics = [p for p in actor.publics if TOUS_PUBLICS not in actor.publics]
    if actor.age_min is not None or actor.age_max is not None:
        publics = [p for p in publics if p not in AGE_PUBLICS]  # the age range says it more precisely
    return Rules(
        actor.age_min,
        actor.age_max,
        kind.age_max_with_disability if kind else None,
        zone,
        _places(zone) if zone else "",
        tuple(publics),
        _join([PUBLICS.get(p, p).lower() for p in publics]) if publics else "",
        kind.conditions if kind else (),
        kind.conditions_met_by if kind else None,
    )


@dataclass(frozen=True)
class Rules:
    """An actor's eligibility rules as data, which ``check_rules`` interprets with the ``TEXTS``
    (and, from the field pack, the pages' script the same way)."""

    age_min: int | None
    age_max: int | None
    age_max_with_disability: int | None
    zone: tuple[str, ...]
    """Area codes a resident must live in (none: anyone)."""
    zone_places: str
    """« de Montreuil et Bagnolet »."""
    publics: tuple[str, ...]
    """Whom the actor is for (none: everyone); never excluding."""
    publics_words: str
    conditions: tuple[str, ...] = ()
    """National conditions of the actor's kind, to check unless ``conditions_met_by``."""
    conditions_met_by: str | None = None
    """The public whose declaration meets ``conditions``."""


TEXTS = {
    "reserved": "réservé aux {what}",
    "age_range": "{low}–{high} ans",
    "age_from": "{low} ans et plus",
    "age_below": "moins de {limit} ans",
    "zone": "habitants {places}",
    "fits_age": "{what} : le résident a {age} ans",
    "fits_age_band": "{what} : le résident a moins de {limit} ans",
    "fits_zone": "reçoit les habitants de {commune}",
    "fits_public": "pour les {what}",
    "fits_condition": "{what} : d’après le résident",
}
"""Every sentence the rules say, once."""


@lru_cache(maxsize=16384)
def check_rules(actor: Rules, resident: Resident) -> Eligibility:
    """The verdict for an actor's rules; cached, since many actors share the same rules."""
    reasons: list[str] = []
    to_check: list[str] = []
    fits: list[str] = []
    age = _age_rule(actor, resident)
    made_for = (age[0] is not None and age[1] is True) or _for_their_publics(actor, resident)
    for what, satisfied, fit in (
        age,
        _zone_rule(actor, resident),
        _public_rule(actor, resident),
    ):
        if what is None:
            continue
        condition = TEXTS["reserved"].format(what=what)
        if satisfied is None:
            to_check.append(condition)
        elif not satisfied:
            reasons.append(condition)
        else:
            fits.append(fit)
    if actor.conditions_met_by is not None and actor.conditions_met_by in resident.publics:
        fits.extend(TEXTS["fits_condition"].format(what=condition) for condition in actor.conditions)
    else:
        to_check.extend(actor.conditions)
    return Eligibility(not reasons, tuple(reasons), tuple(to_check), tuple(fits), made_for)


def _for_their_publics(actor: Rules, resident: Resident) -> bool:
    """Whether the actor is for one of the resident's publics beyond those every resident we meet
    belongs to."""
    return bool((resident.all_publics() - ALWAYS_TRUE_PUBLICS) & set(actor.publics))


def _age_rule(actor: Rules, resident: Resident) -> tuple[str | None, bool | None, str]:
    low, high = actor.age_min, actor.age_max
    if low is None and high is None:
        return None, True, ""
    if DISABILITY in resident.publics and actor.age_max_with_disability:
        high = actor.age_max_with_disability  # a national rule raises the limit
    if low is not None and high is not None:
        what = TEXTS["age_range"].format(low=low, high=high)
    elif low is not None:
        what = TEXTS["age_from"].format(low=low)
    else:
        assert high is not None  # the caller asked for an age rule
        what = TEXTS["age_below"].format(limit=high + 1)
    if resident.age is None and resident.ages is not None:
        youngest, oldest = resident.ages
        if (low is not None and oldest < low) or (high is not None and youngest > high):
            return what, False, ""
        within = (low is None or youngest >= low) and (high is None or oldest <= high)
        return what, within or None, TEXTS["fits_age_band"].format(what=what, limit=oldest + 1)
    if resident.age is None:
        return what, None, ""
    fits = (low is None or resident.age >= low) and (high is None or resident.age <= high)
    return what, fits, TEXTS["fits_age"].format(what=what, age=resident.age)


def _zone_rule(actor: Rules, resident: Resident) -> tuple[str | None, bool | None, str]:
    if not actor.zone:
        return None, True, ""
    what = TEXTS["zone"].format(places=actor.zone_places)
    if not resident.commune:
        return what, None, ""
    commune = COMMUNES.get(resident.commune)
    fit = TEXTS["fits_zone"].format(commune=commune.nom if commune else resident.commune)
    return what, bool(resident_areas(resident.commune) & set(actor.zone)), fit


def resident_areas(commune: str) -> frozenset[str]:
    """Every code of ``zone_eligibilite`` that covers a resident of ``commune``: the commune, its
    département (2 or 3 characters), its EPT and EPCI, and the whole country (``france``, ``99100``)."""
    areas = {commune, commune[:2], commune[:3], *NATIONWIDE}
    known = COMMUNES.get(commune)
    if known is not None:
        areas |= {code for code in (known.ept_code, known.epci_code) if code}
    return frozenset(areas)


def _public_rule(actor: Rules, resident: Resident) -> tuple[str | None, bool | None, str]:
    if not actor.publics:
        return None, True, ""
    if resident.all_publics() & set(actor.publics):
        return actor.publics_words, True, TEXTS["fits_public"].format(what=actor.publics_words)
    return actor.publics_words, None, ""  # publics are whom an actor is for, not a rule: never exclude


def _places(zone: tuple[str, ...]) -> str:
    names = []
    for code in zone:
        if code in COMMUNES:
            names.append(f"de {COMMUNES[code].nom}")
        elif code in DEPARTEMENTS:
            names.append(f"de la {DEPARTEMENTS[code]}")
        elif code in GROUPINGS:
            grouping = GROUPINGS[code]
            names.append(
                f"de {grouping}"
                if grouping.startswith("la ")
                else f"d’{grouping}"
                if grouping[0] in "AEIOUÉ"
                else f"de {grouping}"
            )
        else:
            names.append(f"de la zone {code}")
    text = _join(names)
    return text.replace(" et de ", " et ").replace(", de ", ", ")


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]

"""The order of the results: the actors that fit this resident first, then the nearest on foot.

One rule, stated in minutes so that a volunteer can say it at the door (``RULE``), and read as data by
the offline page (the field pack's ``classement``):

- an actor *made for* the resident (``Eligibility.made_for``: its age range or one of its publics picks
  them out) comes before one that is not, unless that one is more than ``TOLERANCE_MIN`` minutes
  nearer on foot;
- likewise an actor the resident can go to with nothing left to check comes before one with a point
  to check (a prescriber, an age not given…), unless that one is more than ``TOLERANCE_MIN`` minutes
  nearer.

So each result is ranked by its walking time plus ``TOLERANCE_MIN`` for each of the two it lacks; the
``k`` results are the ``k`` best so ranked among every eligible actor, not the ``k`` nearest. Actors
without a place come after the located ones, those the resident has no right to last (only on
request); ties by distance, then by id.
"""

from __future__ import annotations

from geo.search.eligibility import Eligibility
from geo.search.request import K_RANGE

TOLERANCE_MIN = 15
"""How many minutes nearer an actor must be to come before one that fits the resident better."""
RULE = (
    "Les acteurs faits pour la situation du résident, et ceux où il peut aller sans rien à vérifier, "
    f"passent devant les autres, sauf si ceux-ci sont à plus de {TOLERANCE_MIN} minutes de moins à pied."
)
"""The rule in the volunteer's words, shown under the results."""


TRANSIT_POOL = 3
"""« Il peut prendre le bus »: the ``k`` results are the best by the shorter of walk and ride among this
many times ``k`` best on foot (``transit_pool``: a ride is searched for each of them)."""
RULE_BY_TRANSIT = (
    "Classés par le plus court du trajet à pied et en transports, parmi les "
    "{pool} acteurs les mieux placés à pied ; "
    "les acteurs faits pour la situation du résident, et ceux où il peut aller sans rien à vérifier, "
    f"passent devant les autres, sauf si ceux-ci sont à plus de {TOLERANCE_MIN} minutes de moins."
)
"""The rule when the volunteer ticks « il peut prendre le bus » ({pool}: ``TRANSIT_POOL`` × k)."""


def transit_pool(k: int) -> int:
    """How many of the best on foot « il peut prendre le bus » ranks again: ``TRANSIT_POOL`` × k, as
    many as a search may ask at most."""
    return min(TRANSIT_POOL * k, K_RANGE[1])


def penalty_minutes(verdict: Eligibility) -> int:
    """The minutes added to a result's walk for ranking: ``TOLERANCE_MIN`` for each of « made for the
    resident » and « nothing to check » that it lacks."""
    return TOLERANCE_MIN * ((not verdict.made_for) + bool(verdict.to_check))


def ranked_minutes(verdict: Eligibility, minutes: float) -> float:
    """What a located result ranks by: its walking minutes plus ``penalty_minutes``."""
    return minutes + penalty_minutes(verdict)


def rank_key(
    verdict: Eligibility, minutes: float | None, distance_m: float | None, actor_id: str
) -> tuple[int, int, float, float, str]:
    """The sort key of a result: eligible first; located (``minutes`` known) before the actors without
    a place; by walking time plus ``penalty_minutes``; then by distance and id."""
    group = 0 if verdict.eligible else 1
    if minutes is None or distance_m is None:
        return group, 1, penalty_minutes(verdict), 0.0, actor_id
    return group, 0, ranked_minutes(verdict, minutes), distance_m, actor_id

"""The store contract, run against every back-end (the ``store`` fixture: SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from geo.actors.model import actor_from_feature
from geo.campaigns.model import Encounter, HistoryTotals
from geo.store import ActorNotFound, DuplicateActor, InvalidActor, StaleVersion
from tests.support import fictional_feature

FICTIONAL = actor_from_feature(fictional_feature())
OTHER = actor_from_feature(fictional_feature(id="autre-acteur-fictif", nom="Autre acteur fictif"))


def test_create_then_get(store):
    stored = store.create(FICTIONAL, "gestionnaire-fictif")
    assert stored.version == 1 and store.get(FICTIONAL.id).actor == FICTIONAL
    assert [s.actor.id for s in store.all()] == [FICTIONAL.id]


def test_create_twice_is_refused(store):
    store.create(FICTIONAL, "a")
    with pytest.raises(DuplicateActor):
        store.create(FICTIONAL, "a")


def test_update_from_the_current_version_is_a_new_revision(store):
    store.create(FICTIONAL, "a")
    updated = store.update(dataclasses.replace(FICTIONAL, telephone="+33199000101"), 1, "b")

    assert updated.version == 2
    newest = store.history(FICTIONAL.id)[0]
    assert (newest.author, newest.version, newest.changes) == ("b", 2, {"telephone": ("", "+33199000101")})


def test_stale_update_changes_nothing_and_says_what_is_there(store):
    store.create(FICTIONAL, "a")
    store.update(dataclasses.replace(FICTIONAL, nom="Premier nom fictif"), 1, "a")

    with pytest.raises(StaleVersion) as refused:
        store.update(dataclasses.replace(FICTIONAL, nom="Second nom fictif"), 1, "b")

    assert refused.value.current.version == 2
    assert store.get(FICTIONAL.id).actor.nom == "Premier nom fictif"
    assert len(store.history(FICTIONAL.id)) == 2


def test_invalid_actor_is_refused_whole(store):
    store.create(FICTIONAL, "a")
    with pytest.raises(InvalidActor) as refused:
        store.update(dataclasses.replace(FICTIONAL, code_postal="931", nom="Nom fictif changé"), 1, "b")
    assert [p.field for p in refused.value.problems] == ["code_postal"]
    assert store.get(FICTIONAL.id) == store.get(FICTIONAL.id) and store.get(FICTIONAL.id).version == 1


def test_retire_is_not_delete(store):
    store.create(FICTIONAL, "a")
    retired = store.retire(FICTIONAL.id, 1, "b")
    assert retired.actor.statut == "ferme" and store.get(FICTIONAL.id).actor.statut == "ferme"


def test_restore_any_revision_as_a_new_one(store):
    store.create(FICTIONAL, "a")
    store.update(dataclasses.replace(FICTIONAL, nom="Nom fictif erroné"), 1, "b")

    restored = store.restore(FICTIONAL.id, 1, 2, "c")

    assert restored.version == 3 and restored.actor.nom == FICTIONAL.nom
    assert store.history(FICTIONAL.id)[0].action == "restauration de la version 1"


def test_unknown_actor(store):
    with pytest.raises(ActorNotFound):
        store.get("absent")
    with pytest.raises(ActorNotFound):
        store.history("absent")


def test_bulk_write_is_all_or_nothing(store):
    broken = dataclasses.replace(OTHER, code_postal="1")
    with pytest.raises(InvalidActor):
        store.replace_all([FICTIONAL, broken], "import")
    assert store.all() == [] and store.revision_count() == 0


def test_seed_only_once(store):
    assert store.seed_if_empty([FICTIONAL], "graine") is True
    assert store.seed_if_empty([OTHER], "graine") is False
    assert [s.actor.id for s in store.all()] == [FICTIONAL.id]


def test_revision_count_grows_with_every_change(store):
    store.create(FICTIONAL, "a")
    before = store.revision_count()
    store.update(dataclasses.replace(FICTIONAL, nom="Nom fictif bis"), 1, "a")
    assert store.revision_count() == before + 1


def test_concurrent_edits_from_one_version_keep_exactly_one(store):
    """Eight managers save over version 1 at once: one edit is accepted, the others are told what
    is there, and the history holds the accepted one only."""
    store.create(FICTIONAL, "a")

    def save(number: int):
        try:
            return store.update(dataclasses.replace(FICTIONAL, nom=f"Nom fictif {number}"), 1, f"m{number}")
        except StaleVersion as refused:
            return refused.current.version

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(save, range(8)))

    accepted = [o for o in outcomes if not isinstance(o, int)]
    assert len(accepted) == 1 and sorted(o for o in outcomes if isinstance(o, int)) == [2] * 7
    assert store.get(FICTIONAL.id).actor.nom == accepted[0].actor.nom
    assert [r.version for r in store.history(FICTIONAL.id)] == [2, 1]


def test_concurrent_creations_of_one_actor_keep_one(store):
    def create(_):
        try:
            return store.create(FICTIONAL, "a").version
        except DuplicateActor:
            return "doublon"

    with ThreadPoolExecutor(6) as pool:
        assert sorted(pool.map(create, range(6)), key=str) == [1, *["doublon"] * 5]
    assert store.revision_count() == 1


def test_last_change_is_the_newest_revision(store):
    assert store.last_change() is None
    store.create(FICTIONAL, "a")
    assert abs((dt.datetime.now(dt.UTC) - store.last_change()).total_seconds()) < 60


# --- people --------------------------------------------------------------------------------------

MANAGER = "gestionnaire-fictif@example.org"


def test_an_account_is_stored_by_its_hash_and_listed_by_email(store):
    store.add_user(MANAGER, "empreinte-fictive", "manager")
    store.add_user("benevole-fictif@example.org", "autre-empreinte", "volunteer")

    assert [p["email"] for p in store.users()] == ["benevole-fictif@example.org", MANAGER]
    person = store.user(MANAGER)
    assert (person["password_hash"], person["role"]) == ("empreinte-fictive", "manager")
    assert person["disabled"] is False
    assert store.user("absent@example.org") is None


def test_every_change_of_an_account_ends_its_sessions(store):
    store.add_user(MANAGER, "empreinte-fictive", "manager")
    epochs = [store.user(MANAGER)["session_epoch"]]
    for change in (
        lambda: store.set_password(MANAGER, "nouvelle"),
        lambda: store.set_role(MANAGER, "volunteer"),
        lambda: store.end_sessions(MANAGER),
        lambda: store.add_user(MANAGER, "x", "manager"),
    ):
        change()
        epochs.append(store.user(MANAGER)["session_epoch"])
    assert epochs == sorted(set(epochs)) and len(epochs) == 5


def test_changing_an_unknown_account_says_so(store):
    with pytest.raises(LookupError):
        store.set_role("absent@example.org", "manager")


def test_a_disabled_account_loses_its_token_until_replaced(store):
    store.add_user(MANAGER, "empreinte-fictive", "manager")
    store.set_token(MANAGER, "jeton-fictif-haché")
    assert store.user_by_token("jeton-fictif-haché")["email"] == MANAGER

    store.disable_user(MANAGER)
    assert store.user_by_token("jeton-fictif-haché") is None and store.user(MANAGER)["disabled"] is True
    store.add_user(MANAGER, "empreinte-neuve", "manager")
    assert store.user(MANAGER)["disabled"] is False


def test_login_attempts_are_counted_per_key_within_their_window(store):
    limits = {"adresse-fictive": (3, 60.0), MANAGER: (5, 900.0)}
    assert [store.reserve_login_attempt(limits, 1000.0 + i) for i in range(4)] == [True, True, True, False]
    assert store.reserve_login_attempt({MANAGER: (5, 900.0)}, 1005.0) is True  # the account: 4 of 5
    assert store.reserve_login_attempt(limits, 1061.0) is True  # the address's first attempt left its window
    store.forget_login_attempts(MANAGER)
    assert store.reserve_login_attempt({MANAGER: (1, 900.0)}, 1062.0) is True


def test_simultaneous_login_attempts_never_pass_the_limit(store):
    """Thirty attempts at once against a limit of ten: ten pass, whichever the worker."""
    with ThreadPoolExecutor(10) as pool:
        passed = list(
            pool.map(
                lambda _: store.reserve_login_attempt({"adresse-fictive": (10, 60.0)}, 5000.0), range(30)
            )
        )
    assert passed.count(True) == 10


# --- campaigns -----------------------------------------------------------------------------------


def _encounter(number: int, campaign: int, day: dt.date = dt.date(2026, 10, 1), **answers) -> Encounter:
    return Encounter(f"00000000-0000-4000-8000-{number:012d}", campaign, day, "93048", None, "oui", **answers)


def test_campaigns_are_listed_newest_first_and_can_be_closed(store):
    first = store.add_campaign("Campagne fictive A", ["93048"], debut=dt.date(2026, 9, 1))
    second = store.add_campaign(
        "Campagne fictive B", ["93006", "93048"], ["930480101"], fin=dt.date(2026, 12, 1)
    )

    assert [c.id for c in store.campaigns()] == [second.id, first.id]
    assert (second.communes, second.secteurs, second.fin) == (
        ("93006", "93048"),
        ("930480101",),
        dt.date(2026, 12, 1),
    )
    store.close_campaign(first.id)
    assert store.campaign(first.id).close is True and store.campaign(999) is None


def test_a_volunteer_has_one_team_per_campaign(store):
    campaign = store.add_campaign("Campagne fictive", ["93048"])
    store.set_volunteer_team(campaign.id, "benevole-fictif@example.org", "Équipe fictive A")
    store.set_volunteer_team(campaign.id, "benevole-fictif@example.org", "Équipe fictive B")
    store.set_volunteer_team(campaign.id, "autre-benevole-fictif@example.org", None)
    assert store.volunteers(campaign.id) == {
        "autre-benevole-fictif@example.org": None,
        "benevole-fictif@example.org": "Équipe fictive B",
    }
    store.remove_volunteer(campaign.id, "autre-benevole-fictif@example.org")
    assert list(store.volunteers(campaign.id)) == ["benevole-fictif@example.org"]


def test_an_encounter_sent_twice_counts_once(store):
    campaign = store.add_campaign("Campagne fictive", ["93048"])
    batch = [
        _encounter(n, campaign.id, acteurs=("acteur-fictif-de-test",), mise_en_lien=True) for n in range(3)
    ]
    assert store.add_encounters(batch) == 3
    assert store.add_encounters([*batch, _encounter(3, campaign.id)]) == 1
    tallies = store.tallies(campaign.id)
    assert sum(t.nombre for t in tallies) == 4 and sum(t.mise_en_lien for t in tallies) == 3


def test_overlapping_batches_sent_at_once_count_each_encounter_once(store):
    campaign = store.add_campaign("Campagne fictive", ["93048"])
    batches = [[_encounter(n, campaign.id) for n in range(start, start + 20)] for start in range(0, 60, 10)]
    with ThreadPoolExecutor(6) as pool:
        added = sum(pool.map(store.add_encounters, batches))
    assert added == 70 and sum(t.nombre for t in store.tallies(campaign.id)) == 70


def test_archiving_folds_old_encounters_without_changing_the_figures(store):
    campaign = store.add_campaign("Campagne fictive", ["93048"])
    store.add_encounters(
        [_encounter(n, campaign.id, dt.date(2026, 9, 1 + n % 3), tranche_age="26-44") for n in range(9)]
        + [_encounter(99, campaign.id, dt.date(2026, 11, 2))]
    )

    other = store.add_campaign("Autre campagne fictive", ["93006"])
    store.add_encounters([_encounter(100, other.id)])
    assert store.archive_encounters(dt.date(2026, 10, 1)) == 9
    tallies = store.tallies(campaign.id)
    assert sum(t.nombre for t in tallies) == 10 and len(tallies) == 2  # one week's tally, one encounter
    assert store.encounter_counts() == {campaign.id: 10, other.id: 1}
    assert store.archive_encounters(dt.date(2026, 10, 1)) == 0


def test_history_totals_keep_what_the_source_does_not_say(store):
    campaign = store.add_campaign("Campagne fictive", ["93048"])
    store.add_history(
        HistoryTotals(campaign.id, "2022-2025", "bilan fictif", 3000, 500, None, 162, 77, "note fictive")
    )
    [totals] = store.history_totals(campaign.id)
    assert (totals.rencontres, totals.non_accompagnes, totals.mises_en_lien) == (3000, None, 162)


def test_times_shown_add_up_per_actor_and_nothing_else_is_kept(store):
    store.count_shown({"acteur-fictif-a": 2, "acteur-fictif-b": 1})
    store.count_shown({"acteur-fictif-a": 3})
    store.count_shown({})
    assert store.shown_counts() == {"acteur-fictif-a": 5, "acteur-fictif-b": 1}


def test_workers_counting_at_once_lose_no_count(store):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: store.count_shown({"acteur-fictif-a": 1}), range(40)))
    assert store.shown_counts() == {"acteur-fictif-a": 40}

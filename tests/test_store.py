"""The store contract, run against every back-end (SQLite today; PostgreSQL will join the list)."""

from __future__ import annotations

import dataclasses

import pytest

from geo.actors.model import actor_from_feature
from geo.store import ActorNotFound, DuplicateActor, InvalidActor, StaleVersion
from tests.conftest import fictional_feature, new_store

FICTIONAL = actor_from_feature(fictional_feature())
OTHER = actor_from_feature(fictional_feature(id="autre-acteur-fictif", nom="Autre acteur fictif"))


@pytest.fixture(params=["sqlite"])
def store(request, tmp_path):
    return new_store(tmp_path / "carto.sqlite")


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

"""The store contract: every change is a revision; every edit says which version it started from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from geo.actors.model import Actor, actor_to_feature
from geo.actors.validation import Problem


@dataclass(frozen=True)
class StoredActor:
    actor: Actor
    version: int


@dataclass(frozen=True)
class Revision:
    """One change of one actor: who, when, and each changed field as (before, after)."""

    actor_id: str
    version: int
    author: str
    at: dt.datetime
    action: str
    changes: dict[str, tuple[Any, Any]]
    actor: Actor


class ActorNotFound(LookupError):
    pass


class DuplicateActor(ValueError):
    pass


class InvalidActor(ValueError):
    """The actor breaks the validation rules; nothing was written."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


class SchemaNotReady(RuntimeError):
    """The database is not at the schema revision this code expects: run ``carto db upgrade``."""


class StaleVersion(Exception):
    """The edit started from an older version than the stored one; nothing was written."""

    def __init__(self, current: StoredActor):
        super().__init__(f"{current.actor.id}: version {current.version} en place")
        self.current = current


class ActorStore(Protocol):
    def all(self) -> list[StoredActor]: ...

    def get(self, actor_id: str) -> StoredActor: ...

    def create(self, actor: Actor, author: str) -> StoredActor: ...

    def update(self, actor: Actor, expected_version: int, author: str) -> StoredActor: ...

    def retire(self, actor_id: str, expected_version: int, author: str) -> StoredActor: ...

    def restore(self, actor_id: str, version: int, expected_version: int, author: str) -> StoredActor: ...

    def history(self, actor_id: str) -> list[Revision]: ...

    def revision_count(self) -> int:
        """Grows with every change: caches built on the actors compare it."""
        ...

    def last_change(self) -> dt.datetime | None:
        """When an actor last changed; None in an empty store."""
        ...

    def close(self) -> None:
        """Give back the store's connections."""
        ...

    def replace_all(self, actors: Sequence[Actor], author: str) -> None:
        """Create or update many actors in one transaction (imports): all or nothing."""
        ...

    def seed_if_empty(self, actors: Sequence[Actor], author: str) -> bool:
        """First run: load the curated file into a store that never held an actor."""
        ...

    def count_shown(self, counts: Mapping[str, int]) -> None:
        """Add to how often each actor was shown in search results (counted by actor only)."""
        ...

    def shown_counts(self) -> dict[str, int]: ...

    # People: a user is a dict with email, password_hash, role, token_hash, session_epoch, disabled.
    # Every change of an account raises its session_epoch, which ends the sessions opened before.

    def add_user(self, email: str, password_hash: str, role: str) -> None: ...

    def users(self) -> list[dict[str, Any]]: ...

    def user(self, email: str) -> dict[str, Any] | None: ...

    def user_by_token(self, token_hash: str) -> dict[str, Any] | None: ...

    def set_token(self, email: str, token_hash: str) -> None: ...

    def set_password(self, email: str, password_hash: str) -> None: ...

    def set_role(self, email: str, role: str) -> None: ...

    def end_sessions(self, email: str) -> None: ...

    def disable_user(self, email: str) -> None: ...

    def reserve_login_attempt(self, limits: Mapping[str, tuple[int, float]], now: float) -> bool:
        """Count an attempt under each key, unless one is at its (attempts, seconds) limit: False."""
        ...

    def forget_login_attempts(self, key: str) -> None: ...


def diff(before: Actor, after: Actor) -> dict[str, tuple[Any, Any]]:
    """Field-by-field changes between two versions of an actor, in GeoJSON form."""
    old, new = actor_to_feature(before), actor_to_feature(after)
    changes = {
        name: (old["properties"].get(name), value)
        for name, value in new["properties"].items()
        if old["properties"].get(name) != value
    }
    if old["geometry"] != new["geometry"]:
        changes["geometry"] = (old["geometry"], new["geometry"])
    return changes

"""The store in SQL, written once for both back-ends (SQLAlchemy 2 Core): SQLite and PostgreSQL.

Each actor row carries a version; an update is ``UPDATE … WHERE id = ? AND version = ?`` in the same
transaction as its revision row, so an accepted edit is never lost and a stale one changes nothing.
Writers of one kind (actors, people, campaigns) wait for each other (``_writing``): each back-end
says how, and how a reader learns that the actors changed (``revision_count``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from geo.actors.model import Actor, actor_from_feature, actor_to_feature
from geo.actors.validation import validate_feature
from geo.store.base import (
    ActorNotFound,
    DuplicateActor,
    InvalidActor,
    Revision,
    StaleVersion,
    StoredActor,
    diff,
)
from geo.store.campaigns import CampaignStore, insert_for

metadata = MetaData()
actors_table = Table(
    "actors",
    metadata,
    Column("id", String, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("feature", Text, nullable=False),
)
revisions_table = Table(
    "revisions",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("actor_id", String, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("author", String, nullable=False),
    Column("at", String, nullable=False),
    Column("action", String, nullable=False),
    Column("changes", Text, nullable=False),
    Column("feature", Text, nullable=False),
)
users_table = Table(
    "users",
    metadata,
    Column("email", String, primary_key=True),
    Column("password_hash", String, nullable=False),
    Column("role", String, nullable=False),
    Column("token_hash", String, nullable=True, unique=True),
    Column("session_epoch", Integer, nullable=False, server_default="0"),
    Column("disabled", Integer, nullable=False, server_default="0"),
)
login_attempts_table = Table(
    "login_attempts",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("key", String, nullable=False, index=True),
    Column("at", Float, nullable=False),
)
shown_table = Table(
    "actor_shown",
    metadata,
    Column("actor_id", String, primary_key=True),
    Column("shown", Integer, nullable=False),
)
_ATTEMPTS_KEPT_SECONDS = 86_400


class SQLStore(CampaignStore, ABC):
    """Everything but the engine, the writers' turn-taking and the change watch (subclasses)."""

    engine: Engine

    @abstractmethod
    def revision_count(self) -> int:
        """Grows with every change of an actor: caches built on the actors compare it."""

    def close(self) -> None:
        """Give back the store's connections (the store can be used again: it reconnects)."""
        self.engine.dispose()

    @abstractmethod
    def _writing(self, kind: str = "actors") -> AbstractContextManager[Connection]:
        """One transaction, all of it or nothing, after the other writers of ``kind`` finished."""

    # --- reading ----------------------------------------------------------------------------

    def all(self) -> list[StoredActor]:
        with self.engine.connect() as db:
            rows = db.execute(select(actors_table).order_by(actors_table.c.id)).all()
        return [_stored(row) for row in rows]

    def get(self, actor_id: str) -> StoredActor:
        with self.engine.connect() as db:
            return self._get(db, actor_id)

    def history(self, actor_id: str) -> list[Revision]:
        with self.engine.connect() as db:
            rows = db.execute(
                select(revisions_table)
                .where(revisions_table.c.actor_id == actor_id)
                .order_by(revisions_table.c.number.desc())
            ).all()
        if not rows:
            raise ActorNotFound(actor_id)
        return [
            Revision(
                row.actor_id,
                row.version,
                row.author,
                dt.datetime.fromisoformat(row.at),
                row.action,
                {k: tuple(v) for k, v in json.loads(row.changes).items()},
                actor_from_feature(json.loads(row.feature)),
            )
            for row in rows
        ]

    def last_change(self) -> dt.datetime | None:
        """When an actor last changed (the newest revision), None in an empty store."""
        with self.engine.connect() as db:
            at: str | None = db.execute(select(func.max(revisions_table.c.at))).scalar_one()
        return dt.datetime.fromisoformat(at) if at else None

    # --- writing ----------------------------------------------------------------------------

    def create(self, actor: Actor, author: str) -> StoredActor:
        with self._writing() as db:
            return self._create(db, actor, author)

    def update(self, actor: Actor, expected_version: int, author: str) -> StoredActor:
        with self._writing() as db:
            return self._update(db, actor, expected_version, author, "modification")

    def retire(self, actor_id: str, expected_version: int, author: str) -> StoredActor:
        with self._writing() as db:
            current = self._get(db, actor_id)
            retired = dataclasses.replace(current.actor, statut="ferme")
            return self._update(db, retired, expected_version, author, "retrait")

    def restore(self, actor_id: str, version: int, expected_version: int, author: str) -> StoredActor:
        with self._writing() as db:
            row = db.execute(
                select(revisions_table.c.feature).where(
                    revisions_table.c.actor_id == actor_id, revisions_table.c.version == version
                )
            ).first()
            if row is None:
                raise ActorNotFound(f"{actor_id} v{version}")
            old = actor_from_feature(json.loads(row.feature))
            return self._update(db, old, expected_version, author, f"restauration de la version {version}")

    def seed_if_empty(self, actors: Sequence[Actor], author: str) -> bool:
        """Load ``actors`` into a store that has never held any; False if it already had some."""
        with self._writing() as db:
            if db.execute(select(func.count()).select_from(revisions_table)).scalar_one():
                return False
            for actor in actors:
                self._create(db, actor, author)
        return True

    def replace_all(self, actors: Sequence[Actor], author: str) -> None:
        with self._writing() as db:
            for actor in actors:
                existing = db.execute(
                    select(actors_table.c.version).where(actors_table.c.id == actor.id)
                ).scalar()
                if existing is None:
                    self._create(db, actor, author)
                else:
                    self._update(db, actor, existing, author, "import")

    # --- people -----------------------------------------------------------------------------

    def add_user(self, email: str, password_hash: str, role: str) -> None:
        """Create or replace a person's account (hash only: the store never sees a password).

        Replacing an account (new password, new role) ends its open sessions and re-enables it."""
        with self._writing("people") as db:
            result = db.execute(
                update(users_table)
                .where(users_table.c.email == email)
                .values(
                    password_hash=password_hash,
                    role=role,
                    disabled=0,
                    session_epoch=users_table.c.session_epoch + 1,
                )
            )
            if result.rowcount == 0:
                db.execute(insert(users_table).values(email=email, password_hash=password_hash, role=role))

    def users(self) -> list[dict[str, Any]]:
        with self.engine.connect() as db:
            rows = db.execute(select(users_table).order_by(users_table.c.email)).all()
        return [_person(row) for row in rows]

    def user(self, email: str) -> dict[str, Any] | None:
        with self.engine.connect() as db:
            row = db.execute(select(users_table).where(users_table.c.email == email)).first()
        return _person(row) if row else None

    def user_by_token(self, token_hash: str) -> dict[str, Any] | None:
        with self.engine.connect() as db:
            row = db.execute(select(users_table).where(users_table.c.token_hash == token_hash)).first()
        return _person(row) if row else None

    def set_token(self, email: str, token_hash: str) -> None:
        with self._writing("people") as db:
            db.execute(update(users_table).where(users_table.c.email == email).values(token_hash=token_hash))

    def set_password(self, email: str, password_hash: str) -> None:
        self._change_user(email, password_hash=password_hash)

    def set_role(self, email: str, role: str) -> None:
        self._change_user(email, role=role)

    def end_sessions(self, email: str) -> None:
        self._change_user(email)

    def disable_user(self, email: str) -> None:
        """The account can no longer log in; its sessions and API token stop working."""
        self._change_user(email, disabled=1, token_hash=None)

    def _change_user(self, email: str, **values: Any) -> None:
        """Every change of an account ends its open sessions (their epoch no longer matches)."""
        with self._writing("people") as db:
            result = db.execute(
                update(users_table)
                .where(users_table.c.email == email)
                .values(session_epoch=users_table.c.session_epoch + 1, **values)
            )
            if result.rowcount == 0:
                raise LookupError(email)

    def reserve_login_attempt(self, limits: Mapping[str, tuple[int, float]], now: float) -> bool:
        """Count one attempt under each key unless a key already reached its limit (then False).

        ``limits`` maps a key (a client address, an account) to (attempts, window in seconds). The
        check and the count share one write transaction, so every worker sees the same numbers."""
        with self._writing("logins") as db:
            db.execute(
                login_attempts_table.delete().where(login_attempts_table.c.at < now - _ATTEMPTS_KEPT_SECONDS)
            )
            for key, (most, window) in limits.items():
                recent = db.execute(
                    select(func.count())
                    .select_from(login_attempts_table)
                    .where(login_attempts_table.c.key == key, login_attempts_table.c.at >= now - window)
                ).scalar_one()
                if recent >= most:
                    return False
            db.execute(insert(login_attempts_table), [{"key": key, "at": now} for key in limits])
        return True

    def forget_login_attempts(self, key: str) -> None:
        with self._writing("logins") as db:
            db.execute(login_attempts_table.delete().where(login_attempts_table.c.key == key))

    def count_shown(self, counts: Mapping[str, int]) -> None:
        """Add ``counts`` (actor id → times shown in results) to the counts kept."""
        if not counts:
            return
        with self._writing("shown") as db:
            statement = insert_for(db, shown_table)
            db.execute(
                statement.on_conflict_do_update(
                    index_elements=["actor_id"],
                    set_={"shown": shown_table.c.shown + statement.excluded.shown},
                ),
                [{"actor_id": actor_id, "shown": n} for actor_id, n in sorted(counts.items())],
            )

    def shown_counts(self) -> dict[str, int]:
        """How many times each actor was shown in results (actors never shown are absent)."""
        with self.engine.connect() as db:
            return {row.actor_id: row.shown for row in db.execute(select(shown_table))}

    # --- internals --------------------------------------------------------------------------

    def _get(self, db: Connection, actor_id: str) -> StoredActor:
        row = db.execute(select(actors_table).where(actors_table.c.id == actor_id)).first()
        if row is None:
            raise ActorNotFound(actor_id)
        return _stored(row)

    def _create(self, db: Connection, actor: Actor, author: str) -> StoredActor:
        feature = _valid_feature(actor)
        exists = db.execute(select(actors_table.c.id).where(actors_table.c.id == actor.id)).first()
        if exists:
            raise DuplicateActor(actor.id)
        db.execute(insert(actors_table).values(id=actor.id, version=1, feature=_dumps(feature)))
        changes = {
            name: (None, value)
            for name, value in feature["properties"].items()
            if value not in (None, "", [])
        }
        self._revise(db, actor.id, 1, author, "création", changes, feature)
        return StoredActor(actor, 1)

    def _update(
        self, db: Connection, actor: Actor, expected_version: int, author: str, action: str
    ) -> StoredActor:
        feature = _valid_feature(actor)
        current = self._get(db, actor.id)
        if current.version != expected_version:
            raise StaleVersion(current)
        changes = diff(current.actor, actor)
        if not changes:
            return current
        result = db.execute(
            update(actors_table)
            .where(actors_table.c.id == actor.id, actors_table.c.version == expected_version)
            .values(version=expected_version + 1, feature=_dumps(feature))
        )
        if result.rowcount != 1:  # pragma: no cover - writers of actors take turns
            raise StaleVersion(self._get(db, actor.id))
        self._revise(db, actor.id, expected_version + 1, author, action, changes, feature)
        return StoredActor(actor, expected_version + 1)

    def _revise(
        self,
        db: Connection,
        actor_id: str,
        version: int,
        author: str,
        action: str,
        changes: dict[str, tuple[Any, Any]],
        feature: dict[str, Any],
    ) -> None:
        db.execute(
            insert(revisions_table).values(
                actor_id=actor_id,
                version=version,
                author=author,
                action=action,
                at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                changes=_dumps(changes),
                feature=_dumps(feature),
            )
        )


def _valid_feature(actor: Actor) -> dict[str, Any]:
    feature = actor_to_feature(actor)
    problems = validate_feature(feature)
    if problems:
        raise InvalidActor(problems)
    return feature


def _person(row: Any) -> dict[str, Any]:
    person = dict(row._mapping)
    person["disabled"] = bool(person["disabled"])
    return person


def _stored(row: Any) -> StoredActor:
    return StoredActor(actor_from_feature(json.loads(row.feature)), row.version)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)

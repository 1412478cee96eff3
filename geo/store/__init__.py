"""Where actors and managers live: one interface, an embedded SQLite default, PostgreSQL later."""

from geo.store.base import (
    ActorNotFound, ActorStore, DuplicateActor, InvalidActor, Revision, StaleVersion, StoredActor,
)

__all__ = ["ActorNotFound", "ActorStore", "DuplicateActor", "InvalidActor", "Revision",
           "StaleVersion", "StoredActor"]

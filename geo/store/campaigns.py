"""Campaigns in the store (SQLite or PostgreSQL): the encounter log (idempotent on the tablet's UUID),
the tallies the retention folds old encounters into, the aggregated history, the volunteers' teams.

Only what ``geo.campaigns.model`` defines has a column: there is nowhere to put a name, an address or
a position.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from geo.campaigns.model import Campaign, Encounter, HistoryTotals, Tally, tally_of

metadata = MetaData()
_ANSWERS = ("commune", "iris", "qpv", "en_recherche", "accompagne", "accompagne_par", "tranche_age", "equipe")


def _answer_columns() -> list[Column[Any]]:
    return [
        *(Column(name, String) for name in _ANSWERS),
        Column("mise_en_lien", Integer),
        Column("demo_mes_offres", Integer),
        Column("acteurs", Text),
        Column("besoins", Text),
    ]


campaigns_table = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nom", String),
    Column("communes", Text),
    Column("secteurs", Text),
    Column("debut", String),
    Column("fin", String),
    Column("close", Integer),
)
volunteers_table = Table(
    "campaign_volunteers",
    metadata,
    Column("campagne", Integer, primary_key=True),
    Column("email", String, primary_key=True),
    Column("equipe", String),
)
encounters_table = Table(
    "encounters",
    metadata,
    Column("id", String, primary_key=True),
    Column("campagne", Integer),
    Column("jour", String),
    *_answer_columns(),
)
tallies_table = Table(
    "encounter_tallies",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("campagne", Integer),
    Column("semaine", String),
    *_answer_columns(),
    Column("nombre", Integer),
)
history_table = Table(
    "campaign_history",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=True),
    Column("campagne", Integer),
    Column("periode", String),
    Column("source", String),
    Column("rencontres", Integer),
    Column("en_recherche", Integer),
    Column("non_accompagnes", Integer),
    Column("mises_en_lien", Integer),
    Column("demos_mes_offres", Integer),
    Column("note", String),
)


class CampaignStore:
    """Mixed into the SQL store, which provides ``engine`` and ``_writing``."""

    engine: Engine

    def _writing(self, kind: str = "actors") -> AbstractContextManager[Connection]:
        raise NotImplementedError  # the SQL store's

    # --- campaigns ---------------------------------------------------------------------------

    def add_campaign(
        self,
        nom: str,
        communes: Sequence[str],
        secteurs: Sequence[str] = (),
        debut: dt.date | None = None,
        fin: dt.date | None = None,
    ) -> Campaign:
        with self._writing("campaigns") as db:
            number = db.execute(
                insert(campaigns_table).values(
                    nom=nom,
                    communes=json.dumps(list(communes)),
                    secteurs=json.dumps(list(secteurs)),
                    debut=debut.isoformat() if debut else None,
                    fin=fin.isoformat() if fin else None,
                    close=0,
                )
            ).inserted_primary_key
        created = self.campaign(int(number[0]) if number else 0)
        assert created is not None
        return created

    def campaigns(self) -> list[Campaign]:
        with self.engine.connect() as db:
            rows = db.execute(select(campaigns_table).order_by(campaigns_table.c.id.desc())).all()
        return [_campaign(row) for row in rows]

    def campaign(self, campaign_id: int) -> Campaign | None:
        with self.engine.connect() as db:
            row = db.execute(select(campaigns_table).where(campaigns_table.c.id == campaign_id)).first()
        return _campaign(row) if row else None

    def close_campaign(self, campaign_id: int) -> None:
        with self._writing("campaigns") as db:
            db.execute(update(campaigns_table).where(campaigns_table.c.id == campaign_id).values(close=1))

    def set_volunteer_team(self, campaign_id: int, email: str, equipe: str | None) -> None:
        """Put a volunteer in a campaign, in a team (None: the campaign's single team)."""
        with self._writing("campaigns") as db:
            statement = insert_for(db, volunteers_table).values(
                campagne=campaign_id, email=email, equipe=equipe
            )
            db.execute(
                statement.on_conflict_do_update(index_elements=["campagne", "email"], set_={"equipe": equipe})
            )

    def remove_volunteer(self, campaign_id: int, email: str) -> None:
        with self._writing("campaigns") as db:
            db.execute(
                volunteers_table.delete().where(
                    (volunteers_table.c.campagne == campaign_id) & (volunteers_table.c.email == email)
                )
            )

    def volunteers(self, campaign_id: int) -> dict[str, str | None]:
        """The campaign's volunteers (e-mail → team)."""
        with self.engine.connect() as db:
            rows = db.execute(
                select(volunteers_table)
                .where(volunteers_table.c.campagne == campaign_id)
                .order_by(volunteers_table.c.email)
            ).all()
        return {row.email: row.equipe for row in rows}

    # --- the log -----------------------------------------------------------------------------

    def add_encounters(self, encounters: Sequence[Encounter]) -> int:
        """Record a batch in one transaction; an id already recorded (a retry) changes nothing.
        Returns how many were new."""
        if not encounters:
            return 0
        twice = Counter(e.id for e in set(encounters))
        if any(count > 1 for count in twice.values()):
            raise EncounterConflict(sorted(i for i, count in twice.items() if count > 1))
        with self._writing("campaigns") as db:
            inserted = db.execute(
                insert_for(db, encounters_table)
                .on_conflict_do_nothing(index_elements=["id"])
                .returning(encounters_table.c.id),
                [_encounter_row(e) for e in encounters],
            )
            new = {row.id for row in inserted}
            resent = {e.id: e for e in encounters if e.id not in new}
            if resent:
                _check_same(db, resent)  # raising rolls the whole batch back
            return len(new)

    def tallies(self, campaign_id: int) -> list[Tally]:
        """The campaign's log: each encounter (1) and each folded tally (n)."""
        with self.engine.connect() as db:
            rows = db.execute(
                select(encounters_table).where(encounters_table.c.campagne == campaign_id)
            ).all()
            folded = db.execute(select(tallies_table).where(tallies_table.c.campagne == campaign_id)).all()
        return [*(tally_of(_encounter(row)) for row in rows), *(_tally(row) for row in folded)]

    def encounter_counts(self) -> dict[int, int]:
        """How many encounters each campaign logged (those folded into tallies included), by id."""
        counts: Counter[int] = Counter()
        logged = select(encounters_table.c.campagne, func.count()).group_by(encounters_table.c.campagne)
        folded = select(tallies_table.c.campagne, func.sum(tallies_table.c.nombre))
        with self.engine.connect() as db:
            for query in (logged, folded.group_by(tallies_table.c.campagne)):
                for row in db.execute(query):
                    counts[row[0]] += row[1]
        return dict(counts)

    def archive_encounters(self, before: dt.date) -> int:
        """Fold the encounters of days before ``before`` into tallies (one transaction): the figures stay,
        the rows go. Returns how many were folded."""
        with self._writing("campaigns") as db:
            rows = db.execute(
                select(encounters_table).where(encounters_table.c.jour < before.isoformat())
            ).all()
            counted = Counter(tally_of(_encounter(row)) for row in rows)
            if counted:
                db.execute(insert(tallies_table), [_tally_row(tally, n) for tally, n in counted.items()])
                db.execute(encounters_table.delete().where(encounters_table.c.jour < before.isoformat()))
        return len(rows)

    # --- history -----------------------------------------------------------------------------

    def add_history(self, record: HistoryTotals) -> None:
        with self._writing("campaigns") as db:
            db.execute(
                insert(history_table).values(
                    campagne=record.campagne,
                    periode=record.periode,
                    source=record.source,
                    rencontres=record.rencontres,
                    en_recherche=record.en_recherche,
                    non_accompagnes=record.non_accompagnes,
                    mises_en_lien=record.mises_en_lien,
                    demos_mes_offres=record.demos_mes_offres,
                    note=record.note,
                )
            )

    def history_totals(self, campaign_id: int) -> list[HistoryTotals]:
        with self.engine.connect() as db:
            rows = db.execute(
                select(history_table)
                .where(history_table.c.campagne == campaign_id)
                .order_by(history_table.c.number)
            ).all()
        return [
            HistoryTotals(
                row.campagne,
                row.periode,
                row.source,
                row.rencontres,
                row.en_recherche,
                row.non_accompagnes,
                row.mises_en_lien,
                row.demos_mes_offres,
                row.note,
                row.number,
            )
            for row in rows
        ]


class EncounterConflict(ValueError):
    """Encounters sent again with an id already recorded, but other answers or another campaign: a
    tablet with a bug, to be noticed rather than counted. ``ids``: the conflicting ones."""

    def __init__(self, ids: Sequence[str]):
        super().__init__(f"rencontres déjà reçues avec d’autres réponses : {', '.join(ids)}")
        self.ids = tuple(ids)


def _check_same(db: Connection, resent: dict[str, Encounter]) -> None:
    """Raise ``EncounterConflict`` for the resent encounters that differ from the recorded ones (the
    team is the sender's, not an answer)."""
    rows = db.execute(select(encounters_table).where(encounters_table.c.id.in_(list(resent)))).all()
    differing = sorted(
        row.id
        for row in rows
        if dataclasses.replace(_encounter(row), equipe=None)
        != dataclasses.replace(resent[row.id], equipe=None)
    )
    if differing:
        raise EncounterConflict(differing)


def insert_for(db: Connection, table: Table) -> Any:
    """An INSERT that can say what to do on a conflict, in the connection's dialect (imported only
    for the dialect in use: PostgreSQL's package costs a SQLite command 35 ms of start-up)."""
    if db.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def _campaign(row: Any) -> Campaign:
    return Campaign(
        row.id,
        row.nom,
        tuple(json.loads(row.communes)),
        tuple(json.loads(row.secteurs)),
        dt.date.fromisoformat(row.debut) if row.debut else None,
        dt.date.fromisoformat(row.fin) if row.fin else None,
        bool(row.close),
    )


def _answer_values(item: Encounter | Tally) -> dict[str, Any]:
    return {
        "commune": item.commune,
        "iris": item.iris,
        "qpv": item.qpv,
        "en_recherche": item.en_recherche,
        "accompagne": item.accompagne,
        "accompagne_par": item.accompagne_par,
        "tranche_age": item.tranche_age,
        "equipe": item.equipe,
        "mise_en_lien": int(item.mise_en_lien),
        "demo_mes_offres": int(item.demo_mes_offres),
        "acteurs": json.dumps(list(item.acteurs)),
        "besoins": json.dumps(list(item.besoins)),
    }


def _encounter_row(encounter: Encounter) -> dict[str, Any]:
    return {
        "id": encounter.id,
        "campagne": encounter.campagne,
        "jour": encounter.jour.isoformat(),
        **_answer_values(encounter),
    }


def _tally_row(tally: Tally, nombre: int) -> dict[str, Any]:
    return {
        "campagne": tally.campagne,
        "semaine": tally.semaine,
        **_answer_values(tally),
        "nombre": tally.nombre * nombre,
    }


def _answers_of(row: Any) -> dict[str, Any]:
    return {
        "commune": row.commune,
        "iris": row.iris,
        "qpv": row.qpv,
        "en_recherche": row.en_recherche,
        "accompagne": row.accompagne,
        "accompagne_par": row.accompagne_par,
        "mise_en_lien": bool(row.mise_en_lien),
        "acteurs": tuple(json.loads(row.acteurs)),
        "demo_mes_offres": bool(row.demo_mes_offres),
        "tranche_age": row.tranche_age,
        "besoins": tuple(json.loads(row.besoins)),
        "equipe": row.equipe,
    }


def _encounter(row: Any) -> Encounter:
    return Encounter(row.id, row.campagne, dt.date.fromisoformat(row.jour), **_answers_of(row))


def _tally(row: Any) -> Tally:
    return Tally(row.campagne, row.semaine, **_answers_of(row), nombre=row.nombre)

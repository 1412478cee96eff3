"""How often each actor appears in the volunteers' results, counted by actor only — no time, no place,
no search kept — so that managers verify first what volunteers meet most (the verification queue).

Each worker adds up in memory and writes its counts at most once a minute, on a later search (one
upsert, never a write per search); what a worker still holds when it stops is written then. A count
lost to a crash only makes an actor look a little less met.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections import Counter
from collections.abc import Iterable

from flask import Flask, current_app

FLUSH_SECONDS = 60.0


class ShownTally:
    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.written_at = time.monotonic()
        atexit.register(_flush_at_exit, weakref.ref(self))  # a weak one: an app let go is not kept

    def note(self, actor_ids: Iterable[str]) -> None:
        with self.lock:
            self.counts.update(set(actor_ids))
            due = time.monotonic() - self.written_at >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        """Write what this worker counted; kept for the next time if the store cannot take it."""
        from webmap.services import current_store

        with self.lock:
            counts, self.counts = self.counts, Counter()
            self.written_at = time.monotonic()
        if not counts:
            return
        try:
            with self.app.app_context():
                current_store().count_shown(counts)
        except Exception as error:  # the search answered; the count waits
            with self.lock:
                self.counts.update(counts)
            self.app.logger.warning("comptage des acteurs montrés remis à plus tard : %s", error)


def _flush_at_exit(tally: weakref.ReferenceType[ShownTally]) -> None:
    alive = tally()
    if alive is not None:
        alive.flush()


def shown_tally() -> ShownTally:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    tally = app.extensions.get("carto_shown")
    if tally is None:
        tally = app.extensions.setdefault("carto_shown", ShownTally(app))
    return tally

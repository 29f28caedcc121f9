"""Storage side of history imports: the catalogue as match entries, imported listens as events.

Imported listens are ``interactions`` rows (kind play or skip, the listen's own time, context
``import:<source>``), so recommendations, Insights and the map read them like any feedback. A
partial unique index on (user, track, time) for those contexts makes a re-import store nothing
twice; the insert says ``ON CONFLICT DO NOTHING`` against exactly that index. Library signals
(a Spotify saved track: like; a top track: favourite) have no moment of their own, so they are
stored once per (user, track, context, kind): those already stored are dropped before the insert.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.importers.history.listen import ONCE_PER_TRACK_KINDS
from db.importers.history.matching import CatalogueEntry
from db.models import IMPORTED_LISTEN_PREDICATE, Artist, Interaction, Track
from music.schema import InteractionKind

IMPORT_CONTEXT_PREFIX = "import:"
BATCH_ROWS = 5_000


@dataclass(frozen=True)
class StoredListen:
    track_id: str
    kind: InteractionKind  # PLAY or SKIP
    at: datetime  # UTC, whole seconds
    source: str


def context_for(source: str) -> str:
    return f"{IMPORT_CONTEXT_PREFIX}{source}"[:64]


def catalogue_entries(session: Session) -> Iterator[CatalogueEntry]:
    query = select(Track.id, Track.name, Artist.name, Track.artist_names, Track.popularity).join(
        Artist, Artist.id == Track.artist_id
    )
    for track_id, title, artist, artist_names, popularity in session.execute(query):
        yield CatalogueEntry(track_id, title, artist, artist_names or "", float(popularity or 0))


def imported_count(session: Session, user_id: int) -> int:
    query = (
        select(func.count())
        .select_from(Interaction)
        .where(
            Interaction.user_id == user_id,
            Interaction.context.like(f"{IMPORT_CONTEXT_PREFIX}%"),
        )
    )
    return int(session.scalar(query) or 0)


def store_listens(session: Session, user_id: int, listens: Sequence[StoredListen]) -> int:
    """Insert the listens not stored yet (batched, caller's transaction); return how many."""
    listens = _without_stored_library_signals(session, user_id, listens)
    if not listens:
        return 0
    before = imported_count(session, user_id)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Interaction.__table__).on_conflict_do_nothing(
        index_elements=["user_id", "track_id", "at"],
        index_where=text(IMPORTED_LISTEN_PREDICATE),
    )
    for start in range(0, len(listens), BATCH_ROWS):
        rows = [
            {
                "user_id": user_id,
                "track_id": listen.track_id,
                "kind": listen.kind,
                "at": listen.at,
                "context": context_for(listen.source),
            }
            for listen in listens[start : start + BATCH_ROWS]
        ]
        session.execute(statement, rows)
    return imported_count(session, user_id) - before


def _without_stored_library_signals(
    session: Session, user_id: int, listens: Sequence[StoredListen]
) -> list[StoredListen]:
    """``listens`` minus the likes / favourites this user already has from the same source."""
    once = [listen for listen in listens if listen.kind in ONCE_PER_TRACK_KINDS]
    if not once:
        return list(listens)
    contexts = {context_for(listen.source) for listen in once}
    stored = {
        tuple(row)
        for row in session.execute(
            select(Interaction.track_id, Interaction.context, Interaction.kind).where(
                Interaction.user_id == user_id,
                Interaction.context.in_(contexts),
                Interaction.kind.in_(ONCE_PER_TRACK_KINDS),
            )
        )
    }
    return [
        listen
        for listen in listens
        if (listen.track_id, context_for(listen.source), listen.kind) not in stored
    ]

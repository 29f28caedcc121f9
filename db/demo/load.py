"""Generate the demo catalogue and its listeners and write both in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.demo.catalogue import generate_catalogue
from db.demo.listeners import generate_listeners
from db.demo.writer import ListenerWriteSummary, delete_demo_data, write_listeners
from db.importers.writer import WriteSummary, progress_total, write_catalogue
from db.models import Track

DEFAULT_TRACKS = 6_000
DEFAULT_LISTENERS = 240
DEFAULT_SEED = 7


class CatalogueNotEmptyError(RuntimeError):
    """The catalogue already holds tracks and the caller did not ask to replace them."""

    def __init__(self, tracks: int) -> None:
        super().__init__(f"the catalogue already holds {tracks:,} tracks")
        self.tracks = tracks


@dataclass(frozen=True)
class DemoLoadSummary:
    catalogue: WriteSummary
    listeners: ListenerWriteSummary
    genres: int
    replaced_tracks: int


def track_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Track)) or 0)


def load_demo_data(
    session: Session,
    *,
    n_tracks: int = DEFAULT_TRACKS,
    n_listeners: int = DEFAULT_LISTENERS,
    seed: int = DEFAULT_SEED,
    replace: bool = False,
    now: datetime | None = None,
    on_generated: Callable[[int], Callable[[int], None] | None] | None = None,
) -> DemoLoadSummary:
    """Fill an empty catalogue with generated music and listeners, in the session's transaction.

    Refuses (``CatalogueNotEmptyError``) when tracks exist, unless ``replace``: then the current
    catalogue and the generated users are deleted first. ``on_generated(total)`` is called once
    the frames exist with the number of progress units the write will report, and may return a
    ``progress(n)`` callback for the write.
    """
    existing = track_count(session)
    if existing and not replace:
        raise CatalogueNotEmptyError(existing)
    frames = generate_catalogue(n_tracks=n_tracks, seed=seed)
    listeners = generate_listeners(frames, n_listeners=n_listeners, seed=seed, now=now)
    progress = on_generated(progress_total(frames)) if on_generated else None
    replaced = delete_demo_data(session) if existing else 0
    catalogue = write_catalogue(session, frames, progress=progress)
    written = write_listeners(session, listeners)
    return DemoLoadSummary(
        catalogue=catalogue,
        listeners=written,
        genres=int(frames.track_genres["genre"].nunique()),
        replaced_tracks=replaced,
    )

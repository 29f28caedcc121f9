"""Record what a listener did with a track (like, favourite, skip, play, ban) and manage their bans.

Each call is one transaction: the feedback event and, for bans, the standing ban land together or
not at all. A client may name each event with its own ``event_id``: a retried request with the same
id (a timeout, a double delivery) finds the stored event, stores nothing and answers as success.
The user id always comes from the caller's ``current_user``; ids the client sends (track, artist,
ban) are checked to exist and, for bans, to belong to that user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Ban, Interaction, Track, User, utcnow
from db.queries import listeners
from db.queries.history import IMPORT_CONTEXT_PREFIX
from db.queries.listeners import BanRow
from db.session import session_scope
from music.schema import InteractionKind

# What the buttons and the API may send: the event kinds plus the two kinds of ban.
BAN_TRACK = "ban_track"
BAN_ARTIST = "ban_artist"
FEEDBACK_KINDS: tuple[str, ...] = (
    InteractionKind.PLAY.value,
    InteractionKind.LIKE.value,
    InteractionKind.FAVOURITE.value,
    InteractionKind.SKIP.value,
    BAN_TRACK,
    BAN_ARTIST,
)
T = TypeVar("T")
MAX_CONTEXT_LENGTH = 64
MAX_EVENT_ID_LENGTH = 64


class FeedbackError(ValueError):
    """The request names something that does not exist or is not allowed; the message says what."""


@dataclass(frozen=True)
class FeedbackOutcome:
    kind: str
    track_id: str
    artist_id: int
    message: str  # a short confirmation for the user: "Liked “Song”."
    replayed: bool = False  # True when this event_id was already stored: nothing was written
    track_name: str = ""


def _track(session: Session, track_id: str) -> Track:
    track = session.get(Track, str(track_id)) if track_id else None
    if track is None:
        raise FeedbackError(f"There is no track with id {track_id!r}.")
    return track


def _require_user(session: Session, user_id: int) -> None:
    if session.get(User, user_id) is None:
        raise FeedbackError("Your account no longer exists; log in again.")


def _ensure_ban(
    session: Session, user_id: int, *, track_id: str | None = None, artist_id: int | None = None
) -> None:
    column, value = (Ban.track_id, track_id) if track_id is not None else (Ban.artist_id, artist_id)
    exists = session.scalar(select(Ban.id).where(Ban.user_id == user_id, column == value))
    if exists is None:
        session.add(Ban(user_id=user_id, track_id=track_id, artist_id=artist_id))


def check_event_id(event_id: object) -> str | None:
    """A client event id: None, or 1..64 printable characters."""
    if event_id is None:
        return None
    if (
        not isinstance(event_id, str)
        or not 1 <= len(event_id) <= MAX_EVENT_ID_LENGTH
        or not event_id.isprintable()
    ):
        raise FeedbackError(
            f"event_id must be a string of 1 to {MAX_EVENT_ID_LENGTH} printable characters."
        )
    return event_id


def _stored_event(session: Session, user_id: int, event_id: str) -> Interaction | None:
    return session.scalar(
        select(Interaction).where(Interaction.user_id == user_id, Interaction.event_id == event_id)
    )


def record_feedback(
    user_id: int,
    track_id: str,
    kind: str,
    *,
    context: str = "home",
    now: datetime | None = None,
    event_id: str | None = None,
) -> FeedbackOutcome:
    """Log one event; ``ban_track`` / ``ban_artist`` also add the standing ban (idempotently).

    With an ``event_id`` the call is idempotent per user: a replay returns the first outcome
    (``replayed=True``) and writes nothing.
    """
    return record_and_read(
        user_id, track_id, kind, None, context=context, now=now, event_id=event_id
    )[0]


def record_and_read(
    user_id: int,
    track_id: str,
    kind: str,
    read: Callable[[Session], T] | None,
    *,
    context: str = "home",
    now: datetime | None = None,
    event_id: str | None = None,
) -> tuple[FeedbackOutcome, T | None]:
    """``record_feedback``, then ``read(session)`` in the same transaction (it sees the new event).

    One transaction per click: Home records a click and reads the listener's state for the new
    list with one connection checkout and one commit instead of two of each.
    """
    if kind not in FEEDBACK_KINDS:
        raise FeedbackError(f"Unknown feedback {kind!r}: use one of {', '.join(FEEDBACK_KINDS)}.")
    if (context or "").startswith(IMPORT_CONTEXT_PREFIX):
        # Imported listens are deduplicated by that prefix: a click must never pose as one.
        raise FeedbackError(f"The context {IMPORT_CONTEXT_PREFIX!r}… is reserved for imports.")
    event_id = check_event_id(event_id)
    try:
        return _record(user_id, track_id, kind, context, now, event_id, read)
    except IntegrityError:
        # The insert is tried first and the constraints decide (two round trips less on every
        # click): a replayed or concurrently delivered event id hits the unique (user, event id)
        # key and the replay finds the stored row; a deleted account hits the user foreign key.
        # Nothing was written: the transaction rolled back. Anything else is a real error.
        with session_scope() as session:
            _require_user(session, user_id)
            stored = _stored_event(session, user_id, event_id) if event_id is not None else None
            if stored is None:
                raise
            return _replay(session, stored, kind), read(session) if read else None


def _replay(session: Session, stored: Interaction, kind: str) -> FeedbackOutcome:
    track = _track(session, stored.track_id)
    return FeedbackOutcome(
        kind, track.id, track.artist_id, _confirmation(kind, track), True, track.name
    )


def _record(
    user_id: int,
    track_id: str,
    kind: str,
    context: str,
    now: datetime | None,
    event_id: str | None,
    read: Callable[[Session], T] | None,
) -> tuple[FeedbackOutcome, T | None]:
    event_kind = InteractionKind.BAN if kind in (BAN_TRACK, BAN_ARTIST) else InteractionKind(kind)
    with session_scope(write=True) as session:
        track = _track(session, track_id)
        session.add(
            Interaction(
                user_id=user_id,
                track_id=track.id,
                kind=event_kind,
                at=now or utcnow(),
                context=(context or None) and context[:MAX_CONTEXT_LENGTH],
                event_id=event_id,
            )
        )
        session.flush()  # the constraints speak here, before anything reads or answers
        if kind == BAN_TRACK:
            _ensure_ban(session, user_id, track_id=track.id)
        elif kind == BAN_ARTIST:
            _ensure_ban(session, user_id, artist_id=track.artist_id)
        outcome = FeedbackOutcome(
            kind, track.id, track.artist_id, _confirmation(kind, track), track_name=track.name
        )
        if read is None:
            return outcome, None
        session.flush()  # the read sees the ban too
        return outcome, read(session)


def _confirmation(kind: str, track: Track) -> str:
    title = f"“{track.name}”"
    return {
        InteractionKind.PLAY.value: f"Noted that you played {title}.",
        InteractionKind.LIKE.value: f"Liked {title}.",
        InteractionKind.FAVOURITE.value: f"Added {title} to your favourites.",
        InteractionKind.SKIP.value: f"Skipped {title}; it will not come back for a while.",
        BAN_TRACK: f"Banned {title}; it will never be suggested again.",
        BAN_ARTIST: f"Banned {track.artist_names}; none of their tracks will be suggested.",
    }[kind]


def ban_artist(user_id: int, artist_id: int) -> None:
    with session_scope(write=True) as session:
        _require_user(session, user_id)
        if not listeners.existing_artist_ids(session, [int(artist_id)]):
            raise FeedbackError(f"There is no artist with id {artist_id!r}.")
        _ensure_ban(session, user_id, artist_id=int(artist_id))


def ban_track(user_id: int, track_id: str) -> None:
    """A ban without a feedback event (from the API or the profile); Home uses record_feedback."""
    with session_scope(write=True) as session:
        _require_user(session, user_id)
        _ensure_ban(session, user_id, track_id=_track(session, track_id).id)


def unban(user_id: int, ban_id: int) -> bool:
    """Lift one of the user's bans; False when they have no ban with that id (someone else's)."""
    with session_scope(write=True) as session:
        result = session.execute(delete(Ban).where(Ban.id == int(ban_id), Ban.user_id == user_id))
        return bool(result.rowcount)


def ban_page(user_id: int, *, limit: int, offset: int = 0) -> tuple[list[BanRow], int]:
    """One page of the user's bans, newest first, and how many they have."""
    with session_scope() as session:
        rows = listeners.ban_rows(session, user_id, limit=limit, offset=offset)
        return rows, listeners.ban_count(session, user_id)


def list_bans(user_id: int) -> list[BanRow]:
    """Every ban the user holds, newest first (the profile's list)."""
    with session_scope() as session:
        return listeners.ban_rows(session, user_id)

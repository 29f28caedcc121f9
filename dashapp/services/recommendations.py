"""Recommend for a user: read their history, bans and stated taste, ask the served model, describe.

The model is whatever ``model_store.current()`` serves; nothing here trains. Feedback is read from
the database on every call, so a like or a ban changes the very next list (no retraining needed):
rated tracks (liked, favourited, skipped, banned) are not offered again on Home, banned artists
never are, and the recommender folds the new events into the listener's taste.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import pandas as pd
from sqlalchemy.orm import Session

from dashapp.services import model_store
from dashapp.services.model_messages import NO_MODEL_YET
from dashapp.services.model_store import LoadedModel
from db.queries import listeners
from db.session import session_scope
from ml.filters import TrackFilter
from music.links import spotify_link
from music.moods import MOOD_LABELS, QUADRANT_MOODS
from music.schema import Exclusions

log = logging.getLogger(__name__)

# The newest events are what moves a taste; older ones are decayed to almost nothing anyway.
HISTORY_LIMIT = 5_000
MAX_K = 100
NO_MODEL_MESSAGE = (
    f"No recommendation model is serving yet. {NO_MODEL_YET} "
    "Your likes and preferences are kept until then."
)
ERROR_MESSAGE = "Recommendations are unavailable right now; please try again in a minute."

Status = Literal["ok", "no_model", "error"]


class RecommendationError(ValueError):
    """A request parameter is out of range; the message says which."""


@dataclass(frozen=True)
class RecommendedTrack:
    track_id: str
    name: str
    artist_id: int
    artist_name: str
    genre: str
    mood: str  # primary mood (one of music.moods.QUADRANT_MOODS), "" when unknown
    moods: tuple[str, ...]
    cluster: int
    cluster_name: str
    score: float
    reasons: tuple[str, ...]
    spotify_url: str | None  # None for generated demo tracks, which are not on Spotify

    def as_json(self) -> dict[str, Any]:
        return {
            "track_id": self.track_id,
            "name": self.name,
            "artist_id": self.artist_id,
            "artist_name": self.artist_name,
            "genre": self.genre,
            "mood": self.mood,
            "moods": list(self.moods),
            "cluster": self.cluster,
            "cluster_name": self.cluster_name,
            "score": round(self.score, 6),
            "reasons": list(self.reasons),
            "spotify_url": self.spotify_url,
        }


@dataclass(frozen=True)
class RecommendationList:
    status: Status
    tracks: list[RecommendedTrack] = field(default_factory=list)
    model_version: str | None = None
    adventurousness: float = 0.5
    message: str = ""


@dataclass(frozen=True)
class ListenerLikeYou:
    """Another listener, described without naming them (other people's accounts stay private)."""

    similarity: float
    shared_tracks: int
    shared_artists: int
    cluster_name: str


def mood_label(mood: str) -> str:
    """A primary mood as the user reads it ("" for none)."""
    return MOOD_LABELS.get(mood, mood) if mood else ""


def spotify_url(track_id: str, source: str) -> str | None:
    return spotify_link(track_id, source)


def check_k(k: Any) -> int:
    try:
        value = int(k)
    except (TypeError, ValueError):
        raise RecommendationError(f"k must be a whole number from 1 to {MAX_K}.") from None
    if not 1 <= value <= MAX_K:
        raise RecommendationError(f"k must be a whole number from 1 to {MAX_K}.")
    return value


def check_adventurousness(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RecommendationError("adventurousness must be a number from 0 to 1.") from None
    if not 0.0 <= number <= 1.0:
        raise RecommendationError("adventurousness must be a number from 0 to 1.")
    return number


@dataclass(frozen=True)
class ListenerState:
    """Everything about the user the recommender needs, read in one session."""

    history: list
    rated: frozenset[str]
    bans: Exclusions
    preferences: listeners.StoredPreferences


def listener_state(user_id: int) -> ListenerState:
    with session_scope() as session:
        return read_listener_state(session, user_id)


def read_listener_state(session: Session, user_id: int) -> ListenerState:
    history = listeners.history(session, user_id, limit=HISTORY_LIMIT)
    # A history under the limit is every event: its rated tracks need no second query (one
    # round trip less on every click).
    complete = len(history) < HISTORY_LIMIT
    return ListenerState(
        history=history,
        rated=listeners.rated_in(history)
        if complete
        else listeners.rated_track_ids(session, user_id),
        bans=listeners.bans(session, user_id),
        preferences=listeners.preferences(session, user_id),
    )


def for_user(
    user_id: int,
    *,
    k: int = 20,
    adventurousness: float | None = None,
    track_filter: TrackFilter | None = None,
    now: datetime | None = None,
) -> RecommendationList:
    """The user's current recommendations, or a status saying why there are none."""
    k = check_k(k)
    if adventurousness is not None:
        adventurousness = check_adventurousness(adventurousness)
    state = listener_state(user_id)
    return recommend_for_state(
        user_id, state, model_store.current(), k, adventurousness, track_filter, now
    )


def recommend_for_state(
    user_id: int,
    state: ListenerState,
    model: LoadedModel | None,
    k: int,
    adventurousness: float | None,
    track_filter: TrackFilter | None = None,
    now: datetime | None = None,
    unexplained: AbstractSet[str] = frozenset(),
) -> RecommendationList:
    """Recommendations from an already read listener state (one read per user action).

    Tracks in ``unexplained`` (already on the user's screen) come without reasons.
    """
    chosen = state.preferences.adventurousness if adventurousness is None else adventurousness
    if model is None:
        return RecommendationList("no_model", adventurousness=chosen, message=NO_MODEL_MESSAGE)
    from ml.recommender import Preferences

    exclusions = Exclusions(
        track_ids=frozenset(state.rated | state.bans.track_ids),
        artist_ids=frozenset(state.bans.artist_ids),
    )
    prefs = Preferences(
        genres=state.preferences.genres,
        moods=state.preferences.moods,
        # A banned artist is no longer a chosen one (the ban is the newer word of the user).
        artist_ids=tuple(a for a in state.preferences.artist_ids if a not in exclusions.artist_ids),
    )
    try:
        recs = model.recommender.recommend(
            state.history,
            k=k,
            preferences=prefs,
            exclusions=exclusions,
            track_filter=track_filter,
            adventurousness=chosen,
            now=now,
            unexplained=unexplained,
        )
    except Exception:
        log.exception("recommend failed for user %s on model %s", user_id, model.version)
        return RecommendationList(
            "error", model_version=model.version, adventurousness=chosen, message=ERROR_MESSAGE
        )
    tracks = describe(model, recs)
    # The recommender promises to honour exclusions; a ban is a promise to the user, so check.
    tracks = [
        t
        for t in tracks
        if t.track_id not in exclusions.track_ids and t.artist_id not in exclusions.artist_ids
    ]
    return RecommendationList("ok", tracks, model.version, chosen)


def describe(model: LoadedModel, recs: Sequence[Any]) -> list[RecommendedTrack]:
    """Join recommendations with the catalogue: names, genre, mood, cluster name, Spotify link."""
    tracks = model.catalogue
    names = list(model.bundle.cluster_names)
    # Column arrays taken at the picks' positions: a label lookup per row cost ~1 ms each, and
    # taking whole rows copies every column of the catalogue.
    positions = tracks.index.get_indexer([r.track_id for r in recs])
    found = positions[positions >= 0]
    columns = {
        name: tracks[name].to_numpy()[found] if name in tracks.columns else [None] * len(found)
        for name in ("name", "artist_id", "artist_name", "genre", "source", "moods")
    }
    moods_column = columns["moods"]
    described = []
    row = 0
    for rec, position in zip(recs, positions, strict=True):
        if position < 0:
            log.warning("model %s recommended unknown track %s", model.version, rec.track_id)
            continue
        cluster = int(rec.cluster)
        moods = tuple(moods_column[row]) if isinstance(moods_column[row], tuple) else ()
        genre = columns["genre"][row]
        described.append(
            RecommendedTrack(
                track_id=str(rec.track_id),
                name=str(columns["name"][row]),
                artist_id=int(columns["artist_id"][row]),
                artist_name=str(columns["artist_name"][row]),
                genre=str(genre) if genre is not None and pd.notna(genre) else "",
                mood=next((m for m in moods if m in QUADRANT_MOODS), ""),
                moods=moods,
                cluster=cluster,
                cluster_name=names[cluster] if 0 <= cluster < len(names) else f"Cluster {cluster}",
                score=float(rec.score),
                reasons=tuple(rec.reasons),
                spotify_url=spotify_url(str(rec.track_id), str(columns["source"][row] or "")),
            )
        )
        row += 1
    return described


def listeners_like_you(user_id: int, k: int = 5) -> list[ListenerLikeYou]:
    """Listeners whose history resembles the user's; empty without a model or a history."""
    model = model_store.current()
    if model is None:
        return []
    return listeners_for_state(model, listener_state(user_id), user_id, k)


def listeners_for_state(
    model: LoadedModel | None, state: ListenerState, user_id: int, k: int = 5
) -> list[ListenerLikeYou]:
    """``listeners_like_you`` from an already read listener state."""
    if model is None or not state.history:
        return []
    try:
        # One more than asked, in case the user's own history was part of training.
        matches = model.recommender.listeners_like_you(state.history, k=k + 1)
    except Exception:
        log.exception("listeners_like_you failed for user %s", user_id)
        return []
    names = list(model.bundle.cluster_names)
    own = {str(user_id), f"user:{user_id}"}
    return [
        ListenerLikeYou(
            similarity=float(m.similarity),
            shared_tracks=int(m.shared_tracks),
            shared_artists=int(m.shared_artists),
            cluster_name=names[m.cluster] if 0 <= m.cluster < len(names) else "",
        )
        for m in matches
        if str(m.listener) not in own
    ][:k]

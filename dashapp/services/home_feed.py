"""Home's list as the user sees it: what arrives, and what one feedback click changes in it.

The list stays put under the user's cursor: a like or favourite marks its card, a skip or ban
replaces only the cards it removes, and the user learns how many new picks a refresh would bring.
Each user action reads the listener's state once; a click writes its event and reads the state in
one transaction (``feedback.record_and_read``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dashapp.services import feedback, model_store, recommendations
from dashapp.services.feedback import FeedbackOutcome
from dashapp.services.model_store import LoadedModel
from dashapp.services.recommendations import (
    ListenerLikeYou,
    ListenerState,
    RecommendationList,
    RecommendedTrack,
    Status,
)


@dataclass(frozen=True)
class HomeView:
    """What Home shows on arrival and on "Refresh picks", from one read of the listener's state."""

    picks: RecommendationList
    listeners: list[ListenerLikeYou]


def home_view(
    user_id: int,
    *,
    k: int = 20,
    adventurousness: float | None = None,
    with_listeners: bool = True,
) -> HomeView:
    """The user's picks and (``with_listeners``) their "listeners like you", reading their state
    once."""
    k = recommendations.check_k(k)
    if adventurousness is not None:
        adventurousness = recommendations.check_adventurousness(adventurousness)
    state = recommendations.listener_state(user_id)
    model = model_store.current()
    return HomeView(
        recommendations.recommend_for_state(user_id, state, model, k, adventurousness),
        recommendations.listeners_for_state(model, state, user_id) if with_listeners else [],
    )


# Candidates asked for beyond the shown list when cards leave it: replacements for skipped /
# banned cards come from them (a ban on an artist may take several shown cards at once).
SPARE_PICKS = 10
REPLACING_KINDS = ("skip", "ban_track", "ban_artist")
MAX_SHOWN = recommendations.MAX_K  # a longer list from the client is not one we showed


@dataclass(frozen=True)
class ListChange:
    """How a shown list changes after one feedback click, card by card (see ``after_feedback``).

    ``replaced`` maps a position to the pick that takes it, ``marked`` a position to the kind
    that marks it in place; ``shown`` is the list's track ids afterwards; ``new_picks`` counts the
    picks a refresh would bring in now.
    """

    status: Status
    shown: list[str]
    replaced: dict[int, RecommendedTrack] = field(default_factory=dict)
    marked: dict[int, str] = field(default_factory=dict)
    new_picks: int = 0
    message: str = ""


def check_shown(shown: Any) -> list[str]:
    """The client's list of shown track ids: at most ``MAX_SHOWN`` strings, else empty."""
    if not isinstance(shown, list) or len(shown) > MAX_SHOWN:
        return []
    return [t for t in shown if isinstance(t, str)][:MAX_SHOWN]


def record_and_update(
    user_id: int,
    shown: Any,
    track_id: str,
    kind: str,
    *,
    event_id: str | None = None,
    adventurousness: float | None = None,
) -> tuple[FeedbackOutcome, ListChange]:
    """One Home click: record it and work out the list's change, in one transaction.

    Raises ``feedback.FeedbackError`` for a click the user cannot make (unknown track, ...).
    """
    shown = check_shown(shown)
    if adventurousness is not None:
        adventurousness = recommendations.check_adventurousness(adventurousness)
    outcome, state = feedback.record_and_read(
        user_id,
        track_id,
        kind,
        lambda session: recommendations.read_listener_state(session, user_id),
        context="home",
        event_id=event_id,
    )
    change = after_feedback(
        user_id,
        shown,
        outcome.track_id,
        kind,
        outcome.artist_id,
        adventurousness=adventurousness,
        state=state,
    )
    return outcome, change


def after_feedback(
    user_id: int,
    shown: Sequence[str],
    track_id: str,
    kind: str,
    artist_id: int,
    *,
    adventurousness: float | None = None,
    state: ListenerState | None = None,
) -> ListChange:
    """What changes in a shown list after a click, reading the listener's state once.

    A like or favourite keeps its card and marks it; a skip or track ban replaces that card, an
    artist ban every shown card of the artist, each with the best pick not on screen. The rest
    stays where it is (no list jumping under the cursor); ``new_picks`` says how many picks a
    refresh would bring in.
    """
    shown = check_shown(list(shown))
    if adventurousness is not None:
        adventurousness = recommendations.check_adventurousness(adventurousness)
    if state is None:
        state = recommendations.listener_state(user_id)
    # A like marks its card and only counts the new picks: it needs no spares.
    k = min(
        recommendations.MAX_K, max(1, len(shown)) + (SPARE_PICKS if kind in REPLACING_KINDS else 0)
    )
    model = model_store.current()
    # The shown cards keep their reasons: only the picks that could replace one need theirs.
    result = recommendations.recommend_for_state(
        user_id, state, model, k, adventurousness, unexplained=frozenset(shown)
    )
    if result.status != "ok":
        return ListChange(result.status, shown, message=result.message)
    on_screen = set(shown)
    spare = [t for t in result.tracks if t.track_id not in on_screen]
    if kind not in REPLACING_KINDS:
        leaving: set[str] = set()
    elif kind == "ban_artist":
        leaving = {track_id} | _ids_by_artist(model, shown, artist_id)
    else:
        leaving = {track_id}
    replaced: dict[int, RecommendedTrack] = {}
    marked: dict[int, str] = {}
    after = list(shown)
    for index, shown_id in enumerate(shown):
        if shown_id == track_id and not leaving:
            marked[index] = kind
        elif shown_id in leaving and spare:
            replaced[index] = spare.pop(0)
            after[index] = replaced[index].track_id
    now_on_screen = set(after)
    new_picks = sum(1 for t in result.tracks[: len(shown)] if t.track_id not in now_on_screen)
    return ListChange("ok", after, replaced, marked, new_picks)


def _ids_by_artist(model: LoadedModel, shown: Sequence[str], artist_id: int) -> set[str]:
    """Shown tracks by ``artist_id``, from the served catalogue."""
    tracks = model.catalogue
    known = [t for t in shown if t in tracks.index]
    artists = tracks.loc[known, "artist_id"]
    return {str(t) for t, a in zip(known, artists, strict=True) if int(a) == int(artist_id)}

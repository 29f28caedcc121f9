"""The quality gate a retrained model passes before it serves, and what changed between versions.

A retrain holds out each listener's most recent positive feedback (``split_holdout``), trains the
candidate on the rest, and replays the earlier history of each held-out listener through the
candidate and a popularity baseline (``evaluate_holdout``): how well each ranks the tracks the
listener went on to play, like or favourite.

The active model learned from everything up to its own training, held-out events included, so
comparing it on the whole holdout would favour it unfairly (a measured 0.69 against 0.28 NDCG@10
on the demo data when it had seen the answers). It is compared with the candidate only on the
answers newer than itself (``Holdout.newer_than``), which neither model has seen. ``decide``
activates the candidate only if it is not worse than the baseline, nor than the active model on
that unseen part, beyond a tolerance.

``version_diff`` says what an operator would notice on a swap: how many tracks changed cluster
(after matching each old cluster to the new one that took most of its tracks) and how many
listeners' top-10 changed. Both run at training time, never on a request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import numpy as np
import pandas as pd

from music.schema import HistoryEvent, InteractionKind

POSITIVE_KINDS = frozenset({InteractionKind.PLAY, InteractionKind.LIKE, InteractionKind.FAVOURITE})
LIST_LENGTH = 10
# The metric the gate decides on; the others are reported beside it.
GATE_METRIC = "ndcg@10"


class Ranker(Protocol):
    def recommend(self, history: Sequence[HistoryEvent], *, k: int = 20) -> list[Any]: ...


@dataclass(frozen=True)
class Holdout:
    """Per listener: the history a model sees, and the tracks it should rank high."""

    histories: dict[str, list[HistoryEvent]]
    answers: dict[str, frozenset[str]]
    answer_times: dict[str, dict[str, pd.Timestamp]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.answers)

    def newer_than(self, since: datetime) -> Holdout:
        """The answers logged after ``since`` (e.g. the active model's training), per listener."""
        moment = pd.Timestamp(since)
        moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment
        answers = {}
        for listener, times in self.answer_times.items():
            recent = frozenset(track for track, at in times.items() if at > moment)
            if recent:
                answers[listener] = recent
        return Holdout({k: self.histories[k] for k in answers}, answers, {})


def split_holdout(
    events: pd.DataFrame,
    *,
    fraction: float = 0.2,
    min_positives: int = 5,
    max_listeners: int = 300,
    seed: int = 0,
) -> tuple[pd.DataFrame, Holdout]:
    """(events to train on, held-out listeners) from ``events`` (listener, track_id, kind, at).

    Only app listeners (``user:<id>``) are held out: a curated playlist's membership has no order in
    time. Each listener with at least ``min_positives`` positive events keeps its newest
    ``fraction`` of them (at least one) as answers; everything at or after the first answer is
    removed from the training events, everything before is the listener's replayed history.
    """
    if events.empty:
        return events, Holdout({}, {}, {})
    users = events[events["listener"].astype(str).str.startswith("user:")]
    positive = users[users["kind"].astype(str).isin([k.value for k in POSITIVE_KINDS])]
    counts = positive.groupby("listener").size()
    eligible = sorted(counts[counts >= min_positives].index)
    if len(eligible) > max_listeners:
        rng = np.random.default_rng(seed)
        eligible = sorted(rng.choice(eligible, max_listeners, replace=False).tolist())
    drop = np.zeros(len(events), dtype=bool)
    histories: dict[str, list[HistoryEvent]] = {}
    answers: dict[str, frozenset[str]] = {}
    answer_times: dict[str, dict[str, pd.Timestamp]] = {}
    listener_column = events["listener"].astype(str).to_numpy()
    at = pd.to_datetime(events["at"], utc=True)
    for listener in eligible:
        mine = positive[positive["listener"] == listener].sort_values("at", kind="stable")
        n_answers = max(1, round(len(mine) * fraction))
        cutoff = pd.Timestamp(mine["at"].iloc[-n_answers])
        cutoff = cutoff.tz_localize("UTC") if cutoff.tzinfo is None else cutoff
        own = listener_column == listener
        later = own & (at >= cutoff).to_numpy()
        earlier = events[own & ~later]
        answer_ids = frozenset(mine["track_id"].astype(str).iloc[-n_answers:]) - frozenset(
            earlier["track_id"].astype(str)
        )
        if not answer_ids or earlier.empty:
            continue
        drop |= later
        histories[listener] = history_events(earlier)
        answers[listener] = answer_ids
        newest = mine.assign(at=pd.to_datetime(mine["at"], utc=True)).groupby("track_id")["at"]
        answer_times[listener] = {t: at for t, at in newest.max().items() if t in answer_ids}
    return events[~drop].reset_index(drop=True), Holdout(histories, answers, answer_times)


def playlist_holdout(
    playlists: pd.DataFrame,
    known_tracks: Sequence[str],
    *,
    min_tracks: int = 6,
    max_playlists: int = 200,
    seed: int = 0,
) -> Holdout:
    """A fixed real-data check: each curated playlist (playlist_id, track_id) with at least
    ``min_tracks`` tracks in the catalogue gives its first half as liked history and asks for the
    second half. The same file gives the same check for every candidate."""
    known = set(map(str, known_tracks))
    frame = playlists.astype({"playlist_id": str, "track_id": str})
    frame = frame[frame["track_id"].isin(known)].drop_duplicates(["playlist_id", "track_id"])
    sizes = frame.groupby("playlist_id").size()
    chosen = sorted(sizes[sizes >= min_tracks].index)
    if len(chosen) > max_playlists:
        rng = np.random.default_rng(seed)
        chosen = sorted(rng.choice(chosen, max_playlists, replace=False).tolist())
    moment = datetime(2020, 1, 1, tzinfo=UTC)  # fixed: the check must replay the same way
    histories: dict[str, list[HistoryEvent]] = {}
    answers: dict[str, frozenset[str]] = {}
    for playlist_id, tracks in frame[frame["playlist_id"].isin(chosen)].groupby("playlist_id"):
        ids = tracks["track_id"].tolist()
        half = len(ids) // 2
        key = f"playlist:{playlist_id}"
        histories[key] = [HistoryEvent(t, InteractionKind.LIKE, moment) for t in ids[:half]]
        answers[key] = frozenset(ids[half:])
    return Holdout(histories, answers, {})


def history_events(frame: pd.DataFrame) -> list[HistoryEvent]:
    at = pd.to_datetime(frame["at"], utc=True)
    return [
        HistoryEvent(str(track), InteractionKind(str(kind)), moment.to_pydatetime())
        for track, kind, moment in zip(frame["track_id"], frame["kind"], at, strict=True)
    ]


def _ranked_ids(recommendations: Sequence[Any]) -> list[str]:
    return [str(getattr(r, "track_id", r)) for r in recommendations]


def list_metrics(ranked: Sequence[str], answers: frozenset[str], k: int) -> dict[str, float]:
    top = list(ranked[:k])
    gains = [1.0 / np.log2(i + 2) for i, track in enumerate(top) if track in answers]
    ideal = sum(1.0 / np.log2(i + 2) for i in range(min(len(answers), k)))
    hits = sum(1 for track in top if track in answers)
    return {
        f"ndcg@{k}": float(sum(gains) / ideal) if ideal else 0.0,
        f"hit@{k}": float(hits > 0),
        f"recall@{k}": hits / len(answers),
    }


def evaluate_holdout(ranker: Ranker, holdout: Holdout, k: int = LIST_LENGTH) -> dict[str, float]:
    """Mean list metrics of ``ranker`` over the held-out listeners (empty dict when none)."""
    rows = []
    for listener, answers in holdout.answers.items():
        ranked = _ranked_ids(ranker.recommend(holdout.histories[listener], k=k))
        rows.append(list_metrics(ranked, answers, k))
    if not rows:
        return {}
    summary = {name: round(float(np.mean([r[name] for r in rows])), 4) for name in rows[0]}
    return summary | {"listeners": len(rows)}


class PopularityRanker:
    """The baseline every model must beat: the most popular tracks the listener has not heard."""

    def __init__(self, tracks: pd.DataFrame) -> None:
        order = np.argsort(-pd.to_numeric(tracks["popularity"], errors="coerce").fillna(0).values)
        self._ids = tracks["track_id"].astype(str).to_numpy()[order]

    def recommend(self, history: Sequence[HistoryEvent], *, k: int = 20) -> list[str]:
        heard = {event.track_id for event in history}
        top: list[str] = []
        for track in self._ids:
            if track not in heard:
                top.append(track)
                if len(top) == k:
                    break
        return top


@dataclass(frozen=True)
class GateDecision:
    activate: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"activate": self.activate, "reason": self.reason}


def decide(
    candidate: Mapping[str, float],
    baseline: Mapping[str, float],
    unseen: tuple[Mapping[str, float], Mapping[str, float]] | None,
    tolerance: float,
    metric: str = GATE_METRIC,
) -> GateDecision:
    """Activate unless the candidate is worse than the baseline (whole holdout) or than the active
    model (``unseen``: candidate and active scores on answers newer than the active model) by
    more than ``tolerance`` (absolute, on ``metric``)."""
    if not candidate:
        return GateDecision(True, "no listener has enough feedback for a holdout; activated")
    score = candidate[metric]
    if score < baseline[metric] - tolerance:
        return GateDecision(
            False,
            f"{metric} {score:.4f} is worse than the popularity baseline's "
            f"{baseline[metric]:.4f} by more than {tolerance:g}",
        )
    if unseen is not None:
        mine, theirs = unseen[0][metric], unseen[1][metric]
        if mine < theirs - tolerance:
            return GateDecision(
                False,
                f"{metric} {mine:.4f} on feedback newer than the active model is worse than its "
                f"{theirs:.4f} by more than {tolerance:g}",
            )
        against = f"active {theirs:.4f} vs {mine:.4f} on newer feedback, "
    else:
        against = "no feedback newer than the active model to compare on, "
    return GateDecision(
        True,
        f"{metric} {score:.4f} ({against}popularity {baseline[metric]:.4f}, "
        f"tolerance {tolerance:g}, {candidate.get('listeners', 0):g} listeners)",
    )


def decide_on_check(
    name: str,
    candidate: Mapping[str, float],
    active: Mapping[str, float] | None,
    tolerance: float,
    metric: str = GATE_METRIC,
) -> GateDecision | None:
    """A rejection if the candidate is worse than the active model on an extra check, else None."""
    if not candidate or not active:
        return None
    if candidate[metric] < active[metric] - tolerance:
        return GateDecision(
            False,
            f"{metric} {candidate[metric]:.4f} on the {name} is worse than the active model's "
            f"{active[metric]:.4f} by more than {tolerance:g}",
        )
    return None


def cluster_moves(
    old_tracks: pd.DataFrame,
    new_tracks: pd.DataFrame,
    old_names: Sequence[str],
    new_names: Sequence[str],
    *,
    kept_share: float = 0.8,
    limit: int = 10,
) -> dict[str, Any]:
    """Which old clusters did not stay together: each old cluster is matched to the new cluster
    that took most of its tracks; a cluster "moved" when less than ``kept_share`` went there."""
    old = old_tracks[["track_id", "cluster"]].astype({"track_id": str})
    new = new_tracks[["track_id", "cluster"]].astype({"track_id": str})
    both = old.merge(new, on="track_id", suffixes=("_old", "_new"))
    if both.empty:
        return {"common_tracks": 0, "tracks_moved": 0, "clusters_moved": []}
    counts = both.groupby(["cluster_old", "cluster_new"]).size().rename("n").reset_index()
    best = counts.sort_values("n", ascending=False).drop_duplicates("cluster_old")
    sizes = both.groupby("cluster_old").size()
    best = best.set_index("cluster_old")
    share = (best["n"] / sizes.reindex(best.index)).sort_values()
    moved_tracks = int(len(both) - best["n"].sum())
    moved = [
        {
            "cluster": _name(old_names, int(cluster)),
            "kept": round(float(value), 3),
            "now_mostly_in": _name(new_names, int(best.loc[cluster, "cluster_new"])),
        }
        for cluster, value in share.items()
        if value < kept_share
    ]
    return {
        "common_tracks": len(both),
        "tracks_moved": moved_tracks,
        "clusters_moved": moved[:limit],
        "clusters_moved_count": len(moved),
    }


def _name(names: Sequence[str], index: int) -> str:
    return str(names[index]) if 0 <= index < len(names) else "noise"


def top_list_changes(
    old: Ranker, new: Ranker, histories: Mapping[str, Sequence[HistoryEvent]], k: int = 10
) -> dict[str, Any]:
    """How many listeners would see another top-``k`` (as a set) after the swap."""
    changed = 0
    overlaps = []
    for history in histories.values():
        before = set(_ranked_ids(old.recommend(history, k=k)))
        after = set(_ranked_ids(new.recommend(history, k=k)))
        changed += before != after
        overlaps.append(len(before & after) / k)
    return {
        "listeners": len(histories),
        "top10_changed": int(changed),
        "mean_top10_overlap": round(float(np.mean(overlaps)), 3) if overlaps else None,
    }

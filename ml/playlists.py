"""Playlist generators: from staged tracks, radio from a track or an artist, a path between two
tracks through the embedding, filter-based (genre, mood, activity) and "suggest more".

Every generator is pure and deterministic: it reads a model bundle (``bundle.tracks``, the
catalogue frame, and ``bundle.features``, one embedding row per track), asks a candidate source
(the recommender, or ``EmbeddingNeighbours`` when there is none) for similar tracks, and returns
track ids. Bans and the spec's ``TrackFilter`` are applied here on top of whatever the candidate
source did, so a banned track or one outside the filter can never enter a playlist.

A spec (``GeneratorSpec``) is a small JSON-friendly value: a saved "smart playlist" stores
``spec.to_dict()`` and re-runs it later.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ml.filters import FilterError, TrackFilter
from ml.ordering import (
    DEFAULT_ARTIST_GAP,
    dedupe,
    flow_order,
    separate_artists,
    song_key,
    sort_by,
)

GENERATOR_KINDS: dict[str, str] = {
    "tracks": "From the staged tracks",
    "radio": "Radio from a track or an artist",
    "path": "A path between two tracks",
    "genre": "Genre",
    "mood": "Mood",
    "activity": "Activity",
    "more": "Suggest more for a playlist",
}
ORDERS: tuple[str, ...] = ("relevance", "flow")

MAX_TRACKS = 500
MAX_MINUTES = 24 * 60
# A minutes target is met when the total is within this much of it (about a third of a song).
# Whole songs cannot always land that close: then the track that brings the total closest to the
# target is taken even past the tolerance (when it is closer than without it), so the result is
# off by at most this or half the shortest track still available, whichever is larger.
MINUTES_TOLERANCE_MS = 60_000
# Artist radio mixes the artist's own tracks in at one position in this many.
ARTIST_RADIO_EVERY = 4
# The candidate source is asked for this many times the tracks still needed (filters and the
# per-artist cap throw some away), and again with more when that was not enough.
CANDIDATE_FACTOR = 4
# Adventurousness widens the choice at each step of a path among this many nearest tracks.
PATH_MAX_CHOICES = 8


class PlaylistError(ValueError):
    """A generator request a user made cannot be met; the message says what to change."""


class ExclusionsLike(Protocol):
    track_ids: frozenset[str]
    artist_ids: frozenset[int]


class Suggestion(Protocol):
    track_id: str


class CandidateSource(Protocol):
    """What generators need from the recommender (``ml.recommender.Recommender`` fits)."""

    def similar_tracks(
        self, track_id: str, *, k: int = 20, exclusions: Any = None
    ) -> Sequence[Suggestion]: ...

    def continue_playlist(
        self,
        track_ids: Sequence[str],
        *,
        k: int = 20,
        exclusions: Any = None,
        track_filter: TrackFilter | None = None,
        adventurousness: float = 0.5,
    ) -> Sequence[Suggestion]: ...


@dataclass(frozen=True, slots=True)
class NoExclusions:
    track_ids: frozenset[str] = frozenset()
    artist_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Length:
    """A target length: a number of tracks or a number of minutes (exactly one)."""

    tracks: int | None = 25
    minutes: float | None = None

    def __post_init__(self) -> None:
        if (self.tracks is None) == (self.minutes is None):
            raise PlaylistError("give a length in tracks or in minutes, not both")
        if self.tracks is not None and not 1 <= int(self.tracks) <= MAX_TRACKS:
            raise PlaylistError(f"a playlist has 1 to {MAX_TRACKS} tracks, not {self.tracks}")
        if self.minutes is not None and not 1 <= float(self.minutes) <= MAX_MINUTES:
            raise PlaylistError(
                f"a playlist lasts 1 to {MAX_MINUTES} minutes, not {self.minutes:g}"
            )

    @property
    def target_ms(self) -> int | None:
        return None if self.minutes is None else round(float(self.minutes) * 60_000)

    def is_met(self, count: int, total_ms: int) -> bool:
        if self.tracks is not None:
            return count >= self.tracks
        return total_ms >= self.target_ms - MINUTES_TOLERANCE_MS

    def fits(self, total_ms: int, count: int, duration_ms: int, closer: bool = False) -> bool:
        """Whether one more track of ``duration_ms`` may join ``count`` tracks of ``total_ms``:
        within the tolerance, or (``closer``, the last resort) nearer the target than without."""
        if self.tracks is not None:
            return count < self.tracks
        if total_ms + duration_ms <= self.target_ms + MINUTES_TOLERANCE_MS:
            return True
        return closer and (
            abs(self.target_ms - total_ms - duration_ms) < abs(self.target_ms - total_ms)
        )

    def reduced_by(self, durations_ms: Sequence[int]) -> Length | None:
        """What is left to fill once tracks of ``durations_ms`` are in (None: nothing is)."""
        if self.tracks is not None:
            left = self.tracks - len(durations_ms)
            return Length(tracks=left) if left >= 1 else None
        left_ms = self.target_ms - int(np.sum(durations_ms))
        return Length(tracks=None, minutes=left_ms / 60_000) if left_ms >= 60_000 else None

    def to_dict(self) -> dict[str, Any]:
        return {"tracks": self.tracks} if self.tracks is not None else {"minutes": self.minutes}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Length:
        data = data or {}
        try:
            if data.get("minutes") not in (None, ""):
                return cls(tracks=None, minutes=float(data["minutes"]))
            tracks = data.get("tracks")
            return cls(tracks=25 if tracks in (None, "") else int(tracks))
        except PlaylistError:
            raise
        except (TypeError, ValueError):
            raise PlaylistError(
                f"a length is tracks or minutes as a number, not {data!r}"
            ) from None


@dataclass(frozen=True)
class GeneratorSpec:
    """Everything a generator needs; what a smart playlist stores (``to_dict``) and re-runs.

    ``track_ids``: the staged tracks ("tracks"), the radio seed ("radio"), the two ends ("path")
    or the playlist to extend ("more"). ``artist_id``: artist radio. Genre, mood and activity
    generators take their subject from ``track_filter`` (genres_include, moods, activity), which
    every generator honours.
    """

    kind: str
    track_ids: tuple[str, ...] = ()
    artist_id: int | None = None
    track_filter: TrackFilter = field(default_factory=TrackFilter)
    length: Length = field(default_factory=Length)
    adventurousness: float = 0.5
    order: str = "relevance"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in GENERATOR_KINDS:
            raise PlaylistError(
                f"unknown generator {self.kind!r}: choose from {', '.join(GENERATOR_KINDS)}"
            )
        object.__setattr__(self, "track_ids", tuple(str(t) for t in self.track_ids))
        if not 0.0 <= float(self.adventurousness) <= 1.0:
            raise PlaylistError("adventurousness runs from 0 (familiar) to 1 (far out)")
        if self.order not in ORDERS:
            raise PlaylistError(f"unknown order {self.order!r}: choose from {', '.join(ORDERS)}")
        needs = {
            "tracks": (bool(self.track_ids), "stage at least one track first"),
            "radio": (
                bool(self.track_ids) or self.artist_id is not None,
                "radio needs a seed track or an artist",
            ),
            "path": (
                len(self.track_ids) == 2 and self.length.tracks != 1,
                "a path needs exactly two tracks (a start and an end) and room for both",
            ),
            "genre": (bool(self.track_filter.genres_include), "pick at least one genre"),
            "mood": (bool(self.track_filter.moods), "pick at least one mood"),
            "activity": (self.track_filter.activity is not None, "pick an activity"),
            "more": (bool(self.track_ids), "the playlist has no tracks to continue from"),
        }
        ok, message = needs[self.kind]
        if not ok:
            raise PlaylistError(message)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "length": self.length.to_dict(),
            "adventurousness": float(self.adventurousness),
            "order": self.order,
            "seed": int(self.seed),
        }
        if self.track_ids:
            data["track_ids"] = list(self.track_ids)
        if self.artist_id is not None:
            data["artist_id"] = int(self.artist_id)
        if not self.track_filter.is_empty:
            data["filter"] = self.track_filter.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GeneratorSpec:
        if not isinstance(data, Mapping) or "kind" not in data:
            raise PlaylistError("a generator spec is a mapping with at least a 'kind'")
        try:
            track_filter = TrackFilter.from_dict(data.get("filter"))
        except FilterError as error:
            raise PlaylistError(str(error)) from None
        artist_id = data.get("artist_id")
        try:
            return cls(
                kind=str(data["kind"]),
                track_ids=tuple(data.get("track_ids") or ()),
                artist_id=int(artist_id) if artist_id not in (None, "") else None,
                track_filter=track_filter,
                length=Length.from_dict(data.get("length")),
                adventurousness=float(data.get("adventurousness", 0.5)),
                order=str(data.get("order") or "relevance"),
                seed=int(data.get("seed") or 0),
            )
        except (TypeError, ValueError) as error:
            if isinstance(error, PlaylistError):
                raise
            raise PlaylistError(f"invalid generator settings: {error}") from None


@dataclass(frozen=True)
class GeneratedPlaylist:
    track_ids: tuple[str, ...]
    total_ms: int
    # Said to the user when the result is shorter than asked ("only 7 tracks match ...").
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Neighbour:
    track_id: str
    score: float


class EmbeddingNeighbours:
    """A candidate source from the bundle's embedding alone (cosine similarity); used when no
    recommender is loaded, and as the reference the generator tests run against."""

    def __init__(self, bundle: Any) -> None:
        features = np.asarray(bundle.features, dtype=np.float64)
        norms = np.linalg.norm(features, axis=1, keepdims=True)
        self._unit = features / np.where(norms > 0, norms, 1.0)
        self._tracks = bundle.tracks
        self._ids = bundle.tracks["track_id"].astype(str).to_numpy()
        self._position = pd.Index(self._ids)

    def _rank(self, seeds: Sequence[str], k: int, exclusions: Any, keep: np.ndarray | None):
        rows = self._position.get_indexer(list(seeds))
        rows = rows[rows >= 0]
        if len(rows) == 0:
            return []
        scores = self._unit @ self._unit[rows].mean(axis=0)
        allowed = ~np.isin(self._ids, list(seeds))
        if exclusions is not None:
            allowed &= ~np.isin(self._ids, list(exclusions.track_ids))
            allowed &= ~np.isin(self._tracks["artist_id"].to_numpy(), list(exclusions.artist_ids))
        if keep is not None:
            allowed &= keep
        candidates = np.flatnonzero(allowed)
        # lexsort: best score first, ties by track id so results never depend on row order.
        best = candidates[np.lexsort((self._ids[candidates], -scores[candidates]))][:k]
        return [Neighbour(str(self._ids[i]), float(scores[i])) for i in best]

    def similar_tracks(self, track_id: str, *, k: int = 20, exclusions: Any = None):
        return self._rank([track_id], k, exclusions, None)

    def continue_playlist(
        self,
        track_ids: Sequence[str],
        *,
        k: int = 20,
        exclusions: Any = None,
        track_filter: TrackFilter | None = None,
        adventurousness: float = 0.5,
    ):
        keep = None if track_filter is None else track_filter.mask(self._tracks)
        return self._rank(track_ids, k, exclusions, keep)


class _Catalogue:
    """Row lookups over the bundle's tracks and the mask of tracks a playlist may contain."""

    def __init__(self, bundle: Any, track_filter: TrackFilter, exclusions: ExclusionsLike) -> None:
        tracks = bundle.tracks
        self.tracks = tracks
        self.features = np.asarray(bundle.features, dtype=np.float64)
        self.ids = tracks["track_id"].astype(str).to_numpy()
        self.position = pd.Index(self.ids)
        self.artists = tracks["artist_id"].to_numpy(dtype=np.int64)
        self.durations = tracks["duration_ms"].to_numpy(dtype=np.int64)
        self.popularity = pd.to_numeric(tracks["popularity"], errors="coerce").fillna(0).to_numpy()
        self.songs = song_key(tracks).to_numpy()
        self.allowed = track_filter.mask(tracks)
        self.allowed &= ~np.isin(self.ids, list(exclusions.track_ids))
        self.allowed &= ~np.isin(self.artists, list(exclusions.artist_ids))

    def rows(self, track_ids: Sequence[str]) -> np.ndarray:
        """Row positions of the known ids, in order (unknown ids are dropped)."""
        rows = self.position.get_indexer(list(track_ids))
        return rows[rows >= 0]

    def require(self, track_ids: Sequence[str]) -> np.ndarray:
        rows = self.position.get_indexer(list(track_ids))
        missing = [t for t, r in zip(track_ids, rows, strict=True) if r < 0]
        if missing:
            raise PlaylistError(f"track {missing[0]!r} is not in the current model's catalogue")
        return rows


class _Builder:
    """Collects rows for one playlist: no banned or filtered-out track, no song twice, at most
    ``max_per_artist`` tracks per artist, until the length target is met."""

    def __init__(self, catalogue: _Catalogue, length: Length, max_per_artist: int | None) -> None:
        self.catalogue = catalogue
        self.length = length
        self.max_per_artist = max_per_artist
        self.rows: list[int] = []
        self.total_ms = 0
        self._songs: set[str] = set()
        self._per_artist: dict[int, int] = {}

    @property
    def done(self) -> bool:
        return self.length.is_met(len(self.rows), self.total_ms)

    def force(self, row: int) -> None:
        """Append ``row`` whatever the length says (a path's end track)."""
        self.rows.append(int(row))
        self.total_ms += int(self.catalogue.durations[row])
        self._songs.add(self.catalogue.songs[row])

    def offer(self, row: int, *, ignore_artist_cap: bool = False, closer: bool = False) -> bool:
        c = self.catalogue
        if self.done or not c.allowed[row] or c.songs[row] in self._songs:
            return False
        artist = int(c.artists[row])
        if (
            not ignore_artist_cap
            and self.max_per_artist is not None
            and self._per_artist.get(artist, 0) >= self.max_per_artist
        ):
            return False
        if not self.length.fits(self.total_ms, len(self.rows), int(c.durations[row]), closer):
            return False
        self.rows.append(int(row))
        self.total_ms += int(c.durations[row])
        self._songs.add(c.songs[row])
        self._per_artist[artist] = self._per_artist.get(artist, 0) + 1
        return True

    def offer_all(self, rows: Sequence[int] | np.ndarray, **kwargs: bool) -> None:
        for row in rows:
            if self.done:
                return
            self.offer(int(row), **kwargs)

    def offer_closest(self, rows: Sequence[int] | np.ndarray) -> None:
        """Last resort for a minutes target no remaining track fits within the tolerance: add the
        track landing nearest the target, while that is nearer than stopping (artist cap off).

        The first track that merely improves on stopping could overshoot by far more than a
        shorter one later in ``rows``."""
        if self.length.tracks is not None:
            return
        c = self.catalogue
        rows = np.asarray(rows, dtype=np.int64)
        while not self.done and len(rows):
            usable = rows[c.allowed[rows] & ~np.isin(c.songs[rows], list(self._songs))]
            if len(usable) == 0:
                return
            miss = np.abs(self.length.target_ms - self.total_ms - c.durations[usable])
            best = int(usable[int(np.argmin(miss))])  # first of equals: ``rows`` order decides
            if not self.offer(best, ignore_artist_cap=True, closer=True):
                return
            rows = usable


def estimated_tracks(length: Length, catalogue: _Catalogue) -> int:
    if length.tracks is not None:
        return int(length.tracks)
    typical = float(np.median(catalogue.durations)) if len(catalogue.durations) else 210_000.0
    return max(1, math.ceil(length.target_ms / typical))


def default_artist_cap(n_tracks: int) -> int:
    # Two per artist in a short list, then one more per eight tracks: varied but not forced.
    return max(2, math.ceil(n_tracks / 8))


def _familiarity_ranking(
    catalogue: _Catalogue, rows: np.ndarray, adventurousness: float, seed: int
) -> np.ndarray:
    """Rank rows from popular (dial at 0) to a seeded shuffle of the whole pool (dial at 1)."""
    rng = np.random.default_rng(seed)
    familiar = catalogue.popularity[rows] / 100.0
    score = (1.0 - adventurousness) * familiar + adventurousness * rng.random(len(rows))
    return rows[np.lexsort((catalogue.ids[rows], -score))]


def _ask(
    source: CandidateSource,
    catalogue: _Catalogue,
    seeds: Sequence[str],
    need: int,
    spec: GeneratorSpec,
    exclusions: ExclusionsLike,
    builder: _Builder,
) -> None:
    """Offer the source's continuation of ``seeds`` to the builder, asking for more candidates
    (up to the whole allowed pool) until the length is met or the source runs dry."""
    k = CANDIDATE_FACTOR * need + 20
    pool = int(catalogue.allowed.sum())
    offered: set[str] = set()
    while not builder.done:
        found = source.continue_playlist(
            list(seeds),
            k=k,
            exclusions=exclusions,
            track_filter=None if spec.track_filter.is_empty else spec.track_filter,
            adventurousness=float(spec.adventurousness),
        )
        fresh = [s.track_id for s in found if s.track_id not in offered]
        offered.update(fresh)
        builder.offer_all(catalogue.rows(fresh))
        if len(found) < k or k >= pool + len(seeds):
            return
        k *= 4


def _fill_from_pool(
    catalogue: _Catalogue, builder: _Builder, seeds: np.ndarray, spec: GeneratorSpec
) -> None:
    """Last resort when the source ran dry: allowed tracks nearest the seeds' centre, or by
    familiarity without seeds; the artist cap is dropped only if that is still not enough."""
    if builder.done:
        return
    pool = np.flatnonzero(catalogue.allowed)
    if len(seeds):
        centre = catalogue.features[seeds].mean(axis=0)
        distance = np.linalg.norm(catalogue.features[pool] - centre, axis=1)
        ranked = pool[np.lexsort((catalogue.ids[pool], distance))]
    else:
        ranked = _familiarity_ranking(catalogue, pool, spec.adventurousness, spec.seed)
    builder.offer_all(ranked)
    builder.offer_all(ranked, ignore_artist_cap=True)
    builder.offer_closest(ranked)


def _seeded(
    spec: GeneratorSpec,
    catalogue: _Catalogue,
    source: CandidateSource,
    exclusions: ExclusionsLike,
    length: Length,
    leading: Sequence[int],
    seeds: Sequence[str],
) -> _Builder:
    need = estimated_tracks(length, catalogue)
    builder = _Builder(catalogue, length, default_artist_cap(need))
    builder.offer_all(leading, ignore_artist_cap=True)
    _ask(source, catalogue, seeds, need, spec, exclusions, builder)
    _fill_from_pool(catalogue, builder, catalogue.rows(seeds), spec)
    return builder


def _artist_radio(
    spec: GeneratorSpec,
    catalogue: _Catalogue,
    source: CandidateSource,
    exclusions: ExclusionsLike,
    length: Length,
) -> _Builder:
    artist = int(spec.artist_id)
    own = np.flatnonzero((catalogue.artists == artist) & catalogue.allowed)
    if len(own) == 0:
        raise PlaylistError(
            "that artist has no tracks in the current model that pass your filters and bans"
        )
    own = own[np.lexsort((catalogue.ids[own], -catalogue.popularity[own]))]
    seeds = [str(t) for t in catalogue.ids[own[:3]]]
    need = estimated_tracks(length, catalogue)
    # The neighbourhood, without the artist: the artist is mixed in below at a fixed rate.
    neighbourhood = copy.copy(catalogue)
    neighbourhood.allowed = catalogue.allowed & (catalogue.artists != artist)
    others = _Builder(
        neighbourhood, Length(tracks=min(MAX_TRACKS, 2 * need)), default_artist_cap(need)
    )
    without_artist = replace_exclusions(exclusions, artist_ids=[artist])
    _ask(source, neighbourhood, seeds, need, spec, without_artist, others)
    _fill_from_pool(neighbourhood, others, own[:3], spec)

    builder = _Builder(catalogue, length, None)
    own_rows, other_rows = iter(own.tolist()), iter(others.rows)
    while not builder.done:
        own_turn = len(builder.rows) % ARTIST_RADIO_EVERY == 0
        first, second = (own_rows, other_rows) if own_turn else (other_rows, own_rows)
        row = next(first, None)
        row = next(second, None) if row is None else row
        if row is None:
            break
        builder.offer(row)
    return builder


def replace_exclusions(
    exclusions: ExclusionsLike, *, track_ids: Sequence[str] = (), artist_ids: Sequence[int] = ()
) -> Any:
    """The same kind of exclusions with more tracks/artists added (works for any dataclass)."""
    tracks = frozenset(exclusions.track_ids) | frozenset(track_ids)
    artists = frozenset(exclusions.artist_ids) | frozenset(int(a) for a in artist_ids)
    try:
        return replace(exclusions, track_ids=tracks, artist_ids=artists)
    except TypeError:
        return NoExclusions(tracks, artists)


def _path(spec: GeneratorSpec, catalogue: _Catalogue, length: Length) -> _Builder:
    start, end = catalogue.require(spec.track_ids)
    for row, label in ((start, "start"), (end, "end")):
        if not catalogue.allowed[row]:
            raise PlaylistError(f"the {label} track is banned or outside the chosen filters")
    if catalogue.songs[start] == catalogue.songs[end]:
        raise PlaylistError("a path needs two different songs")
    n = max(estimated_tracks(length, catalogue), 2)
    best = _walk(catalogue, start, end, n, spec)
    # A minutes target is reached by adjusting the number of steps a few times.
    for _ in range(3):
        if length.tracks is not None:
            break
        gap = length.target_ms - best.total_ms
        if abs(gap) <= MINUTES_TOLERANCE_MS:
            break
        typical = best.total_ms / max(len(best.rows), 1)
        n = max(2, n + (round(gap / typical) or int(np.sign(gap))))
        attempt = _walk(catalogue, start, end, n, spec)
        if abs(attempt.total_ms - length.target_ms) < abs(gap):
            best = attempt
    return best


def _walk(catalogue: _Catalogue, start: int, end: int, n: int, spec: GeneratorSpec) -> _Builder:
    """``n`` steps along the straight line from ``start`` to ``end`` in the embedding; each step
    takes one of the nearest unused allowed tracks to its point (the dial widens the choice).
    With a minutes target, the step picks among those near ones the track whose duration keeps
    the remaining steps on budget."""
    rng = np.random.default_rng(spec.seed)
    target_ms = spec.length.target_ms
    builder = _Builder(catalogue, Length(tracks=n - 1), None)
    builder.offer(start)
    choices = 1 + round(spec.adventurousness * (PATH_MAX_CHOICES - 1))
    if target_ms is not None:
        choices = max(choices, PATH_MAX_CHOICES // 2)
    pool = np.flatnonzero(catalogue.allowed)
    pool = pool[(pool != start) & (catalogue.songs[pool] != catalogue.songs[end])]
    features = catalogue.features[pool]
    taken = np.zeros(len(pool), dtype=bool)
    points = np.linspace(catalogue.features[start], catalogue.features[end], n)[1:-1]
    for step, point in enumerate(points):
        distance = np.linalg.norm(features - point, axis=1)
        distance[taken] = np.inf
        nearest = np.lexsort((catalogue.ids[pool], distance))[: choices * 4 + 8]
        nearest = [i for i in nearest if np.isfinite(distance[i])]
        while nearest:
            if target_ms is None:
                index = min(int(rng.integers(choices)), len(nearest) - 1)
            else:
                left = target_ms - builder.total_ms - int(catalogue.durations[end])
                ideal = left / (len(points) - step)
                near = catalogue.durations[pool[nearest[:choices]]]
                index = int(np.argmin(np.abs(near - ideal)))
            pick = nearest.pop(index)
            taken[pick] = True
            if builder.offer(int(pool[pick])):
                break
    builder.force(end)
    return builder


def generate(
    spec: GeneratorSpec,
    bundle: Any,
    source: CandidateSource | None = None,
    exclusions: ExclusionsLike | None = None,
    locked: Mapping[int, str] | None = None,
) -> GeneratedPlaylist:
    """Run ``spec`` over ``bundle``; ``locked`` (position -> track id) are kept where they are and
    count toward the length (a smart playlist's re-run keeps what the user pinned)."""
    exclusions = exclusions if exclusions is not None else NoExclusions()
    locked = dict(locked or {})
    source = source if source is not None else EmbeddingNeighbours(bundle)
    catalogue = _Catalogue(bundle, spec.track_filter, exclusions)
    pinned_rows = catalogue.rows(list(locked.values()))
    length = spec.length.reduced_by(catalogue.durations[pinned_rows].tolist())
    if locked:
        # Pinned tracks are in already: the generator must not pick them (or their song) again.
        exclusions = replace_exclusions(exclusions, track_ids=list(locked.values()))
        catalogue.allowed &= ~np.isin(catalogue.songs, catalogue.songs[pinned_rows])
    if length is None:
        rows: list[int] = []
    else:
        rows = _run(spec, catalogue, source, exclusions, length)
    rows = _arrange(spec, catalogue, rows)
    track_ids = _merge_locked(locked, [str(catalogue.ids[r]) for r in rows])
    total = int(catalogue.durations[catalogue.rows(track_ids)].sum())
    return GeneratedPlaylist(tuple(track_ids), total, _shortfall_note(spec, track_ids, total))


def _run(
    spec: GeneratorSpec,
    catalogue: _Catalogue,
    source: CandidateSource,
    exclusions: ExclusionsLike,
    length: Length,
) -> list[int]:
    if spec.kind == "tracks":
        staged = catalogue.require(spec.track_ids)
        builder = _seeded(spec, catalogue, source, exclusions, length, staged, spec.track_ids)
    elif spec.kind == "radio" and spec.track_ids:
        seed_rows = catalogue.require(spec.track_ids[:1])
        builder = _seeded(spec, catalogue, source, exclusions, length, seed_rows, spec.track_ids)
    elif spec.kind == "radio":
        builder = _artist_radio(spec, catalogue, source, exclusions, length)
    elif spec.kind == "path":
        builder = _path(spec, catalogue, length)
    elif spec.kind == "more":
        known = catalogue.rows(spec.track_ids)
        if len(known) == 0:
            raise PlaylistError("none of the playlist's tracks are in the current model")
        catalogue.allowed &= ~np.isin(catalogue.songs, catalogue.songs[known])
        more = replace_exclusions(exclusions, track_ids=spec.track_ids)
        builder = _seeded(spec, catalogue, source, more, length, [], spec.track_ids)
    else:  # genre, mood, activity: the filter is the subject
        need = estimated_tracks(length, catalogue)
        builder = _Builder(catalogue, length, default_artist_cap(need))
        pool = np.flatnonzero(catalogue.allowed)
        ranked = _familiarity_ranking(catalogue, pool, spec.adventurousness, spec.seed)
        builder.offer_all(ranked)
        builder.offer_all(ranked, ignore_artist_cap=True)
        builder.offer_closest(ranked)
    return builder.rows


def _arrange(spec: GeneratorSpec, catalogue: _Catalogue, rows: list[int]) -> list[int]:
    """Final order: a path keeps its steps; otherwise flow order when asked, then artists apart.
    The user's staged tracks and a radio's seed keep their places."""
    if spec.kind == "path" or len(rows) < 3:
        return rows
    items = catalogue.tracks.iloc[rows].reset_index(drop=True)
    fixed = np.zeros(len(rows), dtype=bool)
    if spec.kind == "tracks":
        fixed = np.isin(rows, catalogue.rows(spec.track_ids))
    elif spec.kind == "radio" and spec.track_ids:
        fixed[0] = rows[0] in catalogue.rows(spec.track_ids[:1])
    order = np.arange(len(rows))
    if spec.order == "flow":
        order = flow_order(items, locked=fixed)
    in_order = items.iloc[order].reset_index(drop=True)
    separated = separate_artists(in_order, DEFAULT_ARTIST_GAP, locked=fixed)
    return [rows[i] for i in order[separated]]


def _merge_locked(locked: Mapping[int, str], generated: list[str]) -> list[str]:
    """Pinned tracks at their positions, generated ones filling the gaps in order; a pin beyond
    the end moves up to close the gap."""
    if not locked:
        return generated
    size = len(generated) + len(locked)
    slots: list[str | None] = [None] * max(size, max(locked) + 1)
    for position, track_id in locked.items():
        slots[position] = track_id
    fill = iter(generated)
    for position, current in enumerate(slots):
        if current is None:
            slots[position] = next(fill, None)
    return [t for t in slots if t is not None]


def _shortfall_note(spec: GeneratorSpec, track_ids: Sequence[str], total_ms: int) -> str | None:
    length = spec.length
    if length.tracks is not None and len(track_ids) < length.tracks:
        return (
            f"Only {len(track_ids)} of {length.tracks} tracks could be found that pass the "
            "filters and bans: widen the filters for a longer playlist."
        )
    if length.minutes is not None and total_ms < length.target_ms - MINUTES_TOLERANCE_MS:
        return (
            f"Only {total_ms / 60_000:.0f} of {length.minutes:g} minutes could be found that pass "
            "the filters and bans: widen the filters for a longer playlist."
        )
    return None


EDITS: tuple[str, ...] = ("dedupe", "sort", "flow", "separate", "remove", "lock", "reorder")


def edit(items: pd.DataFrame, operation: str, **params: Any) -> pd.DataFrame:
    """One editor operation on a playlist frame (its tracks in play order with a ``locked``
    column); returns the new frame. Re-orderings keep locked tracks where they are; ``dedupe``
    keeps every locked track; ``reorder`` is the user's own drag and may move anything."""
    locked = items["locked"].to_numpy(dtype=bool)
    if operation == "dedupe":
        keep = dedupe(items, locked)
    elif operation == "sort":
        keep = sort_by(items, str(params["column"]), bool(params.get("descending")), locked)
    elif operation == "flow":
        keep = flow_order(items, locked)
    elif operation == "separate":
        keep = separate_artists(items, int(params.get("gap", DEFAULT_ARTIST_GAP)), locked)
    elif operation == "remove":
        drop = {int(p) for p in params["positions"]}
        keep = np.asarray([p for p in range(len(items)) if p not in drop], dtype=np.int64)
    elif operation == "reorder":
        keep = np.asarray([int(p) for p in params["order"]], dtype=np.int64)
        if sorted(keep.tolist()) != list(range(len(items))):
            raise PlaylistError("the new order must list every track of the playlist once")
    elif operation == "lock":
        position = int(params["position"])
        if not 0 <= position < len(items):
            raise PlaylistError(f"there is no track at position {position}")
        changed = items.copy()
        changed.iloc[position, changed.columns.get_loc("locked")] = bool(params["locked"])
        return changed
    else:
        raise PlaylistError(f"unknown edit {operation!r}: choose from {', '.join(EDITS)}")
    return items.iloc[keep].reset_index(drop=True)

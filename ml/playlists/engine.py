"""The generators: from staged tracks, radio from a track or an artist, a path between two tracks
through the embedding, filter-based (genre, mood, activity) and "suggest more".

Every generator is pure and deterministic: it reads a model bundle (``bundle.tracks``, the
catalogue frame, and ``bundle.features``, one embedding row per track), asks a candidate source
(the recommender, or ``EmbeddingNeighbours`` when there is none) for similar tracks, and returns
track ids. Bans and the spec's ``TrackFilter`` are applied here on top of whatever the candidate
source did, so a banned track or one outside the filter can never enter a playlist.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ml.ordering import DEFAULT_ARTIST_GAP, flow_order, separate_artists
from ml.playlists.builder import Builder, Catalogue, default_artist_cap, estimated_tracks
from ml.playlists.candidates import CandidateSource, EmbeddingNeighbours
from ml.playlists.spec import (
    MAX_TRACKS,
    MINUTES_TOLERANCE_MS,
    GeneratedPlaylist,
    GeneratorSpec,
    Length,
    PlaylistError,
)
from music.schema import Exclusions

# Artist radio mixes the artist's own tracks in at one position in this many.
ARTIST_RADIO_EVERY = 4
# The candidate source is asked for this many times the tracks still needed (filters and the
# per-artist cap throw some away), and again with more when that was not enough.
CANDIDATE_FACTOR = 4
# Adventurousness widens the choice at each step of a path among this many nearest tracks.
PATH_MAX_CHOICES = 8


def _familiarity_ranking(
    catalogue: Catalogue, rows: np.ndarray, adventurousness: float, seed: int
) -> np.ndarray:
    """Rank rows from popular (dial at 0) to a seeded shuffle of the whole pool (dial at 1)."""
    rng = np.random.default_rng(seed)
    familiar = catalogue.popularity[rows] / 100.0
    score = (1.0 - adventurousness) * familiar + adventurousness * rng.random(len(rows))
    return rows[np.lexsort((catalogue.ids[rows], -score))]


def _ask(
    source: CandidateSource,
    catalogue: Catalogue,
    seeds: Sequence[str],
    need: int,
    spec: GeneratorSpec,
    exclusions: Exclusions,
    builder: Builder,
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
    catalogue: Catalogue, builder: Builder, seeds: np.ndarray, spec: GeneratorSpec
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
    catalogue: Catalogue,
    source: CandidateSource,
    exclusions: Exclusions,
    length: Length,
    leading: Sequence[int],
    seeds: Sequence[str],
) -> Builder:
    need = estimated_tracks(length, catalogue)
    builder = Builder(catalogue, length, default_artist_cap(need))
    builder.offer_all(leading, ignore_artist_cap=True)
    _ask(source, catalogue, seeds, need, spec, exclusions, builder)
    _fill_from_pool(catalogue, builder, catalogue.rows(seeds), spec)
    return builder


def _artist_radio(
    spec: GeneratorSpec,
    catalogue: Catalogue,
    source: CandidateSource,
    exclusions: Exclusions,
    length: Length,
) -> Builder:
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
    others = Builder(
        neighbourhood, Length(tracks=min(MAX_TRACKS, 2 * need)), default_artist_cap(need)
    )
    without_artist = replace_exclusions(exclusions, artist_ids=[artist])
    _ask(source, neighbourhood, seeds, need, spec, without_artist, others)
    _fill_from_pool(neighbourhood, others, own[:3], spec)

    builder = Builder(catalogue, length, None)
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
    exclusions: Exclusions, *, track_ids: Sequence[str] = (), artist_ids: Sequence[int] = ()
) -> Any:
    """The same kind of exclusions with more tracks/artists added (works for any dataclass)."""
    tracks = frozenset(exclusions.track_ids) | frozenset(track_ids)
    artists = frozenset(exclusions.artist_ids) | frozenset(int(a) for a in artist_ids)
    try:
        return replace(exclusions, track_ids=tracks, artist_ids=artists)
    except TypeError:
        return Exclusions(tracks, artists)


def _path(spec: GeneratorSpec, catalogue: Catalogue, length: Length) -> Builder:
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


def _walk(catalogue: Catalogue, start: int, end: int, n: int, spec: GeneratorSpec) -> Builder:
    """``n`` steps along the straight line from ``start`` to ``end`` in the embedding; each step
    takes one of the nearest unused allowed tracks to its point (the dial widens the choice).
    With a minutes target, the step picks among those near ones the track whose duration keeps
    the remaining steps on budget."""
    rng = np.random.default_rng(spec.seed)
    target_ms = spec.length.target_ms
    builder = Builder(catalogue, Length(tracks=n - 1), None)
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
    exclusions: Exclusions | None = None,
    locked: Mapping[int, str] | None = None,
) -> GeneratedPlaylist:
    """Run ``spec`` over ``bundle``; ``locked`` (position -> track id) are kept where they are and
    count toward the length (a smart playlist's re-run keeps what the user pinned)."""
    exclusions = exclusions if exclusions is not None else Exclusions()
    locked = dict(locked or {})
    source = source if source is not None else EmbeddingNeighbours(bundle)
    catalogue = Catalogue(bundle, spec.track_filter, exclusions)
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
    catalogue: Catalogue,
    source: CandidateSource,
    exclusions: Exclusions,
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
        builder = Builder(catalogue, length, default_artist_cap(need))
        pool = np.flatnonzero(catalogue.allowed)
        ranked = _familiarity_ranking(catalogue, pool, spec.adventurousness, spec.seed)
        builder.offer_all(ranked)
        builder.offer_all(ranked, ignore_artist_cap=True)
        builder.offer_closest(ranked)
    return builder.rows


def _arrange(spec: GeneratorSpec, catalogue: Catalogue, rows: list[int]) -> list[int]:
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

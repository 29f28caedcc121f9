"""Explore: the catalogue as a map. Which points to draw, search, track details, the staging list.

Scale is the design constraint (a 114k-track catalogue must stay usable):

- Everything per track that the map needs is computed **once per model version** (``MapBase``):
  float32 coordinates, category codes for colouring, marker sizes, a search key per track and the
  ``FilterIndex`` the filters test against. A request then only masks and gathers arrays; it never
  queries the database per track and never runs UMAP (coordinates come from the trained bundle).
- Beyond ``MAX_POINTS_2D`` / ``MAX_POINTS_3D`` points the map is decimated: a fixed random priority
  per track picks which points stay, so points do not jump around as filters change. In 2D the
  viewport narrows the candidates first, so zooming in shows every point of the zoomed area.
- Hover labels ("title · artist") are sent only when at most ``HOVER_TEXT_LIMIT`` points are drawn;
  beyond that the hover names the category and details are looked up on click.

The staging list (tracks picked on the map for a playlist) lives client-side as a plain list of
track ids; every change to it goes through ``stage_tracks`` / ``unstage_tracks`` here, which check
the ids against the catalogue, keep it to the signed-in user and cap its size.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from dashapp.services.model_messages import NO_MODEL_YET
from dashapp.services.model_store import LoadedModel
from db.queries import listeners
from db.session import session_scope
from ml.activities import FEATURE_BOUNDS
from ml.filters import FilterIndex, TrackFilter
from music.links import spotify_track_url
from music.moods import MOOD_LABELS, QUADRANT_MOODS
from music.schema import InteractionKind

log = logging.getLogger(__name__)

Dims = Literal[2, 3]

# WebGL scattergl draws 114k points smoothly; scatter3d gets sluggish well before that.
MAX_POINTS_2D = 120_000
MAX_POINTS_3D = 40_000
# Above this many drawn points hover text would dominate the payload (~35 bytes per label).
HOVER_TEXT_LIMIT = 15_000
# A playlist is built from the staging list; thousands of staged tracks help nobody.
STAGING_LIMIT = 500
# The client-side store of staged track ids; the playlist builder reads the same store.
STAGING_STORE_ID = "staging-tracks"

CATEGORICAL_COLOURINGS: dict[str, str] = {
    "cluster": "Cluster",
    "family": "Family",
    "genre": "Genre",
    "mood": "Mood",
}
FEATURE_COLOURINGS: dict[str, str] = {
    "energy": "Energy",
    "danceability": "Danceability",
    "valence": "Valence (positivity)",
    "acousticness": "Acousticness",
    "instrumentalness": "Instrumentalness",
    "speechiness": "Speechiness",
    "tempo": "Tempo (BPM)",
    "loudness": "Loudness (dB)",
    "popularity": "Popularity",
    "release_year": "Release year",
}
COLOURINGS: dict[str, str] = {**CATEGORICAL_COLOURINGS, **FEATURE_COLOURINGS}
# Features on a fixed scale keep it, so a colour means the same under any filter.
FIXED_SCALES = frozenset(
    {
        "energy",
        "danceability",
        "valence",
        "acousticness",
        "instrumentalness",
        "speechiness",
        "popularity",
    }
)


class ExploreError(ValueError):
    """A request the user can correct (an unknown track, an unknown colouring)."""


@dataclass(frozen=True, eq=False)
class MapBase:
    """Per-model arrays the map is drawn from; built once per model version (see ``map_base``)."""

    version: str
    tracks: pd.DataFrame
    filter_index: FilterIndex
    coords2: np.ndarray  # float32 (n, 2)
    coords3: np.ndarray  # float32 (n, 3)
    categories: dict[str, tuple[np.ndarray, tuple[str, ...]]]  # colouring -> (codes, names)
    size: np.ndarray  # uint8 marker size from popularity
    priority: np.ndarray  # float32 random rank; decimation keeps the lowest
    search_keys: pd.Series  # case-folded "title artist" per track
    labels: np.ndarray  # object "title · artist" per track, for hover and lists
    row_of: dict[str, int]
    genre_slugs: tuple[str, ...]  # every genre and subgenre slug, for the filter options
    year_bounds: tuple[int, int]
    atlas: Any = None  # ml.cluster_cards.ClusterAtlas of the model, None for older bundles
    # Family of each cluster code (the "Unclustered" code, if any, gets -1); empty without atlas.
    cluster_family: tuple[int, ...] = ()
    family_names: tuple[str, ...] = ()
    family_labels: tuple[tuple[str, float, float], ...] = ()  # (name, x, y) on the 2D map

    def __len__(self) -> int:
        return len(self.tracks)

    def rows_of(self, track_ids: Iterable[str]) -> np.ndarray:
        """Catalogue rows of the known ids among ``track_ids`` (unknown ids are skipped)."""
        rows = [self.row_of[t] for t in track_ids if t in self.row_of]
        return np.asarray(rows, dtype=np.int64)


@dataclass(frozen=True)
class MapPoints:
    """The points one map view draws: plain arrays a figure builder renders without looking up."""

    dims: Dims
    colour_by: str
    colour_label: str
    rows: np.ndarray  # uint32 catalogue rows drawn, ascending
    coords: np.ndarray  # float32 (m, dims)
    codes: np.ndarray | None  # category code per point (categorical colourings)
    category_names: tuple[str, ...]  # names of every code (stable across filters)
    values: np.ndarray | None  # float32 value per point (feature colourings)
    value_range: tuple[float, float] | None
    size: np.ndarray  # uint8
    hover: list[str] | None  # "title · artist" per point, or None when too many points
    matched: int  # tracks passing the filter (before decimation)
    total: int  # tracks in the catalogue
    highlight: tuple[float, ...] | None = None  # coordinates of the searched/clicked track
    highlight_label: str = ""
    # Colouring by cluster with families known: each code's family, the family names, and the
    # family labels drawn on the 2D map ((name, x, y)).
    code_groups: tuple[int, ...] = ()
    group_names: tuple[str, ...] = ()
    group_labels: tuple[tuple[str, float, float], ...] = ()

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def decimated(self) -> bool:
        return self.shown < self.matched


@dataclass(frozen=True)
class SearchHit:
    track_id: str
    label: str  # "title · artist"


@dataclass(frozen=True)
class SimilarTrack:
    track_id: str
    title: str
    artist: str
    genre: str
    score: float
    reason: str


@dataclass(frozen=True)
class TrackDetails:
    track_id: str
    title: str
    artist: str
    album: str
    release_year: int | None
    genre: str
    cluster: int
    cluster_name: str
    moods: tuple[str, ...]
    features: dict[str, float]
    popularity: int
    spotify_url: str
    similar: tuple[SimilarTrack, ...] = field(default=())


# ---------------------------------------------------------------- per-model base arrays


def map_base(loaded: LoadedModel) -> MapBase:
    """The base arrays for the loaded model, built on first use and kept with that model."""
    return loaded.derived(_map_base_of)


def _map_base_of(loaded: LoadedModel) -> MapBase:
    return build_map_base(
        loaded.bundle.tracks,
        loaded.bundle.cluster_names,
        loaded.version,
        atlas=getattr(loaded.bundle, "atlas", None),
    )


def build_map_base(
    tracks: pd.DataFrame, cluster_names: Sequence[str], version: str, *, atlas: Any = None
) -> MapBase:
    """Everything per track the map, search and filters need, as compact arrays."""
    tracks = tracks.reset_index(drop=True)
    n = len(tracks)
    coords2 = _float32_columns(tracks, ("x2", "y2"))
    coords3 = _float32_columns(tracks, ("x3", "y3", "z3"))
    cluster = pd.to_numeric(tracks["cluster"], errors="coerce").fillna(-1).to_numpy(np.int64)
    names = tuple(cluster_names)
    unknown = (cluster < 0) | (cluster >= len(names))
    cluster_codes = np.where(unknown, len(names), cluster).astype(np.int32)
    cluster_labels = (*names, "Unclustered") if unknown.any() else names
    genre_codes, genre_names = pd.factorize(tracks["genre"].fillna("unknown"), sort=True)
    popularity = pd.to_numeric(tracks["popularity"], errors="coerce").fillna(0).to_numpy()
    # 3 px for obscure tracks up to 8 px for the biggest hits: visible at a glance, never a blob.
    size = (3 + np.clip(popularity, 0, 100) / 20).astype(np.uint8)
    title = tracks["name"].fillna("").astype(str)
    artist = tracks["artist_name"].fillna("").astype(str)
    labels = (title + " · " + artist).to_numpy(dtype=object)
    years = pd.to_numeric(tracks["release_year"], errors="coerce").dropna()
    year_bounds = (int(years.min()), int(years.max())) if len(years) else (1950, 2025)
    filter_index = FilterIndex(tracks)
    # Warm the per-catalogue filter codes now, so the first filtered view pays no extra second.
    filter_index.genre_codes  # noqa: B018
    filter_index.mood_bits  # noqa: B018
    families = _families(atlas, cluster_codes, len(cluster_labels), coords2)
    return MapBase(
        version=version,
        tracks=tracks,
        filter_index=filter_index,
        coords2=coords2,
        coords3=coords3,
        categories={
            "cluster": (cluster_codes, cluster_labels),
            "family": families["codes"],
            "genre": (genre_codes.astype(np.int32), tuple(str(g) for g in genre_names)),
            "mood": _primary_mood_codes(tracks),
        },
        size=size,
        priority=np.random.default_rng(0).random(n, dtype=np.float32),
        search_keys=(title + " " + artist).str.casefold(),
        labels=labels,
        row_of=dict(zip(tracks["track_id"].tolist(), range(n), strict=True)),
        genre_slugs=tuple(sorted({str(slug) for s in filter_index.genre_codes[1] for slug in s})),
        year_bounds=year_bounds,
        atlas=atlas,
        cluster_family=families["of_code"],
        family_names=families["names"],
        family_labels=families["labels"],
    )


def _families(
    atlas: Any, cluster_codes: np.ndarray, n_codes: int, coords2: np.ndarray
) -> dict[str, Any]:
    """Family codes per track, family of each cluster code, names, and a label position per
    family (the median 2D position of its tracks: inside the island, not between islands)."""
    if atlas is None or not len(atlas.families):
        codes = (np.zeros(len(cluster_codes), dtype=np.int32), ("All tracks",))
        return {"codes": codes, "of_code": (), "names": (), "labels": ()}
    of_code = np.full(n_codes, -1, dtype=np.int64)
    of_code[: len(atlas.family_of)] = atlas.family_of
    names = tuple(family.name for family in atlas.families)
    per_track = of_code[cluster_codes]
    unclustered = per_track < 0
    family_codes = np.where(unclustered, len(names), per_track).astype(np.int32)
    family_labels = (*names, "Unclustered") if unclustered.any() else names
    labels = []
    for family, name in enumerate(names):
        rows = family_codes == family
        if rows.any():
            x, y = np.median(coords2[rows], axis=0)
            labels.append((name, float(x), float(y)))
    return {
        "codes": (family_codes, family_labels),
        "of_code": tuple(int(f) for f in of_code),
        "names": names,
        "labels": tuple(labels),
    }


def _float32_columns(tracks: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    values = tracks[list(columns)].to_numpy(dtype=np.float32, na_value=np.nan)
    # A track without coordinates sits at the origin rather than breaking the whole figure.
    return np.nan_to_num(values, nan=0.0)


def _primary_mood_codes(tracks: pd.DataFrame) -> tuple[np.ndarray, tuple[str, ...]]:
    """The quadrant mood (happy/tense/sad/calm) each track's mood tuple carries."""
    names = (*(MOOD_LABELS[m] for m in QUADRANT_MOODS), "No mood")
    if "moods" not in tracks.columns:
        return np.full(len(tracks), len(QUADRANT_MOODS), dtype=np.int32), names
    try:  # tuples factorize as they are; mapping 114k values first costs a second
        codes, distinct = pd.factorize(tracks["moods"], sort=False)
    except TypeError:  # lists (unhashable) from a hand-built frame
        codes, distinct = pd.factorize(tracks["moods"].map(_as_tuple), sort=False)
    distinct = [_as_tuple(moods) for moods in distinct]
    per_distinct = np.array(
        [
            next((QUADRANT_MOODS.index(m) for m in moods if m in QUADRANT_MOODS), 4)
            for moods in distinct
        ]
        + [len(QUADRANT_MOODS)],  # code -1 (missing) gathers the last entry
        dtype=np.int32,
    )
    return per_distinct[codes], names


def _as_tuple(value: object) -> tuple:
    if isinstance(value, tuple):
        return value
    if isinstance(value, list | np.ndarray):
        return tuple(value)
    return ()


# ---------------------------------------------------------------- the points of one view


def map_points(
    base: MapBase,
    *,
    dims: Dims = 2,
    colour_by: str = "cluster",
    track_filter: TrackFilter | None = None,
    only_rows: np.ndarray | None = None,
    viewport: tuple[tuple[float, float], tuple[float, float]] | None = None,
    highlight_row: int | None = None,
    max_points: int | None = None,
) -> MapPoints:
    """The points to draw: filtered, optionally restricted to ``only_rows``, decimated if needed.

    ``viewport`` ((x0, x1), (y0, y1)) applies to the 2D map when the view would be decimated: only
    points inside it compete for the point budget, which is how zooming in reveals detail.
    """
    if colour_by not in COLOURINGS:
        raise ExploreError(f"cannot colour by {colour_by!r}: choose from {', '.join(COLOURINGS)}")
    keep = (
        track_filter.mask(base.filter_index)
        if track_filter is not None and not track_filter.is_empty
        else np.ones(len(base), dtype=bool)
    )
    if only_rows is not None:
        restricted = np.zeros(len(base), dtype=bool)
        restricted[np.asarray(only_rows, dtype=np.int64)] = True
        keep &= restricted
    rows = np.flatnonzero(keep)
    matched = len(rows)
    coords_all = base.coords2 if dims == 2 else base.coords3
    budget = max_points or (MAX_POINTS_2D if dims == 2 else MAX_POINTS_3D)
    if len(rows) > budget and dims == 2 and viewport is not None:
        (x0, x1), (y0, y1) = viewport
        xy = coords_all[rows]
        inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
        rows = rows[inside]
    if len(rows) > budget:
        chosen = np.argpartition(base.priority[rows], budget - 1)[:budget]
        rows = np.sort(rows[chosen])
    codes, names, values, value_range = None, (), None, None
    if colour_by in CATEGORICAL_COLOURINGS:
        all_codes, names = base.categories[colour_by]
        codes = all_codes[rows]
    else:
        column = pd.to_numeric(base.tracks[colour_by], errors="coerce")
        all_values = column.to_numpy(dtype=np.float32, na_value=np.nan)
        values = all_values[rows]
        if colour_by in FIXED_SCALES:
            value_range = FEATURE_BOUNDS[colour_by]
        elif np.isfinite(all_values).any():
            value_range = (float(np.nanmin(all_values)), float(np.nanmax(all_values)))
    highlight = None
    highlight_label = ""
    if highlight_row is not None and 0 <= highlight_row < len(base):
        highlight = tuple(float(v) for v in coords_all[highlight_row])
        highlight_label = str(base.labels[highlight_row])
    return MapPoints(
        dims=dims,
        colour_by=colour_by,
        colour_label=COLOURINGS[colour_by],
        rows=rows.astype(np.uint32),
        coords=coords_all[rows],
        codes=codes,
        category_names=names,
        values=values,
        value_range=value_range,
        size=base.size[rows],
        hover=list(base.labels[rows]) if len(rows) <= HOVER_TEXT_LIMIT else None,
        matched=matched,
        total=len(base),
        highlight=highlight,
        highlight_label=highlight_label,
        code_groups=base.cluster_family if colour_by == "cluster" else (),
        group_names=base.family_names if colour_by == "cluster" else (),
        group_labels=base.family_labels if colour_by in ("cluster", "family") else (),
    )


def cluster_card(loaded: LoadedModel, track_id: str) -> Any:
    """The "what's in it" card (``ml.cluster_cards.ClusterCard``) of the track's cluster, as
    training stored it; None for noise or bundles from before cards."""
    base = map_base(loaded)
    row = base.row_of.get(track_id)
    if row is None:
        raise ExploreError("That track is not in the current catalogue.")
    if base.atlas is None:
        return None
    return base.atlas.card(int(base.tracks["cluster"].iat[row]))


def rows_of_category(base: MapBase, colour_by: str, row: int) -> np.ndarray:
    """Rows sharing ``row``'s category ("select this cluster" in 3D, which has no lasso)."""
    if colour_by not in CATEGORICAL_COLOURINGS:
        colour_by = "cluster"
    codes, _ = base.categories[colour_by]
    return np.flatnonzero(codes == codes[row])


def nearest_rows(base: MapBase, row: int, k: int, dims: Dims = 3) -> np.ndarray:
    """The ``k`` tracks nearest ``row`` on the map (``row`` itself first): "select k nearest"."""
    coords = base.coords2 if dims == 2 else base.coords3
    distance = np.square(coords - coords[row]).sum(axis=1)
    k = min(k, len(base))
    nearest = np.argpartition(distance, k - 1)[:k]
    return nearest[np.argsort(distance[nearest], kind="stable")]


# ---------------------------------------------------------------- search and details


def search_tracks(base: MapBase, query: str, limit: int = 20) -> list[SearchHit]:
    """Tracks whose title or artist contains every word of ``query``.

    Ranked: the whole query as typed first, then titles starting with its first word, then by
    popularity (so "song 12" puts "Song 12" above "Song 120").
    """
    words = query.casefold().split()
    if not words or limit <= 0:
        return []
    hit = np.ones(len(base), dtype=bool)
    for word in words:
        hit &= base.search_keys.str.contains(word, regex=False).to_numpy(dtype=bool)
    rows = np.flatnonzero(hit)
    if not len(rows):
        return []
    keys = base.search_keys.iloc[rows]
    phrase = keys.str.contains(" ".join(words), regex=False).to_numpy(dtype=bool)
    exact = (keys == " ".join(words)).to_numpy(dtype=bool) | keys.str.startswith(
        " ".join(words) + " "
    ).to_numpy(dtype=bool)
    starts = keys.str.startswith(words[0]).to_numpy(dtype=bool)
    popularity = np.nan_to_num(base.filter_index.numeric("popularity")[rows])
    order = np.lexsort((rows, -popularity, ~starts, ~phrase, ~exact))[:limit]
    ids = base.tracks["track_id"]
    return [SearchHit(str(ids.iat[r]), str(base.labels[r])) for r in rows[order]]


def track_details(
    loaded: LoadedModel, track_id: str, *, k_similar: int = 8, exclusions: Any = None
) -> TrackDetails:
    """One track's card, with the recommender's most similar tracks (bans excluded)."""
    base = map_base(loaded)
    row = base.row_of.get(track_id)
    if row is None:
        raise ExploreError("That track is not in the current catalogue.")
    track = base.tracks.iloc[row]
    cluster = int(track["cluster"])
    names = loaded.bundle.cluster_names
    similar: list[SimilarTrack] = []
    for rec in loaded.recommender.similar_tracks(track_id, k=k_similar, exclusions=exclusions):
        other = base.row_of.get(rec.track_id)
        if other is None:
            continue
        other_track = base.tracks.iloc[other]
        similar.append(
            SimilarTrack(
                track_id=rec.track_id,
                title=str(other_track["name"]),
                artist=str(other_track["artist_name"]),
                genre=str(other_track["genre"]),
                score=float(rec.score),
                reason=rec.reasons[0] if rec.reasons else "",
            )
        )
    year = track.get("release_year")
    return TrackDetails(
        track_id=track_id,
        title=str(track["name"]),
        artist=str(track["artist_name"]),
        album=str(track.get("album_name") or ""),
        release_year=int(year) if pd.notna(year) else None,
        genre=str(track["genre"]),
        cluster=cluster,
        cluster_name=names[cluster] if 0 <= cluster < len(names) else "Unclustered",
        moods=_as_tuple(track.get("moods")),
        features={
            name: float(track[name])
            for name in ("energy", "danceability", "valence", "acousticness", "tempo")
            if pd.notna(track.get(name))
        },
        popularity=int(track["popularity"]) if pd.notna(track.get("popularity")) else 0,
        spotify_url=spotify_track_url(track_id),  # demo tracks: spotify_link
        similar=tuple(similar),
    )


# ---------------------------------------------------------------- the staging list


@dataclass(frozen=True)
class Staging:
    """The staging list as stored client-side: whose it is and the track ids, in staging order."""

    user_id: int
    track_ids: tuple[str, ...]
    message: str = ""

    def to_store(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "track_ids": list(self.track_ids)}


def staging_from_store(data: Any, user_id: int, base: MapBase | None = None) -> Staging:
    """Read the client's store defensively: another user's list or unknown ids are dropped."""
    if not isinstance(data, dict) or data.get("user_id") != user_id:
        return Staging(user_id, ())
    ids = data.get("track_ids")
    if not isinstance(ids, list):
        return Staging(user_id, ())
    clean = [t for t in ids if isinstance(t, str)]
    if base is not None:
        clean = [t for t in clean if t in base.row_of]
    return Staging(user_id, tuple(dict.fromkeys(clean))[:STAGING_LIMIT])


def stage_rows(base: MapBase, staging: Staging, rows: Iterable[int]) -> Staging:
    """Append catalogue rows to the staging list (deduplicated, capped at ``STAGING_LIMIT``)."""
    ids = base.tracks["track_id"]
    wanted = [int(r) for r in rows if 0 <= int(r) < len(base)]
    merged = list(dict.fromkeys([*staging.track_ids, *(str(ids.iat[r]) for r in wanted)]))
    added = len(merged) - len(staging.track_ids)
    if len(merged) > STAGING_LIMIT:
        dropped = len(merged) - STAGING_LIMIT
        merged = merged[:STAGING_LIMIT]
        return Staging(
            staging.user_id,
            tuple(merged),
            f"Staged {added - dropped} tracks; the list holds at most {STAGING_LIMIT}, "
            f"so {dropped} were left out. Narrow the selection or clear the list.",
        )
    return Staging(staging.user_id, tuple(merged), f"Staged {added} new tracks.")


def unstage(staging: Staging, track_ids: Iterable[str] | None = None) -> Staging:
    """Remove some tracks from the staging list, or all of them when ``track_ids`` is None."""
    if track_ids is None:
        return Staging(staging.user_id, (), "Cleared the staging list.")
    drop = set(track_ids)
    return Staging(staging.user_id, tuple(t for t in staging.track_ids if t not in drop))


# ---------------------------------------------------------------- the signed-in user's side

NO_MODEL_MESSAGE = f"The map appears once a trained model is serving. {NO_MODEL_YET}"
SHOW_ONLY: dict[str, str] = {
    "all": "All tracks",
    "likes": "My likes",
    "plays": "My plays",
    "staged": "Staged tracks",
}
_LIKED_KINDS = frozenset({InteractionKind.LIKE, InteractionKind.FAVOURITE})


def my_rows(base: MapBase, user_id: int, which: str, staging: Staging | None = None) -> np.ndarray:
    """Catalogue rows for "show only" (my likes / my plays / staged); never another user's."""
    if which == "staged":
        return base.rows_of(staging.track_ids if staging else ())
    if which not in ("likes", "plays"):
        raise ExploreError(f"cannot show only {which!r}: choose from {', '.join(SHOW_ONLY)}")
    with session_scope() as session:
        events = listeners.history(session, user_id)
    kinds = _LIKED_KINDS if which == "likes" else frozenset({InteractionKind.PLAY})
    return base.rows_of(dict.fromkeys(e.track_id for e in events if e.kind in kinds))


def details_for_user(loaded: LoadedModel, user_id: int, track_id: str) -> TrackDetails:
    """``track_details`` with the user's bans kept out of the similar tracks."""
    from ml.recommender import Exclusions

    with session_scope() as session:
        bans = listeners.bans(session, user_id)
    exclusions = Exclusions(track_ids=bans.track_ids, artist_ids=bans.artist_ids)
    details = track_details(loaded, track_id, exclusions=exclusions)
    # The recommender promises to honour bans; a ban is a promise to the user, so check.
    base = map_base(loaded)
    artist_ids = base.tracks["artist_id"]
    kept = tuple(
        s
        for s in details.similar
        if s.track_id not in bans.track_ids
        and int(artist_ids.iat[base.row_of[s.track_id]]) not in bans.artist_ids
    )
    return replace(details, similar=kept)


def spotify_link(base: MapBase, track_id: str) -> str | None:
    """The Spotify page of a real track; None for generated demo tracks."""
    row = base.row_of.get(track_id)
    if row is None or str(base.tracks["source"].iat[row]) == "demo":
        return None
    return spotify_track_url(track_id)

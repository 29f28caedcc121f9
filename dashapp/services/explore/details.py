"""One track's details card, its cluster's card and its Spotify link, for the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from dashapp.services.explore.base import (
    ExploreError,
    LoadedModel,
    MapBase,
    as_tuple,
    map_base,
)
from db.queries import listeners
from db.session import session_scope
from music.links import spotify_track_url
from music.schema import Exclusions


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
        moods=as_tuple(track.get("moods")),
        features={
            name: float(track[name])
            for name in ("energy", "danceability", "valence", "acousticness", "tempo")
            if pd.notna(track.get(name))
        },
        popularity=int(track["popularity"]) if pd.notna(track.get("popularity")) else 0,
        spotify_url=spotify_track_url(track_id),  # demo tracks: spotify_link
        similar=tuple(similar),
    )


def details_for_user(loaded: LoadedModel, user_id: int, track_id: str) -> TrackDetails:
    """``track_details`` with the user's bans kept out of the similar tracks."""
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

"""Synthetic playlists and Last.fm-style listeners for the evaluation tests (no shared data).

Tracks of one genre share a sound, playlists of one genre draw most of their tracks from it, and
"scenes" (a genre's subgroups) make some tracks co-occur in several playlists, so baselines that
use sound, genre or co-occurrence each have real structure to find.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from music.catalogue_frames import TRACK_COLUMNS, CatalogueFrames
from music.hetrec import HetRecFrames

GENRE_SOUND: dict[str, dict[str, float]] = {
    "rock": {"energy": 0.85, "valence": 0.4, "danceability": 0.45, "acousticness": 0.05},
    "pop": {"energy": 0.65, "valence": 0.7, "danceability": 0.7, "acousticness": 0.2},
    "edm": {"energy": 0.9, "valence": 0.5, "danceability": 0.8, "acousticness": 0.02},
    "r&b": {"energy": 0.45, "valence": 0.5, "danceability": 0.65, "acousticness": 0.4},
}


def synthetic_frames(
    n_tracks: int = 400,
    n_playlists: int = 40,
    playlist_size: int = 20,
    seed: int = 0,
) -> CatalogueFrames:
    rng = np.random.default_rng(seed)
    genres = list(GENRE_SOUND)
    genre_of_track = np.arange(n_tracks) % len(genres)
    # Four tracks per artist, all of the artist's genre.
    artist_of_track = genre_of_track + len(genres) * (np.arange(n_tracks) // (4 * len(genres)))

    def sound(feature: str) -> np.ndarray:
        centre = np.array([GENRE_SOUND[genres[g]][feature] for g in genre_of_track])
        return np.clip(centre + rng.normal(0, 0.07, n_tracks), 0.0, 1.0)

    energy = sound("energy")
    tracks = pd.DataFrame(
        {
            "track_id": [f"trk{i:04d}" for i in range(n_tracks)],
            "name": [f"Song {i}" for i in range(n_tracks)],
            "primary_artist": [f"Artist {a}" for a in artist_of_track],
            "artist_names": [f"Artist {a}" for a in artist_of_track],
            "album_id": None,
            "album_name": [f"Album {a}" for a in artist_of_track],
            "release_date": dt.date(2019, 1, 1),
            "release_year": 2019,
            "popularity": rng.integers(0, 101, n_tracks),
            "duration_ms": rng.integers(150_000, 300_000, n_tracks),
            "explicit": None,
            "key": rng.integers(0, 12, n_tracks),
            "mode": rng.integers(0, 2, n_tracks),
            "danceability": sound("danceability"),
            "energy": energy,
            "loudness": -15 + 12 * energy,
            "speechiness": rng.uniform(0.02, 0.2, n_tracks),
            "acousticness": sound("acousticness"),
            "instrumentalness": rng.uniform(0, 0.1, n_tracks),
            "liveness": rng.uniform(0.05, 0.3, n_tracks),
            "valence": sound("valence"),
            "tempo": np.where(genre_of_track == 2, 128.0, 100.0) + rng.normal(0, 6, n_tracks),
            "time_signature": 4,
        }
    )[list(TRACK_COLUMNS)]

    playlists, items, track_genres = [], [], []
    for p in range(n_playlists):
        genre = p % len(genres)
        scene = (p // len(genres)) % 2  # two scenes per genre: half of its tracks each
        pool = np.flatnonzero((genre_of_track == genre) & ((np.arange(n_tracks) // 8) % 2 == scene))
        chosen = rng.choice(pool, size=min(playlist_size, len(pool)), replace=False)
        playlist_id = f"pl{p:03d}"
        subgenre = f"{genres[genre]} scene {scene}"
        playlists.append((playlist_id, f"Playlist {p}", genres[genre], subgenre))
        for position, track in enumerate(chosen.tolist()):
            items.append((playlist_id, f"trk{track:04d}", position))
            track_genres.append((f"trk{track:04d}", genres[genre], subgenre))
    # Tracks no playlist holds still need a genre row, as in a real catalogue.
    listed = {row[0] for row in track_genres}
    for i in range(n_tracks):
        if f"trk{i:04d}" not in listed:
            track_genres.append((f"trk{i:04d}", genres[genre_of_track[i]], None))
    return CatalogueFrames(
        source="demo",
        tracks=tracks,
        track_genres=pd.DataFrame(track_genres, columns=["track_id", "genre", "subgenre"]),
        playlists=pd.DataFrame(playlists, columns=["external_id", "name", "genre", "subgenre"]),
        playlist_items=pd.DataFrame(
            items, columns=["playlist_external_id", "track_id", "position"]
        ),
    )


def synthetic_hetrec(frames: CatalogueFrames, n_users: int = 30, seed: int = 0) -> HetRecFrames:
    """Last.fm-style users who each like artists of one or two genres, plus unmatched artists."""
    rng = np.random.default_rng(seed)
    artist_names = frames.tracks["primary_artist"].drop_duplicates().tolist()
    genre_of_artist = np.arange(len(artist_names)) % len(GENRE_SOUND)
    # Last.fm spells names its own way: the join must go through artist_name_key.
    names = [name.upper() if i % 5 == 0 else name for i, name in enumerate(artist_names)]
    names += [f"Unknown Band {i}" for i in range(10)]
    artists = pd.DataFrame(
        {
            "artist_id": np.arange(1, len(names) + 1, dtype=np.int64),
            "name": names,
            "url": "",
            "picture_url": "",
        }
    )
    rows = []
    for user in range(1, n_users + 1):
        favourite = rng.integers(len(GENRE_SOUND))
        pool = np.flatnonzero(genre_of_artist == favourite)
        count = int(rng.integers(4, 15)) if user % 10 else 3  # a few users are too small
        for artist in rng.choice(pool, size=min(count, len(pool)), replace=False).tolist():
            rows.append((user, artist + 1, int(rng.integers(1, 5000))))
        rows.append((user, len(artist_names) + 1 + user % 10, 50))  # one unmatched artist
    return HetRecFrames(
        user_artists=pd.DataFrame(rows, columns=["user_id", "artist_id", "plays"]),
        artists=artists,
        friends=pd.DataFrame({"user_id": [1], "friend_id": [2]}),
    )

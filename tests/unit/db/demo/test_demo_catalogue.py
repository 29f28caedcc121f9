"""The demo catalogue: deterministic, big and varied enough, and shaped like real music."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from db.demo.catalogue import generate_catalogue
from music.catalogue_frames import catalogue_frame
from music.schema import AUDIO_FEATURES, artist_name_key, validate_catalogue_frame


@pytest.fixture(scope="module")
def frames():
    return generate_catalogue()


@pytest.fixture(scope="module")
def tracks(frames) -> pd.DataFrame:
    """Tracks with their primary genre and subgenre (the first genre row of each track)."""
    primary = frames.track_genres.drop_duplicates("track_id")
    return frames.tracks.merge(primary, on="track_id", validate="one_to_one")


def test_same_seed_gives_the_same_catalogue_and_another_seed_does_not():
    first, again = generate_catalogue(800, seed=3), generate_catalogue(800, seed=3)
    other = generate_catalogue(800, seed=4)
    for name in ("tracks", "track_genres", "playlists", "playlist_items"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))
    assert not set(first.tracks["track_id"]) & set(other.tracks["track_id"])
    assert first.tracks["name"].tolist() != other.tracks["name"].tolist()


def test_default_catalogue_has_thousands_of_tracks_over_twenty_genres(frames, tracks):
    assert len(frames.tracks) >= 5000
    counts = tracks["genre"].value_counts()
    assert len(counts) >= 20
    assert counts.min() >= 50  # every genre big enough to form a cluster
    assert tracks["subgenre"].nunique() >= 60


def test_scales_to_the_requested_size(frames):
    assert len(generate_catalogue(1234).tracks) == 1234
    assert len(frames.tracks) == 6000
    with pytest.raises(ValueError):
        generate_catalogue(0)


def test_values_are_complete_and_in_spotify_ranges(frames):
    t = frames.tracks
    assert (
        not t[["track_id", "name", "primary_artist", "duration_ms", *AUDIO_FEATURES]]
        .isna()
        .any()
        .any()
    )
    for feature in (
        "danceability",
        "energy",
        "speechiness",
        "acousticness",
        "instrumentalness",
        "liveness",
        "valence",
    ):
        assert t[feature].between(0, 1).all(), feature
    assert t["loudness"].between(-60, 0).all()
    assert t["tempo"].between(40, 260).all()
    assert t["duration_ms"].between(45_000, 1_800_000).all()
    assert t["key"].between(0, 11).all() and set(t["mode"]) == {0, 1}
    assert t["popularity"].between(0, 100).all() and t["popularity"].std() > 8
    assert set(t["time_signature"].dropna()) <= {3, 4, 5}
    assert t["release_year"].between(1930, 2024).all()
    assert t["release_date"].notna().mean() > 0.9
    dated = t.dropna(subset=["release_date"])
    assert (dated["release_date"].map(lambda d: d.year) == dated["release_year"]).all()


def test_genres_sound_like_themselves(tracks):
    mean = tracks.groupby("genre")[list(AUDIO_FEATURES)].mean()
    assert mean.loc["edm", "energy"] > mean.loc["classical", "energy"] + 0.5
    assert mean.loc["metal", "energy"] > mean.loc["folk", "energy"] + 0.3
    assert mean.loc["classical", "acousticness"] > 0.8 > 0.2 > mean.loc["edm", "acousticness"]
    assert mean["speechiness"].idxmax() == "hip hop"
    assert (
        mean.loc["classical", "instrumentalness"] > 0.4 > 0.05 > mean.loc["pop", "instrumentalness"]
    )
    assert mean.loc["metal", "loudness"] > mean.loc["ambient", "loudness"] + 10
    assert mean.loc["ambient", "valence"] < mean.loc["funk", "valence"] - 0.4
    tempo = tracks.groupby("subgenre")["tempo"].median()
    assert abs(tempo["house"] - 124) < 3 and abs(tempo["liquid funk"] - 174) < 3
    # Within a genre tracks still vary: a cluster, not a point.
    assert tracks.groupby("genre")["energy"].std().min() > 0.04


def test_an_artists_tracks_sit_closer_together_than_their_genres(tracks):
    features = ["energy", "valence", "danceability", "acousticness"]
    within_artist = tracks.groupby("primary_artist")[features].std().mean().mean()
    within_genre = tracks.groupby("genre")[features].std().mean().mean()
    assert within_artist < within_genre


def test_ids_are_spotify_shaped_and_unique(frames):
    ids = frames.tracks["track_id"]
    assert ids.is_unique
    assert ids.map(lambda s: re.fullmatch(r"[0-9A-Za-z]{22}", s) is not None).all()


def test_names_are_plausible_and_rarely_repeat(frames):
    t = frames.tracks
    assert (t["name"].str.strip().str.len() > 0).all()
    assert t["name"].duplicated().mean() < 0.08  # common titles exist, but are not the norm
    assert t.duplicated(["name", "primary_artist"]).mean() <= 0.005
    artists = t["primary_artist"].drop_duplicates()
    # Two artists must never merge on import, which matches names on this key.
    assert artists.map(artist_name_key).is_unique
    per_artist = t["primary_artist"].value_counts()
    assert 400 < len(per_artist) < 2000 and per_artist.max() > 5 * per_artist.median()
    assert t["album_name"].notna().all()
    assert (t.groupby("album_id")["primary_artist"].nunique() == 1).all()
    featured = t[t["name"].str.contains(r"\(feat\. ", regex=True)]
    assert 0.02 < len(featured) / len(t) < 0.3
    assert (featured["artist_names"].str.count(", ") >= 1).all()
    classical_titles = t["name"].str.contains(r" in [A-G][-a-z]* (?:major|minor), Op\. ")
    assert classical_titles.sum() > 50


def test_some_tracks_carry_several_genres_and_the_primary_comes_first(frames, tracks):
    genres = frames.track_genres
    assert set(genres["track_id"]) == set(frames.tracks["track_id"])
    assert not genres.duplicated(["track_id", "genre", "subgenre"]).any()
    per_track = genres.groupby("track_id").size()
    assert 0.1 < (per_track > 1).mean() < 0.4
    crossover = genres.groupby("track_id")["genre"].nunique()
    assert (crossover > 1).mean() > 0.05


def test_curated_playlists_draw_from_their_subgenre(frames):
    playlists, items = frames.playlists, frames.playlist_items
    assert len(playlists) == 100 and playlists["external_id"].is_unique
    assert playlists["subgenre"].nunique() >= 60
    assert not items.duplicated(["playlist_external_id", "track_id"]).any()
    sizes = items.groupby("playlist_external_id").size()
    assert sizes.min() >= 15 and sizes.max() <= 80
    positions = items.groupby("playlist_external_id")["position"].agg(list)
    assert all(p == list(range(len(p))) for p in positions)
    membership = items.merge(playlists, left_on="playlist_external_id", right_on="external_id")
    carried = membership.merge(frames.track_genres, on=["track_id", "genre", "subgenre"])
    assert len(carried) == len(items)


def test_playlists_favour_popular_tracks(frames):
    listed = frames.tracks["track_id"].isin(frames.playlist_items["track_id"])
    popularity = frames.tracks["popularity"]
    assert popularity[listed].mean() > popularity[~listed].mean() + 3


def test_the_ml_catalogue_frame_builds_from_it():
    # A small catalogue: catalogue_frame aggregates per track in Python and is slow on thousands.
    frames = generate_catalogue(600, seed=11)
    frame = validate_catalogue_frame(catalogue_frame(frames))
    assert len(frame) == len(frames.tracks)
    assert frame["genre"].nunique() >= 20
    assert (frame["source"] == "demo").all()
    assert np.isfinite(frame[list(AUDIO_FEATURES)].to_numpy()).all()

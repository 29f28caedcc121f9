import datetime as dt

import pandas as pd
import pytest

from music.catalogue_frames import TRACK_COLUMNS, CatalogueFrames, catalogue_frame, empty_frame
from music.schema import validate_catalogue_frame


def _track(track_id: str, artist: str, popularity: int) -> dict:
    row = dict.fromkeys(TRACK_COLUMNS, 0.5)
    row |= {
        "track_id": track_id,
        "name": f"Song {track_id}",
        "primary_artist": artist,
        "artist_names": artist,
        "album_id": None,
        "album_name": None,
        "release_date": dt.date(2019, 1, 2),
        "release_year": 2019,
        "popularity": popularity,
        "duration_ms": 200_000,
        "explicit": None,
        "key": 5,
        "mode": 1,
        "time_signature": None,
    }
    return row


def test_catalogue_frame_carries_every_genre_and_a_main_one():
    frames = CatalogueFrames(
        source="tidytuesday",
        tracks=pd.DataFrame([_track("a", "The Band", 60), _track("b", "the  band", 20)]),
        track_genres=pd.DataFrame(
            [
                {"track_id": "a", "genre": "rock", "subgenre": "hard rock"},
                {"track_id": "a", "genre": "pop", "subgenre": "dance pop"},
                {"track_id": "a", "genre": "rock", "subgenre": "classic rock"},
                {"track_id": "b", "genre": "Latin", "subgenre": None},
            ]
        ),
        playlists=empty_frame(("external_id", "name", "genre", "subgenre")),
        playlist_items=empty_frame(("playlist_external_id", "track_id", "position")),
    )
    frame = validate_catalogue_frame(catalogue_frame(frames)).set_index("track_id")
    assert frame.loc["a", "genre"] == "rock"
    assert frame.loc["a", "genres"] == ("pop", "rock")
    assert frame.loc["a", "subgenres"] == ("pop/dance pop", "rock/classic rock", "rock/hard rock")
    assert frame.loc["b", "genres"] == ("latin",) and frame.loc["b", "subgenres"] == ()
    # "The Band" and "the  band" are one artist, whose popularity is the mean of its tracks.
    assert frame.loc["a", "artist_id"] == frame.loc["b", "artist_id"]
    assert frame.loc["a", "artist_popularity"] == pytest.approx(40.0)


def test_frames_missing_a_column_are_refused():
    with pytest.raises(ValueError, match="tracks frame is missing columns: name"):
        CatalogueFrames(
            source="x",
            tracks=pd.DataFrame(columns=[c for c in TRACK_COLUMNS if c != "name"]),
            track_genres=empty_frame(("track_id", "genre", "subgenre")),
            playlists=empty_frame(("external_id", "name", "genre", "subgenre")),
            playlist_items=empty_frame(("playlist_external_id", "track_id", "position")),
        )

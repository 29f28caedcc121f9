"""The real TidyTuesday file imports whole: every track, genre, subgenre, playlist and member."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from db.importers.catalogue import import_catalogue
from db.models import Genre, Playlist, PlaylistItem, Track, TrackGenre
from music.schema import genre_slug
from tests.shared_data import TIDYTUESDAY_CSV, require_shared_data

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


@pytest.fixture(scope="module")
def songs() -> pd.DataFrame:
    path = require_shared_data(TIDYTUESDAY_CSV)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_tidytuesday_imports_every_track_genre_and_playlist_once(sqlite_db, songs, counts):
    with sqlite_db.session_scope() as session:
        first = import_catalogue(session, TIDYTUESDAY_CSV)
    assert first.report.problems == []
    assert first.summary.tracks_inserted == 28_356
    assert first.summary.playlists_inserted == 471

    with sqlite_db.session_scope() as session:
        stored_genres = pd.DataFrame(
            session.execute(select(TrackGenre.track_id, Genre.slug).join(Genre)).all(),
            columns=["track_id", "slug"],
        )
        items = pd.DataFrame(
            session.execute(
                select(Playlist.external_id, PlaylistItem.track_id, PlaylistItem.position).join(
                    Playlist
                )
            ).all(),
            columns=["playlist_id", "track_id", "position"],
        )
        assert session.query(Track).count() == songs["track_id"].nunique() == 28_356
        before = counts(session)

    # Each track carries every genre and every subgenre of every row it appears on.
    subgenre_slugs = [
        genre_slug(g, s) for g, s in zip(songs.playlist_genre, songs.playlist_subgenre, strict=True)
    ]
    expected = set(zip(songs.track_id, songs.playlist_genre.map(genre_slug), strict=True))
    expected |= set(zip(songs.track_id, subgenre_slugs, strict=True))
    assert set(stored_genres.itertuples(index=False, name=None)) == expected
    # Each playlist holds exactly its tracks, in the order they first appear in the file.
    members = songs.drop_duplicates(["playlist_id", "track_id"])
    assert items["playlist_id"].nunique() == 471
    stored = items.sort_values(["playlist_id", "position"]).groupby("playlist_id")["track_id"]
    wanted = members.groupby("playlist_id")["track_id"]
    assert stored.apply(list).to_dict() == wanted.apply(list).to_dict()

    with sqlite_db.session_scope() as session:
        again = import_catalogue(session, TIDYTUESDAY_CSV)
    assert again.summary.inserted == 0 and again.summary.tracks_updated == 0
    with sqlite_db.session_scope() as session:
        assert counts(session) == before

"""Parsing small synthetic files of both schemas into ``CatalogueFrames`` and row problems."""

from __future__ import annotations

import datetime as dt

import pytest

from db.importers.catalogue import parse_catalogue
from db.importers.csv_source import CatalogueFileError
from db.importers.validation import FEATURE_RANGES, UNKNOWN_ARTIST, UNKNOWN_TITLE
from music.catalogue_frames import catalogue_frame
from music.schema import validate_catalogue_frame


def test_tidytuesday_keeps_every_genre_playlist_and_member(tidytuesday_csv, tt_row):
    rows = [
        tt_row(0, "pl1", "rock"),
        tt_row(1, "pl1", "rock"),
        tt_row(0, "pl2", "pop"),  # the same track in a second playlist, another genre
        tt_row(2, "pl2", "pop"),
        tt_row(1, "pl1", "edm"),  # pl1 found by a second search: duplicate member, other label
        tt_row(3, "pl3", "latin", track_album_release_date="2012-03", track_name=""),
    ]
    parsed = parse_catalogue(tidytuesday_csv(rows))
    frames = parsed.frames

    assert parsed.schema.name == "tidytuesday" and parsed.report.problems == []
    assert list(frames.tracks["track_id"]) == ["tt0000", "tt0001", "tt0002", "tt0003"]
    genres = set(frames.track_genres.itertuples(index=False, name=None))
    assert ("tt0000", "rock", "rock sub") in genres and ("tt0000", "pop", "pop sub") in genres
    assert ("tt0001", "edm", "edm sub") in genres
    playlists = frames.playlists.set_index("external_id")
    assert list(playlists.index) == ["pl1", "pl2", "pl3"]
    assert playlists.loc["pl1", "genre"] == "rock"  # two rock rows beat one edm row
    items = frames.playlist_items
    assert list(items[items.playlist_external_id == "pl1"].track_id) == ["tt0000", "tt0001"]
    assert list(items[items.playlist_external_id == "pl2"].position) == [0, 1]
    tracks = frames.tracks.set_index("track_id")
    assert tracks.loc["tt0001", "release_date"] == dt.date(2019, 6, 14)
    assert (
        tracks.loc["tt0000", "release_year"] == 2001
        and tracks.loc["tt0000", "release_date"] is None
    )
    assert tracks.loc["tt0003", "release_year"] == 2012
    assert tracks.loc["tt0003", "name"] == UNKNOWN_TITLE
    # The parsed frames are what ml trains on without a database.
    validate_catalogue_frame(catalogue_frame(frames))


def test_kaggle_schema_is_detected_with_its_index_column(kaggle_csv, kg_row):
    rows = [kg_row(0), kg_row(1, genre="blues"), kg_row(0, genre="chill"), kg_row(2, artists="")]
    parsed = parse_catalogue(kaggle_csv(rows))
    frames = parsed.frames

    assert parsed.schema.name == "kaggle" and parsed.report.problems == []
    tracks = frames.tracks.set_index("track_id")
    assert list(tracks.index) == ["kg0000", "kg0001", "kg0002"]
    assert tracks.loc["kg0001", "primary_artist"] == "Singer 1"
    assert tracks.loc["kg0001", "artist_names"] == "Singer 1, Guest 1"
    assert tracks.loc["kg0002", "primary_artist"] == UNKNOWN_ARTIST
    assert bool(tracks.loc["kg0001", "explicit"]) and not bool(tracks.loc["kg0000", "explicit"])
    assert tracks.loc["kg0000", "time_signature"] == 4
    assert sorted(frames.track_genres[frames.track_genres.track_id == "kg0000"].genre) == [
        "acoustic",
        "chill",
    ]
    assert frames.track_genres["subgenre"].isna().all()
    assert frames.playlists.empty and frames.playlist_items.empty
    # A schema without subgenres still yields the training frame, with empty subgenre sets.
    trained_on = validate_catalogue_frame(catalogue_frame(frames)).set_index("track_id")
    assert trained_on.loc["kg0000", "genres"] == ("acoustic", "chill")
    assert trained_on["subgenres"].map(len).eq(0).all()


@pytest.mark.parametrize("feature", sorted(FEATURE_RANGES))
def test_every_audio_feature_is_range_checked(kaggle_csv, kg_row, feature):
    low, high = FEATURE_RANGES[feature]
    rows = [kg_row(0), kg_row(1, **{feature: high + 1}), kg_row(2, **{feature: low - 1})]
    report = parse_catalogue(kaggle_csv(rows)).report

    assert [(p.line, p.column) for p in report.problems] == [(3, feature), (4, feature)]
    assert "above the maximum" in report.problems[0].reason
    assert "below the minimum" in report.problems[1].reason


def test_row_problems_name_line_column_and_reason(tidytuesday_csv, tt_row):
    rows = [
        tt_row(0),
        tt_row(1, track_popularity="abc", key="12"),
        tt_row(2, mode="0.5", track_album_release_date="2019-13-01"),
        tt_row(3, track_id=""),
    ]
    report = parse_catalogue(tidytuesday_csv(rows)).report
    found = {(p.line, p.column): p.reason for p in report.problems}

    assert found == {
        (3, "track_popularity"): "'abc' is not a number",
        (3, "key"): "12 is above the maximum 11",
        (4, "mode"): "0.5 is not a whole number",
        (4, "track_album_release_date"): "'2019-13-01' has no month 13",
        (5, "track_id"): "is empty",
    }
    assert report.invalid_lines == [3, 4, 5] and report.valid_rows == 1


def test_a_repeated_track_with_different_values_is_a_conflict(kaggle_csv, kg_row):
    rows = [kg_row(0), kg_row(0, genre="blues", energy="0.1"), kg_row(0, genre="chill")]
    parsed = parse_catalogue(kaggle_csv(rows))

    [problem] = parsed.report.problems
    assert problem.line == 3
    assert problem.reason == "track kg0000 has energy 0.1 here but 0.7 on line 2"
    # The consistent repeat still adds its genre.
    assert set(parsed.frames.track_genres.genre) == {"acoustic", "chill"}


def test_quoted_fields_spanning_lines_keep_line_numbers_right(tmp_path, kg_row, kaggle_csv):
    rows = [kg_row(0, track_name="two\nlines"), kg_row(1, popularity="101")]
    [problem] = parse_catalogue(kaggle_csv(rows)).report.problems
    assert problem.line == 4 and problem.column == "popularity"


def test_header_naming_no_known_schema_is_refused(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,age\nAda,36\n")
    with pytest.raises(CatalogueFileError, match="unrecognised header"):
        parse_catalogue(path)


def test_cells_are_trimmed_before_they_are_checked(kaggle_csv, kg_row):
    rows = [kg_row(0, energy=" 0.25 ", track_genre=" pop", explicit="TRUE ")]
    parsed = parse_catalogue(kaggle_csv(rows))
    assert parsed.report.problems == []
    track = parsed.frames.tracks.iloc[0]
    assert track["energy"] == 0.25 and bool(track["explicit"])
    assert list(parsed.frames.track_genres.genre) == ["pop"]

"""The real Kaggle "Spotify Tracks" file (114,000 rows, .csv.gz) parses and validates as people
download it: long titles are data, the one zero-duration row is the only refusal, and every
individual artist of the ";"-joined rows is credited. Parse and check only (about 10 s)."""

from __future__ import annotations

import pytest

from db.importers.catalogue import parse_catalogue
from db.importers.validation import UNKNOWN_ARTIST
from music.catalogue_frames import CREDITED_ARTISTS
from music.schema import artist_name_key
from tests.shared_data import SHARED_DATA, require_shared_data

pytestmark = [pytest.mark.realdata]

KAGGLE_GZ = SHARED_DATA / "kaggle-spotify-tracks" / "dataset.csv.gz"


@pytest.fixture(scope="module")
def parsed():
    return parse_catalogue(require_shared_data(KAGGLE_GZ))


def test_only_the_zero_duration_row_is_refused(parsed):
    report = parsed.report
    assert parsed.schema.name == "kaggle"
    assert report.rows_read == 114_000
    assert [(p.line, p.column, p.reason) for p in report.problems] == [
        (65902, "duration_ms", "0 is below the minimum 1")  # index 65900, the empty k-pop row
    ]
    assert not any(p.column == "track_name" for p in report.problems)  # long titles pass


def test_long_titles_are_kept_whole(parsed):
    names = parsed.frames.tracks["name"]
    assert names.str.len().max() == 511
    assert (names.str.len() > 500).sum() >= 1


def test_every_individual_artist_is_credited_in_order(parsed):
    tracks = parsed.frames.tracks
    credited = tracks[CREDITED_ARTISTS].explode()
    keys = {artist_name_key(name) for name in credited if name != UNKNOWN_ARTIST}
    assert len(keys) == 29_811
    # The first credit is the primary artist the rest of the app keys on.
    first = tracks[CREDITED_ARTISTS].map(lambda names: names[0])
    assert (first == tracks["primary_artist"]).all()
    assert tracks[CREDITED_ARTISTS].map(len).max() > 1

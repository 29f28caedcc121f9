"""The Kaggle-schema writer that feeds the import benchmark."""

from __future__ import annotations

import pandas as pd

from db.demo.catalogue import generate_catalogue
from db.demo.kaggle_csv import KAGGLE_COLUMNS, kaggle_genre, write_kaggle_csv


def test_writes_one_row_per_track_and_genre_in_kaggles_layout(tmp_path):
    frames = generate_catalogue(400, seed=2)
    path = tmp_path / "kaggle.csv"
    rows = write_kaggle_csv(frames, path)

    written = pd.read_csv(path, keep_default_na=False, dtype={"explicit": str})
    assert list(written.columns) == ["Unnamed: 0", *KAGGLE_COLUMNS]
    pairs = frames.track_genres[["track_id", "genre"]].drop_duplicates()
    assert rows == len(written) == len(pairs)
    assert set(written["track_id"]) == set(frames.tracks["track_id"])
    assert written["track_id"].duplicated().any()  # multi-genre tracks repeat, as in Kaggle
    assert set(written["explicit"]) <= {"True", "False"}
    assert set(written["track_genre"]) == {kaggle_genre(g) for g in pairs["genre"]}
    featured = written[written["track_name"].str.contains("(feat. ", regex=False)]
    assert featured["artists"].str.contains(";").all()
    first = frames.tracks.iloc[0]
    row = written[written["track_id"] == first["track_id"]].iloc[0]
    assert row["track_name"] == first["name"]
    assert row["energy"] == first["energy"] and row["duration_ms"] == first["duration_ms"]


def test_genre_labels_follow_kaggles_spelling():
    assert kaggle_genre("hip hop") == "hip-hop"
    assert kaggle_genre("r&b") == "r-n-b"
    assert kaggle_genre("Drum and Bass") == "drum-and-bass"

"""Parse the HetRec 2011 Last.fm 2K files into frames (pure pandas, nothing is written).

The release is three tab-separated files (GroupLens, http://grouplens.org/datasets/hetrec-2011/):
``user_artists.dat`` (header ``userID artistID weight``; weight = play count), ``artists.dat``
(header ``id name url pictureURL``) and ``user_friends.dat`` (``userID friendID``, no header in
the copy we use). Line ends are CRLF in some files and LF in others; pandas reads both. Artist
names are free text that may contain quote characters, so quoting is switched off: a tab is the
only separator the format has.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

USER_ARTIST_COLUMNS: tuple[str, ...] = ("user_id", "artist_id", "plays")
ARTIST_COLUMNS: tuple[str, ...] = ("artist_id", "name", "url", "picture_url")
FRIEND_COLUMNS: tuple[str, ...] = ("user_id", "friend_id")

USER_ARTISTS_FILE = "user_artists.dat"
ARTISTS_FILE = "artists.dat"
FRIENDS_FILE = "user_friends.dat"


@dataclass
class HetRecFrames:
    user_artists: pd.DataFrame  # USER_ARTIST_COLUMNS; plays is the Last.fm play count
    artists: pd.DataFrame  # ARTIST_COLUMNS; artist_id unique
    friends: pd.DataFrame  # FRIEND_COLUMNS; may be empty when the file is absent


class HetRecFormatError(ValueError):
    """A HetRec file does not have the shape the release documents."""


def read_hetrec(directory: Path | str) -> HetRecFrames:
    """Read the three HetRec Last.fm files from ``directory``; ``user_friends.dat`` is optional."""
    directory = Path(directory)
    for required in (USER_ARTISTS_FILE, ARTISTS_FILE):
        if not (directory / required).is_file():
            raise FileNotFoundError(
                f"{directory / required} not found: point --data at the folder holding the "
                "HetRec 2011 Last.fm files (hetrec2011-lastfm-2k)"
            )
    user_artists = read_user_artists(directory / USER_ARTISTS_FILE)
    artists = read_artists(directory / ARTISTS_FILE)
    friends_path = directory / FRIENDS_FILE
    friends = (
        read_friends(friends_path)
        if friends_path.is_file()
        else pd.DataFrame({c: pd.Series(dtype="int64") for c in FRIEND_COLUMNS})
    )
    return HetRecFrames(user_artists=user_artists, artists=artists, friends=friends)


def read_user_artists(path: Path | str) -> pd.DataFrame:
    frame = _read_table(path, USER_ARTIST_COLUMNS, integer_columns=USER_ARTIST_COLUMNS)
    if (frame["plays"] < 0).any():
        raise HetRecFormatError(f"{path}: negative play counts")
    if frame.duplicated(["user_id", "artist_id"]).any():
        raise HetRecFormatError(f"{path}: a (userID, artistID) pair appears twice")
    return frame


def read_artists(path: Path | str) -> pd.DataFrame:
    frame = _read_table(path, ARTIST_COLUMNS, integer_columns=("artist_id",))
    if frame["artist_id"].duplicated().any():
        raise HetRecFormatError(f"{path}: duplicate artist ids")
    return frame


def read_friends(path: Path | str) -> pd.DataFrame:
    return _read_table(path, FRIEND_COLUMNS, integer_columns=FRIEND_COLUMNS)


def _read_table(
    path: Path | str, columns: tuple[str, ...], integer_columns: tuple[str, ...]
) -> pd.DataFrame:
    """Read one tab-separated file, with or without its header line, into ``columns``."""
    path = Path(path)
    # The releases differ on headers (user_friends.dat has none here); a header's first field is
    # a column name, a data line's is a number.
    first = _first_field(path)
    has_header = first is not None and not first.lstrip("-").isdigit()
    frame = pd.read_csv(
        path,
        sep="\t",
        header=0 if has_header else None,
        names=list(columns),
        quoting=csv.QUOTE_NONE,
        encoding="utf-8",
        dtype=str,
        keep_default_na=False,
    )
    if frame.shape[1] != len(columns):
        raise HetRecFormatError(f"{path}: expected {len(columns)} tab-separated columns")
    for column in columns:
        # Stray CRs survive only when a file mixes line ends; strip them with other whitespace.
        frame[column] = frame[column].str.strip()
    for column in integer_columns:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.isna().any():
            line = int(numbers.isna().to_numpy().argmax()) + 1 + int(has_header)
            raise HetRecFormatError(f"{path}, line {line}: {column} is not an integer")
        frame[column] = numbers.astype("int64")
    return frame


def _first_field(path: Path) -> str | None:
    with path.open(encoding="utf-8", newline="") as handle:
        field = handle.readline().split("\t", 1)[0].strip()
    return field or None

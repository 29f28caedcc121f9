"""A deterministic, realistic demo catalogue: artists, albums, tracks, genres and curated playlists.

The shape of the draw follows how real catalogues look, so the app's clusters and maps have
something to find:

- artists belong to one subgenre and have their own "sound": each artist's mean for a feature is
  drawn around the subgenre's (``genres.py``) and its tracks around the artist's, so tracks of an
  artist sit together and subgenres overlap at their edges;
- a few artists release most of the music (log-normal output), tracks come in albums and singles
  over a career that starts near the style's era;
- some tracks also carry a second subgenre or a neighbouring genre (a house track on a pop
  playlist), like the TidyTuesday file that repeats a track under several playlists' genres;
- curated playlists draw from one subgenre, favouring popular tracks.

Everything is drawn with numpy from one seeded generator: the same ``seed`` and ``n_tracks`` give
the same catalogue, and a million tracks take seconds, not hours.

Why this module passes 400 lines: it is one draw (artists, tracks, genres, playlists) from one
generator, and the order of the draws is part of what a seed means; the steps are separate
functions, but moving them apart would hide that order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from db.demo.genres import GENRES, LATEST_YEAR, neighbour_codes, subgenre_table
from db.demo.names import album_names, artist_names, playlist_names, track_titles
from music.catalogue_frames import (
    PLAYLIST_COLUMNS,
    PLAYLIST_ITEM_COLUMNS,
    TRACK_COLUMNS,
    TRACK_GENRE_COLUMNS,
    CatalogueFrames,
)

Rng = np.random.Generator

TRACKS_PER_ARTIST = 7.0  # mean; the spread comes from the log-normal output below
# Beta concentrations (a + b): how far an artist strays from its subgenre, and a track from its
# artist. Lower is wider. Chosen so subgenres overlap the way real ones do without dissolving.
ARTIST_CONCENTRATION = 18.0
TRACK_CONCENTRATION = 30.0
BETA_FEATURES = ("danceability", "energy", "speechiness", "acousticness", "valence")
# Shares of tracks that also carry another subgenre of their genre / a neighbouring genre.
SECOND_SUBGENRE_SHARE = 0.10
CROSSOVER_SHARE = 0.12
TRACKS_PER_PLAYLIST = (15, 80)  # inclusive range of a curated playlist's length
TRACKS_PER_PLAYLIST_SLOT = 60  # one curated playlist per this many tracks ...
MAX_PLAYLISTS = 3_000  # ... up to this many
# How often each pitch class is a song's key (C, C#, D ... B): C, G, D and C# lead in Spotify data.
KEY_WEIGHTS = np.array([12.5, 10.5, 9.5, 3.5, 7.5, 8.0, 6.5, 11.0, 6.5, 9.5, 6.5, 8.5])
BASE62 = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8
)


def generate_catalogue(n_tracks: int = 6000, seed: int = 7) -> CatalogueFrames:
    """A demo catalogue of ``n_tracks`` tracks, identical for the same arguments.

    In ``track_genres`` a track's first row is its primary (genre, subgenre), the one its artist
    belongs to; later rows are crossovers.
    """
    if n_tracks < 1:
        raise ValueError("n_tracks must be at least 1")
    rng = np.random.default_rng(seed)
    table = subgenre_table()
    artists = _draw_artists(rng, table, max(1, round(n_tracks / TRACKS_PER_ARTIST)))
    tracks = _draw_tracks(rng, table, artists, n_tracks)
    track_genres = _draw_track_genres(rng, table, tracks)
    playlists, items = _draw_playlists(rng, table, tracks, track_genres)
    return CatalogueFrames(
        source="demo",
        tracks=tracks[list(TRACK_COLUMNS)],
        track_genres=track_genres[list(TRACK_GENRE_COLUMNS)],
        playlists=playlists,
        playlist_items=items,
    )


# --- helpers ----------------------------------------------------------------------------------


def base62_ids(rng: Rng, n: int, length: int = 22) -> np.ndarray:
    """Distinct ids in Spotify's format (22 base-62 characters), as a str array."""
    while True:
        codes = rng.integers(0, 62, size=(n, length), dtype=np.uint8)
        ids = BASE62[codes].view(f"S{length}").ravel().astype(str)
        if len(np.unique(ids)) == n:  # a collision is astronomically unlikely; redraw if it happens
            return ids


def _beta(rng: Rng, mean: np.ndarray, concentration: float) -> np.ndarray:
    mean = np.clip(mean, 0.01, 0.99)
    return rng.beta(mean * concentration, (1.0 - mean) * concentration)


def _column(table: pd.DataFrame, name: str, codes: np.ndarray) -> np.ndarray:
    return table[name].to_numpy()[codes]


def _group_starts(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For keys sorted ascending: each element's 0-based position within its run of equal keys."""
    n = len(sorted_keys)
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = sorted_keys[1:] != sorted_keys[:-1]
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0))
    return np.arange(n) - run_start, new_run


# --- artists ----------------------------------------------------------------------------------


def _draw_artists(rng: Rng, table: pd.DataFrame, n: int) -> pd.DataFrame:
    sub = rng.choice(len(table), size=n, p=table["weight"].to_numpy())
    genre = _column(table, "genre_code", sub)
    styles = np.empty(n, dtype=object)
    for code, spec in enumerate(GENRES):
        where = np.flatnonzero(genre == code)
        options = list(spec.artist_styles)
        shares = np.array(list(spec.artist_styles.values()), dtype=float)
        styles[where] = np.asarray(options, dtype=object)[
            rng.choice(len(options), size=len(where), p=shares / shares.sum())
        ]
    output = rng.lognormal(0.0, 0.8, n)  # how prolific: a few artists release most tracks
    debut = np.rint(rng.normal(_column(table, "era", sub), _column(table, "era_spread", sub)))
    debut = np.clip(debut, _column(table, "earliest", sub), LATEST_YEAR)
    # Prolific artists tend to be the popular ones; the rest is luck.
    popularity = np.clip(28 + 12 * np.log(output) + rng.normal(0, 14, n), 0, 92)
    frame = pd.DataFrame(
        {
            "sub": sub,
            "genre": genre,
            "style": styles,
            "name": artist_names(rng, styles),
            "output": output,
            "debut": debut.astype(np.int64),
            "popularity": popularity,
            # Artists are consistent: an instrumental act rarely sings, an explicit one often swears
            "instrumental": _beta(rng, _column(table, "instrumental_share", sub), 2.5),
            "explicit": _beta(rng, _column(table, "explicit_share", sub), 2.5),
            "tempo_shift": rng.normal(0, 0.3 * _column(table, "tempo_sd", sub)),
            "album_size": rng.choice([1, 5, 11], size=n, p=[0.25, 0.2, 0.55])
            + rng.integers(0, 3, n),
            "album_gap": rng.integers(1, 5, n),
        }
    )
    for feature in BETA_FEATURES:
        frame[feature] = _beta(rng, _column(table, feature, sub), ARTIST_CONCENTRATION)
    return frame


# --- tracks -----------------------------------------------------------------------------------


def _draw_tracks(rng: Rng, table: pd.DataFrame, artists: pd.DataFrame, n: int) -> pd.DataFrame:
    weights = artists["output"].to_numpy()
    artist = np.sort(rng.choice(len(artists), size=n, p=weights / weights.sum()))
    position, _ = _group_starts(artist)  # the track's place in its artist's discography

    def of_artist(column: str) -> np.ndarray:
        return artists[column].to_numpy()[artist]

    sub = of_artist("sub")
    genre = of_artist("genre")
    title_style = np.array([g.title_style for g in GENRES], dtype=object)[genre]

    # Albums: consecutive tracks of an artist, a gap of a few years apart.
    album_no = position // of_artist("album_size")
    album_key = artist.astype(np.int64) * 10_000 + album_no
    album_keys, album_of_track = np.unique(album_key, return_inverse=True)
    album_artist = (album_keys // 10_000).astype(np.int64)
    album_number = album_keys % 10_000
    album_year = np.minimum(
        artists["debut"].to_numpy()[album_artist]
        + album_number * artists["album_gap"].to_numpy()[album_artist]
        + rng.integers(0, 2, len(album_keys)),
        LATEST_YEAR,
    )
    album_day = rng.integers(0, 365, len(album_keys))
    # Old records often carry only a year, as in Spotify's data: their release_date is unknown.
    album_date_known = (album_year >= 1970) | (rng.random(len(album_keys)) < 0.5)
    album_title_style = np.array([g.title_style for g in GENRES], dtype=object)[
        artists["genre"].to_numpy()[album_artist]
    ]
    album_name = album_names(rng, album_title_style, artists["name"].to_numpy()[album_artist])
    album_id = base62_ids(rng, len(album_keys))
    year = album_year[album_of_track]

    features: dict[str, np.ndarray] = {}
    for feature in BETA_FEATURES:
        features[feature] = _beta(rng, of_artist(feature), TRACK_CONCENTRATION)
    features["speechiness"] = np.maximum(features["speechiness"], 0.022)
    instrumental = rng.random(n) < of_artist("instrumental")
    features["instrumentalness"] = np.where(
        instrumental,
        _beta(rng, np.full(n, 0.78), 6.0),
        # Sung tracks: mostly 0 in Spotify's data, sometimes a trace.
        np.minimum(rng.exponential(0.004, n) * (rng.random(n) < 0.6), 0.1),
    )
    live = rng.random(n) < _column(table, "live_share", sub)
    features["liveness"] = np.where(
        live,
        rng.uniform(0.6, 0.98, n),
        np.maximum(_beta(rng, 0.85 * _column(table, "liveness", sub), 8.0), 0.02),
    )
    tempo = rng.normal(
        _column(table, "tempo", sub) + of_artist("tempo_shift"),
        0.8 * _column(table, "tempo_sd", sub),
    )
    features["tempo"] = np.round(
        np.clip(tempo, _column(table, "tempo_low", sub), _column(table, "tempo_high", sub)), 3
    )
    # Loudness follows energy (-21 dB quiet .. -4 dB loud), the style's mastering, and the
    # "loudness war": records from before ~2005 were mastered quieter.
    features["loudness"] = np.round(
        np.clip(
            -21.0
            + 17.0 * features["energy"]
            + _column(table, "loudness_offset", sub)
            - 0.06 * np.clip(2005 - year, 0, None)
            + rng.normal(0, 1.5, n),
            -45.0,
            -0.5,
        ),
        3,
    )
    duration_ms = np.clip(
        rng.lognormal(np.log(_column(table, "duration_min", sub) * 60_000), 0.22), 45_000, 1_800_000
    ).astype(np.int64)
    triple = rng.random(n) < _column(table, "triple_share", sub)
    time_signature = np.where(triple, 3, np.where(rng.random(n) < 0.006, 5, 4))
    popularity = np.clip(
        of_artist("popularity") + rng.normal(0, 10, n) + 0.25 * np.clip(year - 2000, -20, 24),
        0,
        100,
    )

    titles = np.asarray(track_titles(rng, title_style), dtype=object)
    names = artists["name"].to_numpy()[artist]
    artist_credit = names.copy()
    featured = np.flatnonzero(rng.random(n) < _column(table, "featured_share", sub))
    if len(featured):
        guest = _same_genre_artist(rng, artists, genre[featured])
        guest_name = artists["name"].to_numpy()[guest]
        distinct = guest != artist[featured]
        featured, guest_name = featured[distinct], guest_name[distinct]
        titles[featured] = [
            f"{t} (feat. {g})" for t, g in zip(titles[featured], guest_name, strict=True)
        ]
        artist_credit[featured] = [
            f"{a}, {g}" for a, g in zip(names[featured], guest_name, strict=True)
        ]

    release_date = pd.to_datetime(
        pd.Series(album_year * 1000 + album_day + 1).astype(str), format="%Y%j"
    ).dt.date.astype(object)
    release_date = release_date.where(album_date_known, None).to_numpy()[album_of_track]

    frame = pd.DataFrame(
        {
            "track_id": base62_ids(rng, n),
            "name": titles,
            "primary_artist": names,
            "artist_names": artist_credit,
            "album_id": album_id[album_of_track],
            "album_name": album_name[album_of_track],
            "release_date": release_date,
            "release_year": pd.array(year, dtype="Int64"),
            "popularity": np.rint(popularity).astype(np.int64),
            "duration_ms": duration_ms,
            "explicit": pd.array(rng.random(n) < of_artist("explicit"), dtype="boolean"),
            "key": rng.choice(12, size=n, p=KEY_WEIGHTS / KEY_WEIGHTS.sum()).astype(np.int64),
            "mode": (rng.random(n) < _column(table, "major_share", sub)).astype(np.int64),
            **{f: np.round(v, 4) if f != "tempo" else v for f, v in features.items()},
            "time_signature": pd.array(time_signature, dtype="Int64"),
            "_sub": sub,
            "_genre": genre,
        }
    )
    # Shuffle so the catalogue is not ordered by artist (anything that reads "the first rows" of
    # a real file sees a mix too).
    return frame.iloc[rng.permutation(n)].reset_index(drop=True)


def _same_genre_artist(rng: Rng, artists: pd.DataFrame, genres: np.ndarray) -> np.ndarray:
    """For each genre code, a random artist of that genre (as a guest on a track)."""
    order = np.argsort(artists["genre"].to_numpy(), kind="stable")
    sorted_genres = artists["genre"].to_numpy()[order]
    start = np.searchsorted(sorted_genres, genres, side="left")
    count = np.searchsorted(sorted_genres, genres, side="right") - start
    return order[start + (rng.random(len(genres)) * count).astype(np.int64)]


# --- genres -----------------------------------------------------------------------------------


def _draw_track_genres(rng: Rng, table: pd.DataFrame, tracks: pd.DataFrame) -> pd.DataFrame:
    n = len(tracks)
    sub = tracks["_sub"].to_numpy()
    genre = tracks["_genre"].to_numpy()
    genre_codes = table["genre_code"].to_numpy()
    # subgenre_table() lists each genre's subgenres contiguously: [start, start + count).
    sub_start = np.searchsorted(genre_codes, np.arange(len(GENRES)), side="left")
    sub_count = np.bincount(genre_codes, minlength=len(GENRES))

    rows_track = [np.arange(n)]
    rows_sub = [sub]

    second = np.flatnonzero((rng.random(n) < SECOND_SUBGENRE_SHARE) & (sub_count[genre] > 1))
    if len(second):
        g = genre[second]
        # Any other subgenre of the same genre: skip over the primary one.
        offset = (rng.random(len(second)) * (sub_count[g] - 1)).astype(np.int64)
        other = sub_start[g] + offset
        other = np.where(other >= sub[second], other + 1, other)
        rows_track.append(second)
        rows_sub.append(other)

    neighbours = neighbour_codes()
    has_neighbours = np.array([len(x) > 0 for x in neighbours])
    cross = np.flatnonzero((rng.random(n) < CROSSOVER_SHARE) & has_neighbours[genre])
    if len(cross):
        flat = np.concatenate(neighbours)
        nb_count = np.array([len(x) for x in neighbours])
        nb_start = np.concatenate([[0], np.cumsum(nb_count)[:-1]])
        g = genre[cross]
        other_genre = flat[nb_start[g] + (rng.random(len(cross)) * nb_count[g]).astype(np.int64)]
        other_sub = sub_start[other_genre] + (
            rng.random(len(cross)) * sub_count[other_genre]
        ).astype(np.int64)
        rows_track.append(cross)
        rows_sub.append(other_sub)

    track_index = np.concatenate(rows_track)
    sub_codes = np.concatenate(rows_sub)
    frame = pd.DataFrame(
        {
            "track_id": tracks["track_id"].to_numpy()[track_index],
            "genre": table["genre"].to_numpy()[sub_codes],
            "subgenre": table["subgenre"].to_numpy()[sub_codes],
            "_track": track_index,
            "_sub": sub_codes,
        }
    )
    # Primary rows were concatenated first, so a stable sort keeps each track's primary first.
    frame = frame.sort_values("_track", kind="stable").reset_index(drop=True)
    return frame[[*TRACK_GENRE_COLUMNS, "_track", "_sub"]]


# --- curated playlists ------------------------------------------------------------------------


def _draw_playlists(
    rng: Rng, table: pd.DataFrame, tracks: pd.DataFrame, track_genres: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_tracks = len(tracks)
    n_playlists = int(min(MAX_PLAYLISTS, max(1, n_tracks // TRACKS_PER_PLAYLIST_SLOT)))
    weights = table["weight"].to_numpy()
    n_subs = len(table)
    if n_playlists >= n_subs:  # every subgenre gets one, the rest go by the subgenres' weight
        codes = np.concatenate(
            [np.arange(n_subs), rng.choice(n_subs, size=n_playlists - n_subs, p=weights)]
        )
    else:
        codes = rng.choice(n_subs, size=n_playlists, replace=False, p=weights)

    order = np.argsort(track_genres["_sub"].to_numpy(), kind="stable")
    member_sub = track_genres["_sub"].to_numpy()[order]
    member_track = track_genres["_track"].to_numpy()[order]
    popularity = tracks["popularity"].to_numpy().astype(float)
    track_ids = tracks["track_id"].to_numpy()

    keep_codes: list[int] = []
    item_playlist: list[np.ndarray] = []
    item_track: list[np.ndarray] = []
    item_position: list[np.ndarray] = []
    low, high = TRACKS_PER_PLAYLIST
    for code in codes:
        start, stop = np.searchsorted(member_sub, [code, code + 1])
        pool = member_track[start:stop]
        if not len(pool):
            continue
        size = min(len(pool), int(rng.integers(low, high + 1)))
        # Weighted sampling without replacement (Gumbel top-k): popular tracks make more lists.
        keys = 1.5 * np.log(popularity[pool] + 1.0) + rng.gumbel(size=len(pool))
        top = np.argpartition(-keys, size - 1)[:size] if size < len(pool) else np.arange(size)
        chosen = pool[top[np.argsort(-keys[top], kind="stable")]]
        item_playlist.append(np.full(size, len(keep_codes)))
        item_track.append(chosen)
        item_position.append(np.arange(size))
        keep_codes.append(int(code))

    codes_kept = np.asarray(keep_codes, dtype=np.int64)
    external_ids = np.array(
        [f"demo-playlist-{i:05d}" for i in range(len(codes_kept))], dtype=object
    )
    playlists = pd.DataFrame(
        {
            "external_id": external_ids,
            "name": playlist_names(rng, table["subgenre"].to_numpy()[codes_kept].tolist()),
            "genre": table["genre"].to_numpy()[codes_kept],
            "subgenre": table["subgenre"].to_numpy()[codes_kept],
        },
        columns=list(PLAYLIST_COLUMNS),
    )
    if item_playlist:
        playlist_index = np.concatenate(item_playlist)
        items = pd.DataFrame(
            {
                "playlist_external_id": external_ids[playlist_index],
                "track_id": track_ids[np.concatenate(item_track)],
                "position": np.concatenate(item_position).astype(np.int64),
            }
        )
    else:
        items = pd.DataFrame({c: pd.Series(dtype="object") for c in PLAYLIST_ITEM_COLUMNS})
    return playlists, items

"""Demo listeners with listening histories drawn from taste profiles.

Each listener has a taste: one to three favourite genres, a weighting over their subgenres, a
"sound" (a point in audio-feature space near what those subgenres sound like), a few favourite
artists and an appetite for the unfamiliar. Their history is a series of listening sessions over
the last months. A session stays mostly in one subgenre; each track in it is the best fit to the
listener's sound among a few popular candidates; then the listener reacts: tracks that fit get
played through, liked, sometimes made favourites; tracks that do not get skipped, and now and
then banned (a track, or once in a while its whole artist).

So the histories carry the signals the recommender learns from (taste clusters, co-listening,
negative feedback) without any real listener's data. Works on any ``CatalogueFrames`` (the demo
catalogue or an imported one): it reads only tracks, their features and their genres.

Why this module passes 400 lines: like ``catalogue.py`` it is one seeded draw (tastes, then
sessions, then reactions) whose order is part of what a seed means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from db.demo import words
from music.catalogue_frames import CatalogueFrames
from music.schema import InteractionKind, genre_slug

Rng = np.random.Generator

# The one demo listener who can log in (README "Demo data"); the others exist for their histories.
DEMO_LOGIN_EMAIL = "demo@mixmap.local"
DEMO_LOGIN_PASSWORD = "mixmap-demo"  # public on purpose: it guards generated demo data only
DEMO_LOGIN_NAME = "Demo Listener"
DEMO_EMAIL_DOMAIN = "demo.mixmap.local"
EVENT_CONTEXT = "demo"

# The features a listener's "sound" lives in (all 0..1 in Spotify's data).
TASTE_FEATURES = (
    "energy",
    "valence",
    "danceability",
    "acousticness",
    "instrumentalness",
    "speechiness",
)
# Event kinds in code order: plays and skips first, then the "standing" ones (kept once each).
KINDS = (
    InteractionKind.PLAY,
    InteractionKind.SKIP,
    InteractionKind.LIKE,
    InteractionKind.FAVOURITE,
    InteractionKind.BAN,
)
HISTORY_DAYS = 120
CANDIDATES_PER_SLOT = 5  # a listener picks the best fit among this many popular tracks
SESSION_MEDIAN = 18  # sessions per listener over the history window (log-normal around it)
DEMO_LOGIN_SESSIONS = 30

USER_COLUMNS = (
    "listener",
    "email",
    "display_name",
    "is_login_account",
    "favourite_genres",
    "favourite_artists",
    "adventurousness",
    "created_at",
)
EVENT_COLUMNS = ("listener", "track_id", "kind", "at", "context")
BAN_COLUMNS = ("listener", "track_id", "artist_name", "created_at")


@dataclass
class ListenerFrames:
    """Generated listeners; ``listener`` is a 0-based index, row 0 is the demo login account."""

    users: pd.DataFrame  # USER_COLUMNS
    events: pd.DataFrame  # EVENT_COLUMNS, sorted by listener then time; at is UTC
    bans: pd.DataFrame  # BAN_COLUMNS; exactly one of track_id / artist_name is set


@dataclass
class _Catalogue:
    """The catalogue as arrays the sampler indexes into."""

    track_ids: np.ndarray
    artist: np.ndarray  # artist code per track
    artist_names: np.ndarray  # name per artist code
    sub: np.ndarray  # primary subgenre code per track
    genre_of_sub: np.ndarray  # genre code per subgenre code
    genre_names: np.ndarray  # top-level genre slug per genre code
    sub_share: np.ndarray  # share of the catalogue's tracks per subgenre
    genre_share: np.ndarray  # share of the catalogue's tracks per genre
    features: np.ndarray  # (n_tracks, len(TASTE_FEATURES))
    sub_features: np.ndarray  # mean features per subgenre
    duration_s: np.ndarray
    by_sub: np.ndarray  # track indices ordered by subgenre
    sub_start: np.ndarray
    sub_stop: np.ndarray
    cum_weight: np.ndarray  # cumulative popularity weight along by_sub
    by_artist: np.ndarray
    artist_start: np.ndarray
    artist_stop: np.ndarray


def generate_listeners(
    frames: CatalogueFrames,
    n_listeners: int = 240,
    seed: int = 7,
    now: datetime | None = None,
) -> ListenerFrames:
    """``n_listeners`` listeners (the first is the demo login account) and their histories.

    Deterministic for the same catalogue, ``seed`` and ``now`` (the end of the history window;
    defaults to the current time).
    """
    if n_listeners < 1:
        raise ValueError("n_listeners must be at least 1")
    if len(frames.tracks) == 0:
        raise ValueError("the catalogue has no tracks to listen to")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x11573]))
    catalogue = _catalogue_arrays(frames)
    end_ns = pd.Timestamp(now).value

    users, events, bans = [], [], []
    for listener in range(n_listeners):
        taste = _draw_taste(rng, catalogue, is_login_account=listener == 0)
        history, banned = _draw_history(rng, catalogue, taste, end_ns)
        users.append(_user_row(rng, listener, taste, catalogue, now))
        events.append((listener, history))
        bans.extend((listener, *ban) for ban in banned)
    return ListenerFrames(
        users=pd.DataFrame(users, columns=list(USER_COLUMNS)),
        events=_events_frame(catalogue, events),
        bans=_bans_frame(bans),
    )


# --- the catalogue as arrays ------------------------------------------------------------------


def _catalogue_arrays(frames: CatalogueFrames) -> _Catalogue:
    tracks = frames.tracks.reset_index(drop=True)
    n = len(tracks)
    track_ids = tracks["track_id"].astype(str).to_numpy()
    # A track's first genre row is its primary genre (generate_catalogue writes it first).
    genres = frames.track_genres.dropna(subset=["genre"]).drop_duplicates("track_id")
    genres = genres.set_index(genres["track_id"].astype(str))
    top = genres["genre"].reindex(track_ids).fillna("unknown").astype(str).to_numpy()
    subgenre = genres["subgenre"].reindex(track_ids)
    # Slugs are computed once per distinct (genre, subgenre) pair, not once per track.
    pair_code, pairs = pd.factorize(
        pd.Series(list(zip(top, subgenre.fillna("").astype(str).to_numpy(), strict=True)))
    )
    pair_slug = np.array([genre_slug(g, s or None) for g, s in pairs], dtype=object)
    pair_genre = np.array([genre_slug(g) for g, _ in pairs], dtype=object)
    sub_of_pair, sub_names = pd.factorize(pair_slug)
    sub = sub_of_pair[pair_code]
    genre_code_of_pair, genre_names = pd.factorize(pair_genre)
    n_subs = len(sub_names)
    genre_of_sub = np.zeros(n_subs, dtype=np.int64)
    genre_of_sub[sub_of_pair] = genre_code_of_pair

    features = tracks[list(TASTE_FEATURES)].to_numpy(dtype=float)
    counts = np.bincount(sub, minlength=n_subs)
    sub_features = np.zeros((n_subs, features.shape[1]))
    np.add.at(sub_features, sub, features)
    sub_features /= counts[:, None]

    by_sub = np.argsort(sub, kind="stable")
    sub_start = np.searchsorted(sub[by_sub], np.arange(n_subs), side="left")
    sub_stop = np.searchsorted(sub[by_sub], np.arange(n_subs), side="right")
    # Listeners meet popular tracks more often: weight ~ popularity^1.5 (plus a floor).
    weight = (tracks["popularity"].to_numpy(dtype=float) + 5.0) ** 1.5
    cum_weight = np.cumsum(weight[by_sub])

    artist, artist_names = pd.factorize(tracks["primary_artist"].astype(str))
    by_artist = np.argsort(artist, kind="stable")
    n_artists = len(artist_names)
    artist_start = np.searchsorted(artist[by_artist], np.arange(n_artists), side="left")
    artist_stop = np.searchsorted(artist[by_artist], np.arange(n_artists), side="right")
    return _Catalogue(
        track_ids=track_ids,
        artist=artist,
        artist_names=np.asarray(artist_names, dtype=object),
        sub=sub,
        genre_of_sub=genre_of_sub,
        genre_names=np.asarray(genre_names, dtype=object),
        sub_share=counts / n,
        genre_share=np.bincount(genre_of_sub, weights=counts / n, minlength=len(genre_names)),
        features=features,
        sub_features=sub_features,
        duration_s=tracks["duration_ms"].to_numpy(dtype=float) / 1000.0,
        by_sub=by_sub,
        sub_start=sub_start,
        sub_stop=sub_stop,
        cum_weight=cum_weight,
        by_artist=by_artist,
        artist_start=artist_start,
        artist_stop=artist_stop,
    )


def _sample_in_subs(rng: Rng, catalogue: _Catalogue, subs: np.ndarray) -> np.ndarray:
    """One track per entry of ``subs``, drawn from that subgenre by popularity weight."""
    cum = catalogue.cum_weight
    start = catalogue.sub_start[subs]
    stop = catalogue.sub_stop[subs]
    low = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    high = cum[stop - 1]
    target = low + rng.random(len(subs)) * (high - low)
    position = np.clip(np.searchsorted(cum, target, side="right"), start, stop - 1)
    return catalogue.by_sub[position]


# --- taste ------------------------------------------------------------------------------------


@dataclass
class _Taste:
    sub_weights: np.ndarray  # distribution over subgenre codes (0 outside the favourites)
    genres: np.ndarray  # favourite genre codes
    sound: np.ndarray  # the point in TASTE_FEATURES space the listener likes
    selectivity: float  # how far from the sound a track may be and still please (feature units)
    exploration: float  # share of sessions spent outside the favourite subgenres
    artists: np.ndarray  # favourite artist codes
    sessions: int
    is_login_account: bool


def _draw_taste(rng: Rng, catalogue: _Catalogue, is_login_account: bool) -> _Taste:
    n_genres = len(catalogue.genre_names)
    genre_share = catalogue.genre_share
    k = min(n_genres, int(rng.choice([1, 2, 3], p=[0.3, 0.45, 0.25])))
    if is_login_account:  # the account a visitor tries should show a clear, varied taste
        k = min(n_genres, 2)
    # Big genres have more fans, but not proportionally more (share^0.7).
    p = genre_share**0.7
    genres = rng.choice(n_genres, size=k, replace=False, p=p / p.sum())
    genre_weight = rng.dirichlet(np.full(k, 2.0))
    sub_weights = np.zeros(len(catalogue.sub_share))
    for genre, weight in zip(genres, genre_weight, strict=True):
        subs = np.flatnonzero(catalogue.genre_of_sub == genre)
        sub_weights[subs] = weight * rng.dirichlet(np.full(len(subs), 0.8))
    sub_weights /= sub_weights.sum()
    sound = sub_weights @ catalogue.sub_features + rng.normal(0, 0.05, len(TASTE_FEATURES))
    exploration = float(rng.beta(2.0, 7.0))

    # Favourite artists: the artists of a few tracks the listener would pick anyway.
    picks = _sample_in_subs(rng, catalogue, rng.choice(len(sub_weights), size=30, p=sub_weights))
    artists = pd.unique(catalogue.artist[picks])[: int(rng.integers(3, 9))]
    sessions = (
        DEMO_LOGIN_SESSIONS
        if is_login_account
        else int(np.clip(np.rint(rng.lognormal(np.log(SESSION_MEDIAN), 0.7)), 3, 150))
    )
    return _Taste(
        sub_weights=sub_weights,
        genres=genres,
        sound=np.clip(sound, 0.0, 1.0),
        selectivity=float(rng.uniform(0.18, 0.32)),
        exploration=exploration,
        artists=np.asarray(artists),
        sessions=sessions,
        is_login_account=is_login_account,
    )


# --- history ----------------------------------------------------------------------------------


def _draw_history(
    rng: Rng, catalogue: _Catalogue, taste: _Taste, end_ns: int
) -> tuple[dict[str, np.ndarray], list[tuple[str | None, str | None, int]]]:
    """One listener's events (track index, kind, time in ns) and bans (track, artist, time)."""
    n_sessions = taste.sessions
    lengths = 1 + rng.poisson(8, n_sessions)
    n = int(lengths.sum())
    session = np.repeat(np.arange(n_sessions), lengths)
    n_subs = len(taste.sub_weights)

    # Which subgenre each slot plays: the session's, now and then another favourite, and in
    # exploring sessions anything in the catalogue.
    exploring = rng.random(n_sessions) < taste.exploration
    session_sub = np.where(
        exploring,
        rng.choice(n_subs, size=n_sessions, p=catalogue.sub_share),
        rng.choice(n_subs, size=n_sessions, p=taste.sub_weights),
    )
    sub = session_sub[session]
    drift = ~exploring[session] & (rng.random(n) < 0.3)
    sub[drift] = rng.choice(n_subs, size=int(drift.sum()), p=taste.sub_weights)

    # Candidates by popularity; the listener picks the one closest to their sound.
    candidates = _sample_in_subs(rng, catalogue, np.repeat(sub, CANDIDATES_PER_SLOT)).reshape(
        n, CANDIDATES_PER_SLOT
    )
    distance2 = ((catalogue.features[candidates] - taste.sound) ** 2).sum(axis=2)
    fit = -distance2 / (2 * taste.selectivity**2) + rng.gumbel(size=distance2.shape)
    track = candidates[np.arange(n), fit.argmax(axis=1)]
    # Favourite artists come back: some slots play one of their tracks instead.
    if len(taste.artists):
        loyal = np.flatnonzero(~exploring[session] & (rng.random(n) < 0.15))
        artist = taste.artists[rng.integers(0, len(taste.artists), len(loyal))]
        start, stop = catalogue.artist_start[artist], catalogue.artist_stop[artist]
        offset = (rng.random(len(loyal)) * (stop - start)).astype(np.int64)
        track[loyal] = catalogue.by_artist[start + offset]

    # How much the track pleases: closeness to the sound, and whether its style is a favourite.
    closeness = np.exp(
        -((catalogue.features[track] - taste.sound) ** 2).sum(axis=1) / (2 * taste.selectivity**2)
    )
    track_sub = catalogue.sub[track]
    familiar = np.where(
        taste.sub_weights[track_sub] > 0,
        1.0,
        np.where(np.isin(catalogue.genre_of_sub[track_sub], taste.genres), 0.6, 0.0),
    )
    liking = 0.5 * closeness + 0.5 * familiar
    skipped = rng.random(n) < np.clip(0.62 - 0.58 * liking, 0.04, 0.75)
    liked = ~skipped & (rng.random(n) < np.clip(0.03 + 0.4 * liking**2, 0, 0.5))
    favourite = liked & (rng.random(n) < 0.25)
    banned = skipped & (liking < 0.35) & (rng.random(n) < 0.08)

    # Time: sessions spread over the window, tracks back to back (a skip after 5-40 s).
    window_ns = HISTORY_DAYS * 86_400 * 10**9
    # Sessions start up to three hours before the end of the window, so they end inside it.
    latest_ns = window_ns - 3 * 3_600 * 10**9
    session_start = end_ns - window_ns + np.sort(rng.integers(0, latest_ns, n_sessions))
    listened_s = np.where(skipped, rng.uniform(5, 40, n), catalogue.duration_s[track])
    listened_s = listened_s + rng.uniform(0.5, 3.0, n)  # the gap before the next track
    first_in_session = np.r_[True, session[1:] != session[:-1]]
    elapsed = np.cumsum(listened_s)
    session_offset = elapsed - listened_s  # time before this slot since the listener's first
    session_offset -= np.maximum.accumulate(np.where(first_in_session, session_offset, 0))
    start_ns = session_start[session] + (session_offset * 1e9).astype(np.int64)
    end_of_listen = start_ns + (listened_s * 1e9).astype(np.int64)

    kinds = [
        (~skipped, InteractionKind.PLAY, start_ns),
        (skipped, InteractionKind.SKIP, end_of_listen),
        (liked, InteractionKind.LIKE, end_of_listen),
        (favourite, InteractionKind.FAVOURITE, end_of_listen + 10**9),
        (banned, InteractionKind.BAN, end_of_listen + 10**9),
    ]
    # Kinds as small integer codes (positions in KINDS) while computing; names at the end.
    event_track = np.concatenate([track[mask] for mask, _, _ in kinds])
    event_kind = np.concatenate(
        [np.full(int(mask.sum()), KINDS.index(kind)) for mask, kind, _ in kinds]
    )
    event_at = np.minimum(np.concatenate([at[mask] for mask, _, at in kinds]), end_ns)
    event_at -= event_at % 1000  # databases keep microseconds; round-trips must compare equal

    # Likes, favourites and bans are standing state: the first one counts, repeats are dropped.
    order = np.argsort(event_at, kind="stable")
    event_track, event_kind, event_at = event_track[order], event_kind[order], event_at[order]
    sticky = event_kind >= KINDS.index(InteractionKind.LIKE)
    _, first = np.unique(event_track * len(KINDS) + event_kind, return_index=True)
    repeat = np.ones(len(event_kind), dtype=bool)
    repeat[first] = False
    keep = ~(sticky & repeat)

    # A ban is obeyed: nothing by a banned track (or banned artist) is heard afterwards.
    is_ban = event_kind == KINDS.index(InteractionKind.BAN)
    ban_at = event_at[keep & is_ban]
    ban_track = event_track[keep & is_ban]
    bans: list[tuple[str | None, str | None, int]] = []
    artist_ban = len(ban_track) > 0 and rng.random() < 0.3
    for index, (t, at) in enumerate(zip(ban_track, ban_at, strict=True)):
        if artist_ban and index == 0:
            artist = catalogue.artist[t]
            later = keep & (catalogue.artist[event_track] == artist) & (event_at > at)
            bans.append((None, str(catalogue.artist_names[artist]), int(at)))
        else:
            later = keep & (event_track == t) & (event_at > at)
            bans.append((str(catalogue.track_ids[t]), None, int(at)))
        keep &= ~later
    kind_names = np.array([kind.value for kind in KINDS], dtype=object)
    history = {
        "track": event_track[keep],
        "kind": kind_names[event_kind[keep]],
        "at": event_at[keep],
    }
    return history, bans


# --- frames -----------------------------------------------------------------------------------


def _user_row(
    rng: Rng, listener: int, taste: _Taste, catalogue: _Catalogue, now: datetime
) -> tuple:
    if taste.is_login_account:
        email, name = DEMO_LOGIN_EMAIL, DEMO_LOGIN_NAME
    else:
        email = f"listener{listener:05d}@{DEMO_EMAIL_DOMAIN}"
        first = words.FIRST_NAMES[int(rng.integers(len(words.FIRST_NAMES)))]
        last = words.LAST_NAMES[int(rng.integers(len(words.LAST_NAMES)))]
        name = f"{first} {last[0]}."
    joined = now - timedelta(days=HISTORY_DAYS + float(rng.uniform(0, 300)))
    return (
        listener,
        email,
        name,
        taste.is_login_account,
        tuple(str(catalogue.genre_names[g]) for g in sorted(taste.genres)),
        tuple(str(catalogue.artist_names[a]) for a in taste.artists),
        round(min(1.0, taste.exploration * 2.5), 2),
        joined,
    )


def _events_frame(
    catalogue: _Catalogue, per_listener: list[tuple[int, dict[str, np.ndarray]]]
) -> pd.DataFrame:
    listener = np.concatenate(
        [np.full(len(h["track"]), i, dtype=np.int64) for i, h in per_listener]
    )
    track = np.concatenate([h["track"] for _, h in per_listener])
    return pd.DataFrame(
        {
            "listener": listener,
            "track_id": catalogue.track_ids[track],
            "kind": np.concatenate([h["kind"] for _, h in per_listener]),
            "at": pd.to_datetime(np.concatenate([h["at"] for _, h in per_listener]), utc=True),
            "context": EVENT_CONTEXT,
        },
        columns=list(EVENT_COLUMNS),
    )


def _bans_frame(bans: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(bans, columns=list(BAN_COLUMNS))
    frame["created_at"] = pd.to_datetime(frame["created_at"].astype("int64"), utc=True)
    return frame

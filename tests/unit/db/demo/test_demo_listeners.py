"""Demo listeners: deterministic histories that carry taste, feedback and bans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from db.demo.catalogue import generate_catalogue
from db.demo.listeners import DEMO_LOGIN_EMAIL, HISTORY_DAYS, generate_listeners
from music.schema import InteractionKind

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def frames():
    return generate_catalogue(3000, seed=5)


@pytest.fixture(scope="module")
def listeners(frames):
    return generate_listeners(frames, n_listeners=240, seed=5, now=NOW)


@pytest.fixture(scope="module")
def events(frames, listeners) -> pd.DataFrame:
    """Events with the track's primary genre and whether it is one of the listener's favourites."""
    primary = frames.track_genres.drop_duplicates("track_id").set_index("track_id")["genre"]
    favourites = listeners.users.set_index("listener")["favourite_genres"]
    genre = listeners.events["track_id"].map(primary)
    favourite = [
        g in favourites[i] for g, i in zip(genre, listeners.events["listener"], strict=False)
    ]
    return listeners.events.assign(genre=genre, favourite=favourite)


def test_same_seed_and_time_give_the_same_listeners(frames):
    first = generate_listeners(frames, n_listeners=12, seed=2, now=NOW)
    again = generate_listeners(frames, n_listeners=12, seed=2, now=NOW)
    other = generate_listeners(frames, n_listeners=12, seed=3, now=NOW)
    pd.testing.assert_frame_equal(first.users, again.users)
    pd.testing.assert_frame_equal(first.events, again.events)
    pd.testing.assert_frame_equal(first.bans, again.bans)
    assert not first.events["track_id"].equals(other.events["track_id"])


def test_two_hundred_listeners_each_with_a_history(listeners):
    users = listeners.users
    assert len(users) == 240 and users["email"].is_unique
    per_listener = listeners.events.groupby("listener").size()
    assert len(per_listener) == 240 and per_listener.min() >= 20
    assert per_listener.max() > 3 * per_listener.min()  # some listen a lot more than others
    assert users.loc[0, "email"] == DEMO_LOGIN_EMAIL and users.loc[0, "is_login_account"]
    assert users["is_login_account"].sum() == 1
    assert per_listener[0] >= 100  # the account a visitor logs into has a real history
    assert users["favourite_genres"].map(len).between(1, 3).all()
    assert users["adventurousness"].between(0, 1).all()


def test_every_kind_of_feedback_appears_in_plausible_proportions(listeners):
    share = listeners.events["kind"].value_counts(normalize=True)
    assert set(share.index) == {k.value for k in InteractionKind}
    assert share["play"] > share["skip"] > share["like"] > share["favourite"] > share["ban"] > 0


def test_events_name_catalogue_tracks_inside_the_history_window(frames, listeners):
    events = listeners.events
    assert events["track_id"].isin(frames.tracks["track_id"]).all()
    assert events["at"].max() <= pd.Timestamp(NOW)
    assert events["at"].min() >= pd.Timestamp(NOW - timedelta(days=HISTORY_DAYS))
    assert (events.groupby("listener")["at"].diff().dropna() >= pd.Timedelta(0)).all()
    assert (events["context"] == "demo").all()
    assert (listeners.users["created_at"] < events.groupby("listener")["at"].min()).all()


def test_listeners_mostly_hear_and_like_their_favourite_genres(events):
    favourite_share = events.groupby("kind")["favourite"].mean()
    assert favourite_share["play"] > 0.7
    assert favourite_share["like"] > favourite_share["skip"] + 0.2
    assert favourite_share["ban"] < favourite_share["skip"]
    # Listeners differ: the genres heard vary between people.
    top_genre = (
        events[events["kind"] == "play"]
        .groupby("listener")["genre"]
        .agg(lambda g: g.value_counts().index[0])
    )
    assert top_genre.nunique() >= 15


def test_likes_and_favourites_are_given_once_per_track(listeners):
    sticky = listeners.events[listeners.events["kind"].isin(["like", "favourite", "ban"])]
    assert not sticky.duplicated(["listener", "track_id", "kind"]).any()
    favourites = listeners.events[listeners.events["kind"] == "favourite"]
    likes = listeners.events[listeners.events["kind"] == "like"]
    liked = set(zip(likes["listener"], likes["track_id"], strict=False))
    assert all(
        pair in liked for pair in zip(favourites["listener"], favourites["track_id"], strict=False)
    )


def test_a_ban_is_obeyed_afterwards(frames, listeners):
    bans, events = listeners.bans, listeners.events
    assert len(bans) > 50
    assert bans["artist_name"].notna().sum() >= 5  # some ban a whole artist
    assert ((bans["track_id"].notna()) ^ (bans["artist_name"].notna())).all()
    artist_of = frames.tracks.set_index("track_id")["primary_artist"]
    events = events.assign(artist=events["track_id"].map(artist_of))
    after = bans.merge(events, on="listener", suffixes=("_ban", ""))
    after = after[after["at"] > after["created_at"]]
    assert len(after) > 0
    assert not (after["track_id"] == after["track_id_ban"]).any()
    assert not (after["artist"] == after["artist_name"]).any()


def test_works_on_any_catalogue_frames_and_rejects_nonsense(frames):
    small = generate_catalogue(120, seed=1)
    listeners = generate_listeners(small, n_listeners=3, seed=1, now=NOW)
    assert listeners.events["track_id"].isin(small.tracks["track_id"]).all()
    with pytest.raises(ValueError):
        generate_listeners(frames, n_listeners=0)

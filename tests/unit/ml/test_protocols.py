import numpy as np
import pandas as pd
import pytest

from ml.protocol_genres import catalogue_with_genres
from ml.protocols import (
    LeakageError,
    Protocol,
    assert_no_leak,
    holdout_count,
    lastfm_artists,
    playlist_continuation,
)
from music.catalogue_frames import catalogue_frame
from tests.unit.ml.synthetic_listening import synthetic_frames, synthetic_hetrec


@pytest.fixture(scope="module")
def frames():
    return synthetic_frames()


@pytest.fixture(scope="module")
def playlists(frames) -> Protocol:
    return playlist_continuation(frames, seed=3)


def test_holdout_is_thirty_percent_at_least_one_never_all():
    assert holdout_count(20) == 6
    assert holdout_count(2) == 1
    assert holdout_count(1) == 0


def test_every_playlist_is_one_listener_with_thirty_percent_held_out(frames, playlists):
    listeners = [*playlists.validation, *playlists.test]
    assert len(listeners) == frames.playlists.shape[0]
    ids = frames.catalogue_ids = playlists.training.catalogue["track_id"].to_numpy()
    members = frames.playlist_items.groupby("playlist_external_id")["track_id"].agg(set)
    for listener in listeners:
        playlist = members[listener.listener_id.removeprefix("playlist:")]
        history = set(ids[listener.query.history])
        held_out = set(ids[sorted(listener.relevant)])
        assert history | held_out == playlist and not history & held_out
        assert len(held_out) == holdout_count(len(playlist))
        # The listener's own history is never recommended back.
        assert set(listener.query.excluded.tolist()) == set(listener.query.history.tolist())


def test_validation_and_test_are_disjoint_halves(playlists):
    validation = {listener.listener_id for listener in playlists.validation}
    test = {listener.listener_id for listener in playlists.test}
    assert not validation & test
    assert abs(len(validation) - len(test)) <= 1


def test_held_out_rows_never_reach_the_training_rows(playlists):
    training = playlists.training.interactions
    pairs = set(zip(training["listener"], training["track"], strict=True))
    codes = {
        f"playlist:{p}": i
        for i, p in enumerate(
            sorted({x.listener_id[9:] for x in playlists.test + playlists.validation})
        )
    }
    for listener in [*playlists.validation, *playlists.test]:
        for track in listener.relevant:
            assert (codes[listener.listener_id], track) not in pairs


def test_same_seed_same_split_other_seed_other_split(frames, playlists):
    again = playlist_continuation(frames, seed=3)
    assert [x.relevant for x in again.test] == [x.relevant for x in playlists.test]
    other = playlist_continuation(frames, seed=4)
    assert [x.relevant for x in other.test] != [x.relevant for x in playlists.test]


def test_genre_labels_of_held_out_only_tracks_come_from_artist_or_sound(frames, playlists):
    catalogue = playlists.training.catalogue
    # Every track keeps a label, so "unlabelled" cannot give the held-out answers away...
    assert (catalogue["genres"].map(len) > 0).all()
    filled = (
        playlists.notes["tracks labelled from their artist's training rows"]
        + playlists.notes["tracks labelled by the audio genre classifier"]
    )
    assert filled > 0
    # ...and the filled labels are mostly right: the synthetic genres are audible.
    truth = catalogue_frame(frames)["genre"].to_numpy()
    was_filled = (
        catalogue_with_genres(frames, _training_genre_rows(frames, playlists))["genres"]
        .map(len)
        .to_numpy()
        == 0
    )
    assert was_filled.sum() == filled
    agreement = (catalogue["genre"].to_numpy()[was_filled] == truth[was_filled]).mean()
    assert agreement > 0.6  # four genres: chance is 0.25


def test_fast_genre_columns_match_catalogue_frame(frames):
    fast = catalogue_with_genres(frames, frames.track_genres)
    pd.testing.assert_frame_equal(fast, catalogue_frame(frames))


def test_leak_check_catches_a_held_out_track_in_training(playlists):
    listener = playlists.test[0]
    training = playlists.training.interactions
    index = {x.listener_id: 0 for x in [*playlists.validation, *playlists.test]}
    leaky = pd.concat(
        [
            training,
            pd.DataFrame({"listener": [0], "track": [min(listener.relevant)], "weight": 1.0}),
        ]
    )
    tampered = Protocol(
        name="t",
        target_label="track",
        training=type(playlists.training)(playlists.training.catalogue, leaky),
        validation=[],
        test=[listener],
        target_of_track=playlists.target_of_track,
        n_targets=playlists.n_targets,
    )
    with pytest.raises(LeakageError):
        assert_no_leak(tampered, index, lambda targets: targets)


def test_lastfm_users_map_through_artist_name_keys(frames):
    hetrec = synthetic_hetrec(frames)
    protocol = lastfm_artists(frames, hetrec, seed=0)
    catalogue = protocol.training.catalogue
    listeners = [*protocol.validation, *protocol.test]
    # Users with fewer than five matched artists are not evaluated (every tenth user has three).
    assert 0 < len(listeners) < hetrec.user_artists["user_id"].nunique()
    assert protocol.target_label == "artist"
    artist_of_track = protocol.target_of_track
    for listener in listeners:
        known = set(artist_of_track[listener.query.history].tolist())
        assert not known & listener.relevant
        # Every track of a known artist is excluded, and none of a held-out one.
        excluded = set(listener.query.excluded.tolist())
        for artist in known:
            assert set(np.flatnonzero(artist_of_track == artist).tolist()) <= excluded
        assert not set(artist_of_track[sorted(excluded)].tolist()) & listener.relevant
        assert (listener.query.weights > 0).all()
    # Upper-cased Last.fm names still matched their catalogue artists.
    upper = hetrec.artists["name"].str.isupper() & hetrec.artists["name"].str.startswith("ARTIST")
    assert protocol.notes["Last.fm artists matching a catalogue artist"] == (
        catalogue["artist_id"].nunique()
    )
    assert upper.any()


def _training_genre_rows(frames, protocol) -> pd.DataFrame:
    """The genre rows of the training playlist rows alone, rebuilt from the protocol."""
    catalogue = protocol.training.catalogue
    playlist_ids = sorted(frames.playlists["external_id"])
    genre_of = frames.playlists.set_index("external_id")
    rows = protocol.training.interactions
    playlist = [playlist_ids[i] for i in rows["listener"]]
    return pd.DataFrame(
        {
            "track_id": catalogue["track_id"].to_numpy()[rows["track"]],
            "genre": genre_of.loc[playlist, "genre"].to_numpy(),
            "subgenre": genre_of.loc[playlist, "subgenre"].to_numpy(),
        }
    )

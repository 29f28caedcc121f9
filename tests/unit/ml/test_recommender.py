from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.cluster import KMeans

from ml.artifact import (
    COORDINATE_COLUMNS,
    FORMAT_VERSION,
    ModelBundle,
    load_bundle,
    save_bundle,
    validate_bundle,
)
from ml.features import TrackFeaturizer
from ml.feedback import TrackWeights
from ml.filters import TrackFilter
from ml.listeners import ListenerModel
from ml.moods import assign_moods
from ml.recommender import (
    Exclusions,
    Preferences,
    Recommender,
    ScoringWeights,
    UnknownTrackError,
)
from music.schema import HistoryEvent, InteractionKind
from tests.unit.ml.synthetic_catalogue import build_catalogue

NOW = datetime(2026, 11, 1, tzinfo=UTC)
GENRES = ("rock", "pop", "latin", "ambient")
N_TRACKS = 400


@pytest.fixture(scope="module")
def world():
    """A bundle-shaped world: 400 tracks in four genres, four song clusters, 24 listeners who
    each stay in one genre, and 40 curated playlists (one genre each) for co-occurrence."""
    tracks = build_catalogue(N_TRACKS, seed=7)
    # Artists stay in one genre, as they mostly do.
    tracks["artist_id"] = (np.arange(N_TRACKS) % 4) * 1000 + (np.arange(N_TRACKS) // 16)
    tracks["artist_name"] = [f"Artist {a}" for a in tracks["artist_id"]]
    tracks["moods"] = assign_moods(tracks)[1]
    featurizer = TrackFeaturizer().fit(tracks)
    features = featurizer.transform(tracks)
    kmeans = KMeans(n_clusters=4, n_init=4, random_state=0).fit(features)
    tracks["cluster"] = kmeans.labels_
    names = []
    for c in range(4):
        genre = tracks.loc[tracks["cluster"] == c, "genre"].mode()[0]
        names.append(f"Mostly {genre}")

    rng = np.random.default_rng(1)
    by_genre = {g: np.flatnonzero(tracks["genre"].to_numpy() == g) for g in GENRES}
    rows = []
    for genre in GENRES:
        for n in range(6):
            for position in rng.choice(by_genre[genre], 20, replace=False):
                rows.append((f"user:{genre}{n}", tracks["track_id"][position], "play", NOW))
    events = pd.DataFrame(rows, columns=["listener", "track_id", "kind", "at"])
    listeners = ListenerModel(n_clusters=4, n_neighbours=10).fit(
        events, tracks["track_id"], features, artist_ids=tracks["artist_id"]
    )
    membership = sparse.lil_matrix((40, N_TRACKS), dtype=np.float32)
    for playlist in range(40):
        genre = GENRES[playlist % 4]
        membership[playlist, rng.choice(by_genre[genre], 15, replace=False)] = 1.0
    membership = membership.tocsr()
    cooccurrence = (membership.T @ membership).tocsr()
    for column in COORDINATE_COLUMNS:
        tracks[column] = np.float32(0.0)  # maps are not the recommender's business
    bundle = validate_bundle(
        ModelBundle(
            format_version=FORMAT_VERSION,
            version="test-recommender",
            created_at=NOW,
            tracks=tracks,
            featurizer=featurizer,
            features=features,
            cluster_names=names,
            cluster_centroids=kmeans.cluster_centers_.astype(np.float32),
            listeners=listeners,
            cooccurrence=cooccurrence,
        )
    )
    return SimpleNamespace(
        bundle=bundle,
        tracks=tracks,
        recommender=Recommender.from_bundle(bundle),
        by_genre=by_genre,
        events=events,
    )


def likes(world, genre: str, n: int = 8, kind=InteractionKind.LIKE, days_ago: float = 0):
    ids = world.tracks["track_id"].to_numpy()[world.by_genre[genre][:n]]
    return [HistoryEvent(str(t), kind, NOW - timedelta(days=days_ago)) for t in ids]


def genres_of(world, recs) -> list[str]:
    frame = world.tracks.set_index("track_id")
    return [frame.loc[r.track_id, "genre"] for r in recs]


def artist_of(world, track_id: str) -> int:
    return int(world.tracks.set_index("track_id").loc[track_id, "artist_id"])


def test_recommends_k_tracks_close_to_what_you_liked(world):
    recs = world.recommender.recommend(likes(world, "latin"), k=10, now=NOW)
    assert len(recs) == 10
    assert len({r.track_id for r in recs}) == 10
    assert genres_of(world, recs).count("latin") >= 8
    assert [r.score for r in recs] == [r.score for r in recs]  # finite
    assert all(np.isfinite(r.score) for r in recs)


def test_every_recommendation_has_at_least_two_reasons(world):
    recommender = world.recommender
    lists = [
        recommender.recommend(likes(world, "rock"), k=15, now=NOW),
        recommender.recommend([], k=15, preferences=Preferences(genres=("pop",))),
        recommender.recommend([], k=15),
        recommender.similar_tracks(world.tracks["track_id"][0], k=15),
        recommender.continue_playlist(list(world.tracks["track_id"][:6]), k=15),
    ]
    for recs in lists:
        assert recs
        for rec in recs:
            assert len(rec.reasons) >= 2, rec
            assert len(set(rec.reasons)) == len(rec.reasons)
            assert all(isinstance(r, str) and r[0].isupper() for r in rec.reasons)


def test_unexplained_picks_keep_their_place_and_the_others_their_reasons(world):
    history = likes(world, "rock")
    full = world.recommender.recommend(history, k=12, now=NOW)
    shown = frozenset(r.track_id for r in full[::2])
    partial = world.recommender.recommend(history, k=12, now=NOW, unexplained=shown)
    assert [r.track_id for r in partial] == [r.track_id for r in full]
    for whole, part in zip(full, partial, strict=True):
        if whole.track_id in shown:
            assert part.reasons == ()
        else:
            assert part.reasons == whole.reasons  # the same sentences, from a smaller context
    every = frozenset(r.track_id for r in full)
    silent = world.recommender.recommend(history, k=12, now=NOW, unexplained=every)
    assert [r.track_id for r in silent] == [r.track_id for r in full]
    assert all(r.reasons == () for r in silent)


def test_reasons_name_the_liked_track_and_the_cluster(world):
    history = likes(world, "ambient")
    recs = world.recommender.recommend(history, k=5, now=NOW)
    liked_names = {f"{row.name} by {row.artist_name}" for row in world.tracks.itertuples()}
    first = recs[0].reasons
    because = [r for r in first if r.startswith("Because you liked ")]
    assert because and because[0].removeprefix("Because you liked ") in liked_names
    all_reasons = [r for rec in recs for r in rec.reasons]
    assert any(r.startswith("Same cluster: Mostly ambient") for r in all_reasons)
    assert any(r == "Listeners like you play it" for r in all_reasons)
    assert all("content" in rec.sources for rec in recs)


def test_banned_tracks_and_artists_are_never_returned(world):
    recommender = world.recommender
    history = likes(world, "pop")
    before = recommender.recommend(history, k=20, now=NOW)
    banned_track = before[0].track_id
    banned_artist = artist_of(world, before[1].track_id)
    ban_event = HistoryEvent(banned_track, InteractionKind.BAN, NOW)
    after = recommender.recommend(
        [*history, ban_event], k=20, now=NOW, exclusions=Exclusions(artist_ids={banned_artist})
    )
    assert banned_track not in {r.track_id for r in after}
    assert banned_artist not in {artist_of(world, r.track_id) for r in after}
    # Also through exclusions, for every entry point.
    excluded = Exclusions(track_ids=frozenset(r.track_id for r in before[:5]))
    seed = world.tracks["track_id"][world.by_genre["pop"][0]]
    for recs in (
        recommender.recommend(history, k=30, now=NOW, exclusions=excluded),
        recommender.similar_tracks(seed, k=30, exclusions=excluded),
        recommender.continue_playlist([seed], k=30, exclusions=excluded),
    ):
        assert not excluded.track_ids & {r.track_id for r in recs}


def test_a_ban_in_history_is_a_hard_filter_even_against_strong_pull(world):
    history = likes(world, "rock", n=20)
    target = world.recommender.recommend(history, k=1, now=NOW)[0].track_id
    # Banned, yet also liked many times by listeners like you: still never returned.
    history += [HistoryEvent(target, InteractionKind.BAN, NOW)]
    recs = world.recommender.recommend(history, k=N_TRACKS, now=NOW, adventurousness=0)
    assert target not in {r.track_id for r in recs}


def test_a_like_changes_the_next_call(world):
    recommender = world.recommender
    history = likes(world, "rock", n=4)
    before = recommender.recommend(history, k=10, now=NOW)
    latin = likes(world, "latin", n=4)
    after = recommender.recommend([*history, *latin], k=10, now=NOW)
    assert [r.track_id for r in after] != [r.track_id for r in before]
    assert genres_of(world, after).count("latin") > genres_of(world, before).count("latin")


def test_a_skip_removes_the_track_and_pushes_its_sound_away(world):
    recommender = world.recommender
    history = likes(world, "pop", n=4) + likes(world, "latin", n=4)
    before = recommender.recommend(history, k=10, now=NOW)
    skipped = before[0].track_id
    skipped_genre = genres_of(world, before[:1])[0]
    skips = likes(world, skipped_genre, n=8, kind=InteractionKind.SKIP)[4:]
    skips.append(HistoryEvent(skipped, InteractionKind.SKIP, NOW))
    after = recommender.recommend([*history, *skips], k=10, now=NOW)
    assert skipped not in {r.track_id for r in after}
    assert genres_of(world, after).count(skipped_genre) < genres_of(world, before).count(
        skipped_genre
    )


def test_liked_tracks_are_not_recommended_again(world):
    history = likes(world, "ambient", n=10)
    recs = world.recommender.recommend(history, k=50, now=NOW)
    assert not {e.track_id for e in history} & {r.track_id for r in recs}


def test_old_feedback_fades(world):
    recommender = world.recommender
    old_rock = likes(world, "rock", n=6, days_ago=720)
    fresh_latin = likes(world, "latin", n=2)
    recs = recommender.recommend([*old_rock, *fresh_latin], k=10, now=NOW)
    assert genres_of(world, recs).count("latin") > genres_of(world, recs).count("rock")


def test_cold_start_follows_stated_preferences(world):
    recommender = world.recommender
    recs = recommender.recommend([], k=10, preferences=Preferences(genres=("Ambient",)))
    assert genres_of(world, recs).count("ambient") >= 9
    assert any("Fits your preferred genre: ambient" in r.reasons for r in recs)
    artist = int(world.tracks["artist_id"][world.by_genre["latin"][0]])
    by_artist = recommender.recommend([], k=5, preferences=Preferences(artist_ids=(artist,)))
    assert artist_of(world, by_artist[0].track_id) == artist
    calm = recommender.recommend([], k=10, preferences=Preferences(moods=("acoustic",)))
    moods = world.tracks.set_index("track_id")["moods"]
    assert sum("acoustic" in moods[r.track_id] for r in calm) >= 8


def test_no_history_and_no_preferences_still_recommends(world):
    recs = world.recommender.recommend([], k=10)
    assert len(recs) == 10
    assert len(set(genres_of(world, recs))) >= 2


def test_adventurousness_spreads_over_more_clusters_and_less_popular_tracks(world):
    recommender = world.recommender
    history = likes(world, "rock", n=10)
    safe = recommender.recommend(history, k=20, now=NOW, adventurousness=0.0)
    bold = recommender.recommend(history, k=20, now=NOW, adventurousness=1.0)
    home = safe[0].cluster
    assert sum(r.cluster != home for r in bold) > sum(r.cluster != home for r in safe)
    popularity = world.tracks.set_index("track_id")["popularity"]
    assert np.mean([popularity[r.track_id] for r in bold]) < np.mean(
        [popularity[r.track_id] for r in safe]
    )


def test_at_most_two_tracks_per_artist(world):
    recs = world.recommender.recommend(likes(world, "latin"), k=30, now=NOW)
    artists = pd.Series([artist_of(world, r.track_id) for r in recs])
    assert artists.value_counts().max() <= 2


def test_track_filter_is_respected(world):
    recommender = world.recommender
    flt = TrackFilter(genres_include=("pop",), energy=(0.6, 1.0))
    recs = recommender.recommend(likes(world, "ambient"), k=10, now=NOW, track_filter=flt)
    assert recs
    frame = world.tracks.set_index("track_id")
    for rec in recs:
        assert frame.loc[rec.track_id, "genre"] == "pop"
        assert frame.loc[rec.track_id, "energy"] >= 0.6
    impossible = TrackFilter(energy=(0.99, 1.0), acousticness=(0.99, 1.0))
    assert recommender.recommend(likes(world, "ambient"), k=10, track_filter=impossible) == []


def test_k_is_honoured(world):
    recommender = world.recommender
    assert recommender.recommend(likes(world, "rock"), k=0) == []
    assert len(recommender.recommend(likes(world, "rock"), k=1)) == 1
    assert len(recommender.recommend(likes(world, "rock"), k=37)) == 37


def test_deterministic(world):
    history = likes(world, "pop") + likes(world, "rock", kind=InteractionKind.SKIP, n=3)
    first = world.recommender.recommend(history, k=15, adventurousness=0.7)
    again = Recommender.from_bundle(world.bundle).recommend(history, k=15, adventurousness=0.7)
    assert first == again


def test_similar_tracks_excludes_the_seed_and_sounds_like_it(world):
    seed = world.tracks["track_id"][world.by_genre["ambient"][3]]
    recs = world.recommender.similar_tracks(seed, k=10)
    assert len(recs) == 10
    assert seed not in {r.track_id for r in recs}
    assert genres_of(world, recs).count("ambient") >= 9
    assert any(r.startswith("Sounds like Song") for r in recs[0].reasons)
    with pytest.raises(UnknownTrackError, match="not in the current model"):
        world.recommender.similar_tracks("no-such-track")


def test_similar_tracks_skips_other_versions_of_the_seed(world):
    tracks = world.tracks.copy()
    tracks.loc[1, ["name", "artist_id", "artist_name"]] = tracks.loc[
        0, ["name", "artist_id", "artist_name"]
    ].to_numpy()
    bundle = replace(world.bundle, tracks=tracks)
    recs = Recommender.from_bundle(bundle).similar_tracks(tracks["track_id"][0], k=N_TRACKS)
    assert tracks["track_id"][1] not in {r.track_id for r in recs}


def test_continue_playlist_follows_the_playlist_and_excludes_its_tracks(world):
    playlist = list(world.tracks["track_id"].to_numpy()[world.by_genre["pop"][:8]])
    recs = world.recommender.continue_playlist(playlist, k=10)
    assert len(recs) == 10
    assert not set(playlist) & {r.track_id for r in recs}
    assert genres_of(world, recs).count("pop") >= 8
    assert any(r.startswith("Fits next to ") for rec in recs for r in rec.reasons)
    assert len(world.recommender.continue_playlist(["unknown"], k=5)) == 5


def test_listeners_like_you_delegates_to_the_listener_model(world):
    matches = world.recommender.listeners_like_you(likes(world, "latin", n=15), k=3)
    assert len(matches) == 3
    assert all(m.listener.startswith("user:latin") for m in matches)
    bare = replace(world.bundle, listeners=None, cooccurrence=None)
    recommender = Recommender.from_bundle(bare)
    assert recommender.listeners_like_you(likes(world, "latin"), k=3) == []
    recs = recommender.recommend(likes(world, "latin"), k=5)
    assert all(len(r.reasons) >= 2 for r in recs)


def test_relevance_scores_the_whole_catalogue(world):
    positions = world.by_genre["rock"][:5]
    scores = world.recommender.relevance(TrackWeights.from_positive(positions))
    assert scores.shape == (N_TRACKS,)
    genre = world.tracks["genre"].to_numpy()
    assert scores[genre == "rock"].mean() > scores[genre != "rock"].mean()


def test_a_saved_and_loaded_bundle_recommends_the_same(world, tmp_path):
    save_bundle(world.bundle, tmp_path)
    loaded = Recommender.from_bundle(load_bundle(tmp_path))
    history = likes(world, "latin")
    assert loaded.recommend(history, k=10) == world.recommender.recommend(history, k=10)


# ---------------------------------------------------------------- listening co-occurrence

BRIDGES = 4  # listeners who play one rock track together with one ambient track


def bridged(world, weights: ScoringWeights, without: str | None = None):
    """The world plus ``BRIDGES`` listeners who each play the first rock and the last ambient
    track (nothing else links them); ``without`` leaves one of them out of the fit. Returns a
    recommender under ``weights`` and the two tracks' ids."""
    rock, ambient = world.by_genre["rock"][0], world.by_genre["ambient"][-1]
    ids = world.tracks["track_id"]
    rows = [
        (f"user:bridge{n}", ids[position], "play", NOW)
        for n in range(BRIDGES)
        for position in (rock, ambient)
        if f"user:bridge{n}" != without
    ]
    events = pd.concat([world.events, pd.DataFrame(rows, columns=world.events.columns)])
    listeners = ListenerModel(n_clusters=4, n_neighbours=10).fit(
        events, ids, world.bundle.features, artist_ids=world.tracks["artist_id"]
    )
    bundle = replace(world.bundle, listeners=listeners)
    return Recommender.from_bundle(bundle, weights=weights), ids[rock], ids[ambient]


# Without "listeners like you", only the item-item term knows the bridge.
ITEM_ONLY = ScoringWeights(collaborative=0.0, collaborative_artist=0.0, listening_cooccurrence=3.0)


def test_a_track_others_played_with_yours_is_recommended_and_explained(world):
    recommender, rock, ambient = bridged(world, ITEM_ONLY)
    history = [HistoryEvent(rock, InteractionKind.LIKE, NOW)]
    recs = recommender.recommend(history, k=10, now=NOW)
    found = next(r for r in recs if r.track_id == ambient)
    assert "listening_cooccurrence" in found.sources
    name = world.tracks.set_index("track_id").loc[rock, "name"]
    assert any(reason.startswith(f"Listeners who played {name} by") for reason in found.reasons)
    # The same world without the term: an ambient track is far from a rock history.
    off, _, _ = bridged(world, replace(ITEM_ONLY, listening_cooccurrence=0.0))
    assert ambient not in {r.track_id for r in off.recommend(history, k=10, now=NOW)}


def test_a_skip_pushes_what_others_played_with_it(world):
    recommender, rock, _ = bridged(world, ITEM_ONLY)
    at = world.by_genre["ambient"][-1]
    liked = recommender.relevance(TrackWeights.from_positive(world.by_genre["rock"][:1]))
    skip = [HistoryEvent(rock, InteractionKind.SKIP, NOW)]
    skipped = recommender.relevance(recommender.listeners.history_weights(skip))
    assert skipped[at] < liked[at]


def test_the_excluded_listener_does_not_link_its_own_tracks(world):
    recommender, _, _ = bridged(world, ITEM_ONLY)
    refitted, _, _ = bridged(world, ITEM_ONLY, without="user:bridge0")
    history = TrackWeights.from_positive(world.by_genre["rock"][:1])
    excluded = recommender.relevance(history, exclude_listener="user:bridge0")
    np.testing.assert_allclose(excluded, refitted.relevance(history), rtol=1e-5, atol=1e-6)
    assert not np.allclose(excluded, recommender.relevance(history), rtol=1e-5, atol=1e-6)


def test_bans_filter_what_co_listening_pulls(world):
    recommender, rock, ambient = bridged(world, ITEM_ONLY)
    history = [HistoryEvent(rock, InteractionKind.LIKE, NOW)]
    assert ambient in {r.track_id for r in recommender.recommend(history, k=10, now=NOW)}
    banned = [*history, HistoryEvent(ambient, InteractionKind.BAN, NOW)]
    assert ambient not in {r.track_id for r in recommender.recommend(banned, k=N_TRACKS, now=NOW)}
    artist = Exclusions(artist_ids=frozenset({artist_of(world, ambient)}))
    for recs in (
        recommender.recommend(history, k=N_TRACKS, now=NOW, exclusions=artist),
        recommender.similar_tracks(rock, k=N_TRACKS, exclusions=artist),
        recommender.continue_playlist([rock], k=N_TRACKS, exclusions=artist),
    ):
        assert ambient not in {r.track_id for r in recs}


def test_cluster_reasons_quote_the_cluster_card(world):
    from ml.cluster_cards import build_atlas
    from ml.cluster_names import name_groups

    tracks = world.tracks
    labels = tracks["cluster"].to_numpy()
    named = name_groups(tracks, labels, 4)
    atlas = build_atlas(tracks, labels, np.zeros(4, dtype=int), named, named[:1])
    bundle = replace(world.bundle, cluster_names=[n.name for n in named], atlas=atlas)
    recommender = Recommender.from_bundle(bundle)
    recs = recommender.recommend(likes(world, "ambient"), k=5, now=NOW)
    cluster = recs[0].cluster
    card = atlas.card(cluster)
    expected = f"{card.name}: {card.genre_summary()}"
    assert card.genre_summary().startswith("100 % Ambient")
    reasons = [r for rec in recs for r in rec.reasons]
    assert any(r.endswith(expected) and r.startswith(("Same cluster", "From")) for r in reasons)


def cites(reason: str, artist_name: str) -> bool:
    import re

    return re.search(rf"\bby {re.escape(artist_name)}(?!\d)", reason) is not None


def test_reasons_never_cite_a_banned_artist(world):
    recommender = world.recommender
    history = likes(world, "pop", n=12)
    before = recommender.recommend(history, k=20, now=NOW)
    cited = [
        name
        for rec in before
        for reason in rec.reasons
        for name in set(world.tracks["artist_name"])
        if cites(reason, name)
    ]
    assert cited, "the liked tracks' artists should be cited before the ban"
    banned_name = max(set(cited), key=cited.count)
    banned = int(world.tracks.loc[world.tracks["artist_name"] == banned_name, "artist_id"].iloc[0])
    exclusions = Exclusions(artist_ids=frozenset({banned}))
    playlist = [str(t) for t in world.tracks["track_id"].to_numpy()[world.by_genre["pop"][:6]]]
    for recs in (
        recommender.recommend(history, k=20, now=NOW, exclusions=exclusions),
        recommender.continue_playlist(playlist, k=20, exclusions=exclusions),
    ):
        assert recs
        reasons = [reason for rec in recs for reason in rec.reasons]
        assert not [r for r in reasons if cites(r, banned_name)]
        # The other liked tracks still explain the picks.
        assert any(r.startswith(("Because you liked", "Fits next to")) for r in reasons)
        assert all(len(rec.reasons) >= 2 for rec in recs)

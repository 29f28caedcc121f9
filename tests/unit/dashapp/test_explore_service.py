"""The Explore service: which points a map view draws, search, details and the staging list."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from dashapp.services import explore
from ml.filters import TrackFilter
from tests.unit.dashapp.explore_frames import loaded_model


@pytest.fixture
def loaded() -> SimpleNamespace:
    return loaded_model(300, version="test-v1")


@pytest.fixture
def base(loaded):
    return explore.map_base(loaded)


def test_map_base_is_built_once_per_model_version(loaded):
    first = explore.map_base(loaded)
    assert explore.map_base(loaded) is first
    newer = loaded_model(300, version="test-v2", seed=1)
    rebuilt = explore.map_base(newer)
    assert rebuilt is not first
    assert rebuilt.version == "test-v2"


def test_base_arrays_are_compact_and_aligned_with_the_tracks(base, loaded):
    tracks = loaded.bundle.tracks
    assert base.coords2.dtype == np.float32 and base.coords2.shape == (300, 2)
    assert base.coords3.shape == (300, 3)
    np.testing.assert_allclose(base.coords2[:, 0], tracks["x2"].to_numpy(), rtol=1e-6)
    codes, names = base.categories["cluster"]
    assert [names[c] for c in codes[:5]] == [f"Cluster {c}" for c in tracks["cluster"][:5]]
    genre_codes, genre_names = base.categories["genre"]
    assert [genre_names[c] for c in genre_codes] == list(tracks["genre"])
    mood_codes, mood_names = base.categories["mood"]
    happy = tracks["moods"].map(lambda moods: "happy" in moods).to_numpy()
    assert (mood_codes[happy] == 0).all() and mood_names[0].startswith("Happy")
    assert "rock" in base.genre_slugs and "rock/sub0" in base.genre_slugs


def test_unfiltered_view_draws_every_track(base):
    points = explore.map_points(base)
    assert points.shown == points.matched == points.total == 300
    assert sorted(points.rows.tolist()) == list(range(300))
    assert points.hover is not None and len(points.hover) == 300


def test_filter_keeps_exactly_the_matching_tracks(base, loaded):
    tracks = loaded.bundle.tracks
    track_filter = TrackFilter(genres_include=("rock",), energy=(0.5, 1.0))
    points = explore.map_points(base, track_filter=track_filter)
    expected = np.flatnonzero((tracks["genre"] == "rock") & (tracks["energy"] >= 0.5))
    assert points.rows.tolist() == expected.tolist()
    assert points.matched == len(expected)
    assert {base.tracks["genre"].iat[r] for r in points.rows} == {"rock"}


def test_only_rows_restricts_the_view_to_my_tracks(base):
    mine = np.array([3, 10, 42, 299])
    points = explore.map_points(base, only_rows=mine, track_filter=TrackFilter())
    assert points.rows.tolist() == [3, 10, 42, 299]


def test_decimation_keeps_the_budget_and_is_stable_across_calls(base):
    first = explore.map_points(base, max_points=50)
    again = explore.map_points(base, max_points=50)
    assert first.shown == 50 and first.matched == 300 and first.decimated
    assert first.rows.tolist() == again.rows.tolist()


def test_zooming_in_reveals_every_point_of_the_viewport(base):
    x, y = base.coords2[:, 0], base.coords2[:, 1]
    viewport = ((-0.5, 0.5), (-0.5, 0.5))
    inside = np.flatnonzero((x >= -0.5) & (x <= 0.5) & (y >= -0.5) & (y <= 0.5))
    assert 0 < len(inside) <= 100
    points = explore.map_points(base, max_points=100, viewport=viewport)
    assert points.rows.tolist() == inside.tolist()


def test_3d_view_carries_three_coordinates(base):
    points = explore.map_points(base, dims=3, colour_by="genre")
    assert points.coords.shape == (300, 3)
    assert points.category_names == base.categories["genre"][1]


def test_feature_colouring_sends_values_on_a_fixed_scale(base, loaded):
    points = explore.map_points(base, colour_by="energy")
    assert points.codes is None and points.value_range == (0.0, 1.0)
    np.testing.assert_allclose(
        points.values, loaded.bundle.tracks["energy"].to_numpy()[points.rows], rtol=1e-6
    )
    tempo = explore.map_points(base, colour_by="tempo")
    assert tempo.value_range[0] >= 60 and tempo.value_range[1] <= 190


def test_unknown_colouring_is_a_user_error(base):
    with pytest.raises(explore.ExploreError, match="cannot colour by"):
        explore.map_points(base, colour_by="shoe size")


def test_hover_text_is_dropped_for_large_views(base, monkeypatch):
    monkeypatch.setattr(explore.view, "HOVER_TEXT_LIMIT", 100)
    assert explore.map_points(base).hover is None
    small = explore.map_points(base, only_rows=np.arange(20))
    assert small.hover == [f"Song {i} · Artist {i % 50}" for i in range(20)]


def test_highlight_carries_the_tracks_coordinates(base):
    points = explore.map_points(base, highlight_row=7)
    assert points.highlight == pytest.approx(tuple(base.coords2[7]))
    assert points.highlight_label == "Song 7 · Artist 7"


def test_search_matches_title_and_artist_words_case_insensitively(base):
    hits = explore.search_tracks(base, "song 12 ARTIST 12")
    assert hits[0].track_id == "t00012"
    assert hits[0].label == "Song 12 · Artist 12"
    # Every word must appear somewhere ("12" also matches "Song 120 · Artist 20"), exact first.
    assert len(hits) > 1
    labels = [hit.label.casefold() for hit in hits]
    assert all("song" in label and "artist" in label and "12" in label for label in labels)
    assert explore.search_tracks(base, "song 1")[0].track_id == "t00001"
    many = explore.search_tracks(base, "artist 7", limit=5)
    assert len(many) == 5
    assert all("Artist 7" in hit.label for hit in many)
    assert explore.search_tracks(base, "   ") == []
    assert explore.search_tracks(base, "no such thing") == []


def test_details_include_similar_tracks_without_excluded_ones(loaded):
    exclusions = SimpleNamespace(track_ids=frozenset({"t00011"}), artist_ids=frozenset())
    details = explore.track_details(loaded, "t00010", k_similar=3, exclusions=exclusions)
    assert details.title == "Song 10" and details.artist == "Artist 10"
    assert details.cluster_name == f"Cluster {loaded.bundle.tracks['cluster'].iat[10]}"
    assert [s.track_id for s in details.similar] == ["t00012", "t00013", "t00014"]
    assert details.similar[0].reason
    assert details.spotify_url.endswith("/t00010")
    assert loaded.recommender.calls[-1][2] is exclusions


def test_details_of_an_unknown_track_is_a_user_error(loaded):
    with pytest.raises(explore.ExploreError, match="not in the current catalogue"):
        explore.track_details(loaded, "nope")


def test_staging_adds_tracks_once_in_order(base):
    rows = np.array([5, 9, 5])
    staging = explore.stage_rows(base, explore.Staging(1, ("t00009",)), rows)
    assert staging.track_ids == ("t00009", "t00005")
    assert "1 new" in staging.message


def test_staging_is_capped(base, monkeypatch):
    monkeypatch.setattr(explore.staging, "STAGING_LIMIT", 10)
    staging = explore.stage_rows(base, explore.Staging(1, ()), range(25))
    assert len(staging.track_ids) == 10
    assert "at most 10" in staging.message


def test_another_users_or_forged_staging_store_is_ignored(base):
    store = explore.Staging(1, ("t00001", "t00002")).to_store()
    assert explore.staging_from_store(store, 1, base).track_ids == ("t00001", "t00002")
    assert explore.staging_from_store(store, 2, base).track_ids == ()
    forged = {"user_id": 1, "track_ids": ["t00001", "bogus", 7, "t00001"]}
    assert explore.staging_from_store(forged, 1, base).track_ids == ("t00001",)
    assert explore.staging_from_store("junk", 1, base).track_ids == ()


def test_unstage_removes_some_or_all(base):
    staging = explore.Staging(1, ("a", "b", "c"))
    assert explore.unstage(staging, ["b"]).track_ids == ("a", "c")
    assert explore.unstage(staging).track_ids == ()


def test_select_cluster_and_nearest(base):
    codes, _ = base.categories["cluster"]
    same = explore.rows_of_category(base, "cluster", 4)
    assert set(same.tolist()) == set(np.flatnonzero(codes == codes[4]).tolist())
    nearest = explore.nearest_rows(base, 4, k=5)
    assert nearest[0] == 4 and len(nearest) == 5
    distance = np.square(base.coords3 - base.coords3[4]).sum(axis=1)
    assert distance[nearest].max() <= np.sort(distance)[4]


def test_cluster_card_is_the_one_training_stored():
    from tests.unit.dashapp.explore_frames import loaded_model_with_families

    model = loaded_model_with_families(200, version="card-test")
    track_id = model.bundle.tracks["track_id"].iat[7]
    cluster = int(model.bundle.tracks["cluster"].iat[7])
    card = explore.cluster_card(model, track_id)
    assert card is model.bundle.atlas.cards[cluster]
    assert card.size == int((model.bundle.tracks["cluster"] == cluster).sum())
    with pytest.raises(explore.ExploreError):
        explore.cluster_card(model, "no-such-track")


def test_cluster_card_is_none_for_models_without_cards(loaded):
    assert explore.cluster_card(loaded, loaded.bundle.tracks["track_id"].iat[0]) is None


def test_the_zoom_window_comes_from_plotly_and_only_finite_numbers_count():
    previous = [[0.0, 1.0], [0.0, 1.0]]
    zoom = {"xaxis.range[0]": -2, "xaxis.range[1]": 3.5, "yaxis.range[0]": 1, "yaxis.range[1]": 4}
    assert explore.viewport_from_relayout(zoom, previous) == [[-2.0, 3.5], [1.0, 4.0]]
    assert explore.viewport_from_relayout({"xaxis.autorange": True}, previous) is None
    assert explore.viewport_from_relayout({"dragmode": "pan"}, previous) == previous
    for hostile in ("nan", "inf", "-Infinity"):
        assert explore.viewport_from_relayout({**zoom, "xaxis.range[1]": hostile}, previous) == (
            previous
        )

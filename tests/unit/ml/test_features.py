import numpy as np
import pandas as pd
import pytest

from ml.features import AUDIO_COLUMNS, TrackFeaturizer, track_ratings


def test_matrix_is_float32_one_row_per_track_and_named(make_catalogue):
    catalogue = make_catalogue(120)
    featurizer = TrackFeaturizer().fit(catalogue)
    matrix = featurizer.transform(catalogue)
    assert matrix.dtype == np.float32
    assert matrix.shape == (120, len(featurizer.feature_names_))
    assert list(featurizer.get_feature_names_out()) == featurizer.feature_names_
    assert "genre=rock" in featurizer.feature_names_
    assert "subgenre=rock/classic rock" in featurizer.feature_names_
    assert np.isfinite(matrix).all()


def test_audio_columns_are_standardised(make_catalogue):
    catalogue = make_catalogue(400)
    featurizer = TrackFeaturizer().fit(catalogue)
    audio = featurizer.transform(catalogue)[:, featurizer.block_columns("audio")]
    assert audio.shape[1] == len(AUDIO_COLUMNS)
    np.testing.assert_allclose(audio.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(audio.std(axis=0), 1.0, atol=1e-4)


def test_genre_difference_costs_exactly_the_documented_weights(make_catalogue):
    catalogue = make_catalogue(40)
    twin = catalogue.iloc[[0, 0]].reset_index(drop=True)
    twin.loc[1, "genres"] = ("latin",)
    twin.loc[1, "subgenres"] = ("latin/classic latin",)
    featurizer = TrackFeaturizer(genre_weight=1.5, subgenre_weight=1.0).fit(catalogue)
    a, b = featurizer.transform(twin)
    # Same sound, different genre and subgenre: one-hot on each level, sqrt(2) apart per level.
    assert float(((a - b) ** 2).sum()) == pytest.approx(2 * 1.5**2 + 2 * 1.0**2, rel=1e-5)


def test_genre_counts_but_does_not_swamp_the_audio(make_catalogue):
    catalogue = make_catalogue(400)
    featurizer = TrackFeaturizer().fit(catalogue)
    matrix = featurizer.transform(catalogue)
    rng = np.random.default_rng(1)
    i, j = rng.integers(0, len(catalogue), (2, 2000))

    def mean_sq_distance(block: str) -> float:
        columns = featurizer.block_columns(block)
        return float(((matrix[i, columns] - matrix[j, columns]) ** 2).sum(axis=1).mean())

    genre = mean_sq_distance("genre") + mean_sq_distance("subgenre")
    audio = mean_sq_distance("audio")
    assert 0.1 * audio < genre < 0.6 * audio


def test_multi_genre_tracks_are_not_more_genre_than_single_genre_ones(make_catalogue):
    catalogue = make_catalogue(40)
    catalogue.loc[0, "genres"] = ("pop", "rock")
    featurizer = TrackFeaturizer().fit(catalogue)
    genres = featurizer.transform(catalogue)[:, featurizer.block_columns("genre")]
    norms = np.linalg.norm(genres, axis=1)
    np.testing.assert_allclose(norms, featurizer.genre_weight, rtol=1e-5)


def test_keys_a_fifth_apart_are_closer_than_a_tritone(make_catalogue):
    catalogue = make_catalogue(40)
    rows = catalogue.iloc[[0, 0, 0]].reset_index(drop=True)
    rows["key"] = [0, 7, 6]  # C, G (a fifth up), F# (a tritone)
    featurizer = TrackFeaturizer().fit(catalogue)
    key = featurizer.transform(rows)[:, featurizer.block_columns("key")]
    assert np.linalg.norm(key[0] - key[1]) < np.linalg.norm(key[0] - key[2])


def test_unknown_genre_and_missing_values_are_handled(make_catalogue):
    catalogue = make_catalogue(60)
    featurizer = TrackFeaturizer().fit(catalogue)
    odd = catalogue.iloc[[0]].reset_index(drop=True)
    odd["genres"] = [("polka",)]
    odd["subgenres"] = [()]
    odd["release_year"] = pd.array([None], dtype="Int64")
    odd["key"] = -1
    row = featurizer.transform(odd)[0]
    assert np.isfinite(row).all()
    assert not row[featurizer.block_columns("genre")].any()
    assert not row[featurizer.block_columns("key")][:2].any()  # unknown key: circle centre


def test_constant_columns_do_not_produce_nan(make_catalogue):
    catalogue = make_catalogue(30)
    catalogue["release_year"] = pd.array([None] * 30, dtype="Int64")
    catalogue["artist_popularity"] = 50.0
    matrix = TrackFeaturizer().fit_transform(catalogue)
    assert np.isfinite(matrix).all()


def test_ratings_from_feedback_push_liked_tracks_up_and_skipped_down():
    events = pd.DataFrame(
        {
            "track_id": ["a", "a", "a", "b", "b", "c", "d"],
            "kind": ["like", "favourite", "play", "skip", "ban", "play", "like"],
        }
    )
    ratings = track_ratings(events, ["a", "b", "c", "d", "unrated"])
    assert ratings[0] > ratings[3] > 0  # two likes beat one like
    assert ratings[1] < 0
    assert ratings[2] == 0 and ratings[4] == 0  # plays and silence are neutral
    assert (np.abs(ratings) <= 1).all()


def test_rating_column_lands_in_the_matrix_when_present(make_catalogue):
    catalogue = make_catalogue(30)
    featurizer = TrackFeaturizer(rating_weight=0.5).fit(catalogue)
    without = featurizer.transform(catalogue)[:, featurizer.block_columns("rating")]
    assert not without.any()
    rated = catalogue.assign(rating=np.linspace(-1, 1, 30))
    with_ratings = featurizer.transform(rated)[:, featurizer.block_columns("rating")]
    np.testing.assert_allclose(with_ratings[:, 0], np.linspace(-0.5, 0.5, 30), atol=1e-6)


def test_featurizer_follows_sklearn_conventions():
    from sklearn.base import clone

    featurizer = TrackFeaturizer(genre_weight=2.0)
    assert clone(featurizer).get_params()["genre_weight"] == 2.0
    assert not hasattr(featurizer, "feature_names_")

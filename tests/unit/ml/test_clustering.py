import numpy as np
import pytest

from ml.clustering import cluster_quality, cluster_tracks
from ml.features import TrackFeaturizer


def blobs(n_per: int = 60, centres: int = 5, dims: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    middles = rng.normal(0, 6, (centres, dims))
    return np.vstack([m + rng.normal(0, 0.5, (n_per, dims)) for m in middles]).astype(np.float32)


def test_kmeans_clusters_the_synthetic_genres_apart_and_names_them(make_catalogue):
    catalogue = make_catalogue(320)
    featurizer = TrackFeaturizer().fit(catalogue)
    features = featurizer.transform(catalogue)
    genre_columns = (featurizer.block_columns("genre"), featurizer.block_columns("subgenre"))
    result = cluster_tracks(features, catalogue, k=4, genre_columns=genre_columns)
    assert result.n_clusters == 4 and result.centroids.shape == (4, features.shape[1])
    # Each synthetic genre lands (almost entirely) in its own cluster.
    for genre in ("rock", "pop", "latin", "ambient"):
        labels = result.labels[catalogue["genre"].to_numpy() == genre]
        assert np.bincount(labels).max() / len(labels) > 0.9, genre
    assert len(set(result.names)) == 4
    ambient_cluster = np.bincount(
        result.labels[catalogue["genre"].to_numpy() == "ambient"]
    ).argmax()
    assert result.names[ambient_cluster] in ("Ambient", "Classic Ambient")  # 2/3 carry it
    card = result.atlas.card(ambient_cluster)
    assert card.coverage > 0.6 and card.top_genres[0] == ("Ambient", 1.0)
    assert card.family_name == "Ambient"
    assert result.metrics["name_coverage_min"] >= 0.4
    for key in ("silhouette", "davies_bouldin", "calinski_harabasz", "noise_share", "size_cv"):
        assert result.metrics[key] is not None
    assert result.metrics["noise_share"] == 0.0


def test_kmeans_on_a_sample_then_the_whole_catalogue_labels_every_track(make_catalogue):
    catalogue = make_catalogue(400)
    features = TrackFeaturizer().fit_transform(catalogue)
    result = cluster_tracks(features, catalogue, candidates=[3, 4, 5], sample_size=150)
    assert result.labels.min() >= 0 and result.labels.max() < result.n_clusters
    assert set(result.metrics["k_selection"]) == {"3", "4", "5"}
    assert len(result.atlas.cards) == result.n_clusters
    assert result.atlas.family_of.max() < len(result.atlas.families)
    # Centroids are the means of their members.
    members = features[result.labels == 0]
    np.testing.assert_allclose(result.centroids[0], members.mean(axis=0), atol=1e-4)


def test_hdbscan_option_marks_outliers_as_noise(make_catalogue):
    catalogue = make_catalogue(300)
    features = TrackFeaturizer().fit_transform(catalogue)
    features[:5] += 40.0  # five tracks far from everything
    result = cluster_tracks(features, catalogue, method="hdbscan", sample_size=200)
    assert result.method == "hdbscan"
    assert result.n_clusters >= 2
    assert (result.labels[:5] == -1).all()
    assert 0 < result.metrics["noise_share"] < 0.5


def test_quality_metrics_leave_noise_out_and_report_sizes():
    features = blobs(centres=3, n_per=30)
    labels = np.repeat([0, 1, 2], 30)
    labels[:3] = -1
    metrics = cluster_quality(features, labels)
    assert metrics["n_clusters"] == 3
    assert metrics["noise_share"] == pytest.approx(3 / 90)
    assert metrics["size_min"] == 27 and metrics["size_max"] == 30
    assert metrics["silhouette"] > 0.8


def test_bad_method_is_refused(make_catalogue):
    catalogue = make_catalogue(20)
    with pytest.raises(ValueError, match="unknown clustering method"):
        cluster_tracks(TrackFeaturizer().fit_transform(catalogue), catalogue, method="spectral")


def test_davies_bouldin_index_matches_scikit_learn():
    from sklearn.metrics import davies_bouldin_score

    from ml.clustering import davies_bouldin_index

    features = blobs(centres=4, n_per=25, seed=3)
    labels = np.random.default_rng(0).integers(0, 5, len(features))
    assert davies_bouldin_index(features, labels) == pytest.approx(
        davies_bouldin_score(features, labels), rel=1e-6
    )

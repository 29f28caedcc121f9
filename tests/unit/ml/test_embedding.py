import sys

import numpy as np
import pytest

from ml.embedding import embed, place_by_neighbours


def two_groups(n: int = 200, seed: int = 0, dims: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    group = np.arange(n) % 2
    features = rng.normal(0, 1, (n, dims)) + group[:, None] * 8.0
    return features.astype(np.float32), group


def separated(coordinates: np.ndarray, group: np.ndarray) -> bool:
    """Every point is nearer its own group's centre than the other's."""
    centres = np.stack([coordinates[group == g].mean(axis=0) for g in (0, 1)])
    distances = np.linalg.norm(coordinates[:, None, :] - centres[None], axis=2)
    return bool((distances.argmin(axis=1) == group).all())


@pytest.mark.parametrize("dimensions", [2, 3])
def test_pca_maps_have_the_right_shape_and_keep_groups_apart(dimensions):
    features, group = two_groups()
    coordinates = embed(features, dimensions, method="pca")
    assert coordinates.shape == (200, dimensions) and coordinates.dtype == np.float32
    assert separated(coordinates, group)


@pytest.mark.parametrize("dims", [8, 40])  # 40 > PLACE_DIMENSIONS: neighbours found via PCA
def test_tracks_outside_the_fit_sample_land_beside_their_neighbours(dims):
    features, group = two_groups(600, dims=dims)
    coordinates = embed(features, 2, method="pca", fit_sample=100)
    assert np.isfinite(coordinates).all()
    assert separated(coordinates, group)
    # Same seed, same map.
    np.testing.assert_array_equal(coordinates, embed(features, 2, method="pca", fit_sample=100))


def test_place_by_neighbours_averages_the_nearest_reference_positions():
    reference = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]], dtype=np.float32)
    positions = np.array([[1.0, 1.0], [5.0, 5.0], [9.0, 9.0]], dtype=np.float32)
    placed = place_by_neighbours(reference, positions, np.array([[0.1, 0.0], [9.9, 0.0]]), k=1)
    np.testing.assert_allclose(placed, [[1.0, 1.0], [5.0, 5.0]])


def test_tiny_catalogues_fall_back_to_pca_without_importing_umap():
    features, _ = two_groups(20)
    already = "umap" in sys.modules
    coordinates = embed(features, 3, method="umap")
    assert coordinates.shape == (20, 3)
    assert already or "umap" not in sys.modules


@pytest.mark.slow
def test_umap_on_a_small_catalogue_separates_groups_and_places_the_rest():
    features, group = two_groups(300)
    coordinates = embed(features, 2, method="umap", fit_sample=200, n_neighbors=10)
    assert coordinates.shape == (300, 2) and np.isfinite(coordinates).all()
    assert separated(coordinates, group)

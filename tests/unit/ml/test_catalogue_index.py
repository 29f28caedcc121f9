"""The catalogue index's split product equals the plain dense product it replaces."""

from __future__ import annotations

import numpy as np
import pytest

from ml.catalogue_index import SplitProduct
from ml.listeners import unit_rows


def genre_like_matrix(rows: int = 500, dense: int = 12, genres: int = 40) -> np.ndarray:
    rng = np.random.default_rng(7)
    audio = rng.normal(size=(rows, dense))
    multi_hot = np.zeros((rows, genres))
    multi_hot[np.arange(rows), rng.integers(0, genres, rows)] = 1.5
    multi_hot[np.arange(rows), rng.integers(0, genres, rows)] = 1.0
    ratings = np.zeros((rows, 1))
    ratings[rng.integers(0, rows, 5)] = 0.5
    # Interleaved, as the featurizer's blocks may be: the split must not assume an order.
    return unit_rows(np.hstack([multi_hot[:, :20], audio, ratings, multi_hot[:, 20:]]))


def test_split_product_equals_the_dense_product() -> None:
    unit = genre_like_matrix()
    product = SplitProduct(unit)
    assert 0 < len(product.dense_columns) < unit.shape[1]
    assert len(product.sparse_columns) > 40  # the genre columns and the rating column
    taste = unit_rows(np.random.default_rng(1).normal(size=(1, unit.shape[1])))[0]
    np.testing.assert_allclose(product(taste), unit @ taste, rtol=1e-5, atol=1e-6)
    assert product(taste).dtype == np.float32


def test_weighted_sum_equals_the_dense_sum() -> None:
    unit = genre_like_matrix()
    weights = np.random.default_rng(2).random(len(unit)).astype(np.float32)
    np.testing.assert_allclose(
        SplitProduct(unit).weighted_sum(weights), weights @ unit, rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_catalogues(rows: int) -> None:
    unit = genre_like_matrix()[:rows]
    taste = np.ones(unit.shape[1], dtype=np.float32)
    np.testing.assert_allclose(SplitProduct(unit)(taste), unit @ taste, rtol=1e-5)

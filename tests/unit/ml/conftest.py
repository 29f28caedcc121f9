"""Fixtures for the ml tests; the builders themselves are plain modules next to this file."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from tests.unit.ml.synthetic_catalogue import build_catalogue


@pytest.fixture
def make_catalogue() -> Callable[..., pd.DataFrame]:
    return build_catalogue

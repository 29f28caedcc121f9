"""Fixtures for the importer tests: CSV writers, snapshots and a CLI runner per backend."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from db.models import Artist, Genre, Playlist, PlaylistItem, Track, TrackArtist, TrackGenre
from tests.integration.importers.catalogue_files import (
    KAGGLE_HEADER,
    TIDYTUESDAY_HEADER,
    catalogue_snapshot,
    count,
    kaggle_row,
    tidytuesday_row,
    write_csv,
)


@pytest.fixture
def tidytuesday_csv(tmp_path: Path) -> Callable[..., Path]:
    def make(rows: Sequence[dict] | None = None, name: str = "songs.csv") -> Path:
        if rows is None:
            rows = [tidytuesday_row(i, "pl1" if i < 4 else "pl2") for i in range(6)]
        return write_csv(tmp_path / name, TIDYTUESDAY_HEADER, rows)

    return make


@pytest.fixture
def kaggle_csv(tmp_path: Path) -> Callable[..., Path]:
    def make(rows: Sequence[dict] | None = None, name: str = "dataset.csv") -> Path:
        if rows is None:
            rows = [kaggle_row(i) for i in range(5)]
        return write_csv(tmp_path / name, KAGGLE_HEADER, rows)

    return make


@pytest.fixture
def tt_row() -> Callable[..., dict]:
    return tidytuesday_row


@pytest.fixture
def kg_row() -> Callable[..., dict]:
    return kaggle_row


@pytest.fixture
def snapshot() -> Callable[..., dict[str, list]]:
    return catalogue_snapshot


@pytest.fixture
def counts() -> Callable[..., dict[str, int]]:
    def table_counts(session) -> dict[str, int]:
        models = (Artist, Genre, Track, TrackArtist, TrackGenre, Playlist, PlaylistItem)
        return {model.__tablename__: count(session, model) for model in models}

    return table_counts


@pytest.fixture
def cli_app(any_database_url: str, tmp_path: Path):
    """A Mixmap server on a fresh database of each backend, for CLI tests."""
    from app import create_app
    from dashapp.config import Config
    from db.session import database

    server = create_app(Config.for_testing(any_database_url, tmp_path / "models"))
    yield server
    database.engine.dispose()

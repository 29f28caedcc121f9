"""`catalog demo` and `setup`: demo data lands in the database, once, on SQLite and PostgreSQL."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from dashapp.cli import setup as setup_cli
from dashapp.cli.catalog import catalog_group
from db.demo.catalogue import generate_catalogue
from db.demo.kaggle_csv import write_kaggle_csv
from db.demo.listeners import DEMO_LOGIN_EMAIL, DEMO_LOGIN_PASSWORD
from db.demo.load import CatalogueNotEmptyError, load_demo_data
from db.models import Artist, Ban, Interaction, Playlist, Track, User, UserPreference
from db.session import database

NOW = datetime(2026, 10, 1, tzinfo=UTC)


def counts(session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Track, Artist, Playlist, User, Interaction, Ban, UserPreference)
    }


def test_demo_data_is_written_in_one_go_and_not_twice(db):
    with db.session_scope() as session:
        summary = load_demo_data(session, n_tracks=500, n_listeners=20, seed=3, now=NOW)
    with db.session_scope() as session:
        written = counts(session)
        assert written["Track"] == summary.catalogue.tracks_inserted == 500
        assert written["User"] == written["UserPreference"] == 20
        assert written["Interaction"] == summary.listeners.interactions > 20 * 20
        assert written["Ban"] == summary.listeners.bans
        assert written["Playlist"] == summary.catalogue.playlists_inserted > 0
        demo = session.scalar(select(User).where(User.email == DEMO_LOGIN_EMAIL))
        assert demo.is_demo and check_password_hash(demo.password_hash, DEMO_LOGIN_PASSWORD)
        others = session.scalars(select(User).where(User.email != DEMO_LOGIN_EMAIL)).all()
        assert all(user.password_hash is None and user.is_demo for user in others)
        history = session.scalars(
            select(Interaction).where(Interaction.user_id == demo.id).order_by(Interaction.at)
        ).all()
        assert len(history) >= 100 and {e.kind.value for e in history} >= {"play", "like", "skip"}
        assert history[-1].at.replace(tzinfo=UTC) <= NOW
        assert demo.preferences is not None and demo.preferences.favourite_genres

    with db.session_scope() as session, pytest.raises(CatalogueNotEmptyError):
        load_demo_data(session, n_tracks=100, n_listeners=5, seed=3)
    with db.session_scope() as session:
        assert counts(session) == written


def test_replace_swaps_the_catalogue_and_keeps_real_accounts(db):
    with db.session_scope() as session:
        load_demo_data(session, n_tracks=300, n_listeners=8, seed=1, now=NOW)
        session.add(User(email="real@example.com", display_name="Real", password_hash="x"))
    with db.session_scope() as session:
        summary = load_demo_data(
            session, n_tracks=200, n_listeners=5, seed=2, replace=True, now=NOW
        )
        assert summary.replaced_tracks == 300
    with db.session_scope() as session:
        after = counts(session)
        assert after["Track"] == 200 and after["User"] == 5 + 1
        assert session.scalar(select(User.id).where(User.email == "real@example.com"))


@pytest.fixture
def cli_app(any_database_url, tmp_path):
    """A Mixmap server on a fresh database of each backend, for CLI runs."""
    from app import create_app
    from dashapp.config import Config

    server = create_app(Config.for_testing(any_database_url, tmp_path / "models"))
    yield server
    database.engine.dispose()


def track_total() -> int:
    with database.session_scope() as session:
        return session.scalar(select(func.count()).select_from(Track))


def test_catalog_demo_command_fills_an_empty_catalogue_and_then_refuses(cli_app):
    runner = cli_app.test_cli_runner()
    args = ["catalog", "demo", "--tracks", "300", "--listeners", "6", "--seed", "9"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "300 tracks" in result.output and DEMO_LOGIN_EMAIL in result.output
    assert track_total() == 300

    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "already holds 300 tracks" in again.output and "--replace" in again.output
    assert track_total() == 300

    replaced = runner.invoke(args=[*args[:3], "250", "--listeners", "4", "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "Removed the previous catalogue (300 tracks)" in replaced.output
    assert track_total() == 250


@pytest.fixture
def small_setup(monkeypatch):
    """`setup` with a small demo catalogue and a fake trainer that counts its runs."""
    monkeypatch.setattr(setup_cli, "DEFAULT_TRACKS", 300)
    monkeypatch.setattr(setup_cli, "DEFAULT_LISTENERS", 6)
    runs: list[Path] = []

    def train_from_database(model_dir: Path) -> None:
        runs.append(Path(model_dir))
        Path(model_dir).mkdir(parents=True, exist_ok=True)
        (Path(model_dir) / "trained").write_text("fake")

    fake = types.ModuleType(setup_cli.TRAINING_MODULE)
    fake.train_from_database = train_from_database  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, setup_cli.TRAINING_MODULE, fake)
    monkeypatch.setattr(
        setup_cli,
        "_model_state",
        lambda model_dir: "ok" if (model_dir / "trained").exists() else "missing",
    )
    return runs


def test_setup_migrates_loads_demo_data_trains_once_and_is_idempotent(cli_app, small_setup):
    runner = cli_app.test_cli_runner()
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "generating the demo catalogue" in first.output
    assert track_total() == 300 and len(small_setup) == 1

    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output and "ready" in second.output
    assert track_total() == 300 and len(small_setup) == 1


def test_setup_skips_training_with_a_message_when_it_is_not_available(
    cli_app, small_setup, monkeypatch
):
    # None in sys.modules makes the import fail as if the module did not exist.
    monkeypatch.setitem(sys.modules, setup_cli.TRAINING_MODULE, None)
    result = cli_app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "model training not available yet — skipping" in result.output
    assert not small_setup


def test_setup_with_a_catalog_imports_it_instead_of_demo_data(cli_app, small_setup, tmp_path):
    path = tmp_path / "tracks.csv"
    write_kaggle_csv(generate_catalogue(120, seed=4), path)
    result = cli_app.test_cli_runner().invoke(args=["setup", "--catalog", str(path)])
    if "import" not in catalog_group.commands:  # before the importer lands: a clear refusal
        assert result.exit_code != 0 and "catalogue import is not available" in result.output
        return
    assert result.exit_code == 0, result.output
    assert track_total() == 120
    with database.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0  # no demo listeners


def test_no_active_version_in_the_registry_counts_as_no_model(db, tmp_path):
    # The model folder is only a cache: files in it do not make a model serve.
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "LATEST").write_text("20260101T000000Z-abc\n")
    assert setup_cli._model_state(tmp_path / "models") == "missing"

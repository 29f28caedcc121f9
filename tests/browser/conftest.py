"""Browser journeys: one small trained Mixmap per session, driven by dash[testing] in Chromium.

The app is built once (SQLite in a temp folder, a small demo catalogue with listeners from
``db.demo``, a model trained by the training service) because training is the slow part; each test
registers its own user, so tests do not see each other's feedback. Chromium runs headless by
default (``make test`` passes no flags); Debian's chromium is found on PATH.
"""

from __future__ import annotations

import importlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from db import migrate
from db.session import create_db_engine, database

DEMO_TRACKS = 600
DEMO_LISTENERS = 40


def pytest_configure(config: pytest.Config) -> None:
    # dash[testing] opens a visible window unless --headless; CI and `make test` have no display.
    config.option.headless = True
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium and "DASH_TEST_CHROMEPATH" not in os.environ:
        os.environ["DASH_TEST_CHROMEPATH"] = chromium


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def _train(model_dir: Path) -> None:
    """Train with the training service; fail loudly (never skip) when it is not there."""
    try:
        training = importlib.import_module("dashapp.services.training")
    except ModuleNotFoundError as error:
        if error.name != "dashapp.services.training":
            raise
        pytest.fail(
            "browser tests need a trained model, but dashapp/services/training.py "
            "(train_from_database) does not exist in this checkout"
        )
    from ml.training import TrainParams

    # PCA instead of UMAP and a fixed cluster count: the journeys test the app, not the maps,
    # and UMAP's JIT compilation alone would cost minutes.
    training.train_from_database(model_dir, params=TrainParams(embedding="pca", n_clusters=8))


@dataclass(frozen=True)
class TrainedApp:
    server: Flask
    database_url: str
    model_dir: Path

    @property
    def dash(self):
        return self.server.extensions["dash"]

    def activate(self) -> None:
        """Point the process-wide database and model store back at this app.

        Other tests in the same session configure their own databases; the browser tests run
        against this one, so each test re-points the globals first.
        """
        database.configure(self.database_url)
        from dashapp.services import model_store

        model_store.configure(self.model_dir, self.server.config["MODEL_RELOAD_SECONDS"])


@pytest.fixture(scope="session")
def trained_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrainedApp]:
    from app import create_app
    from dashapp.config import Config
    from db.demo.load import load_demo_data

    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / f'mixmap-{uuid.uuid4().hex[:8]}.db'}"
    engine = create_db_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    database.configure(url)
    with database.session_scope() as session:
        load_demo_data(session, n_tracks=DEMO_TRACKS, n_listeners=DEMO_LISTENERS)
    model_dir = folder / "models"
    with create_app(Config.for_testing(url, model_dir)).app_context():
        _train(model_dir)
    config = Config.for_testing(url, model_dir)
    config.WTF_CSRF_ENABLED = True  # the journeys post the real forms, tokens and all
    # Every test signs up its own user from 127.0.0.1 against this one app: the per-address
    # limits (10 sign-ups an hour) would refuse the eleventh. The limits have their own tests
    # (tests/integration/security).
    config.REGISTER_LIMIT_IP = "1000 per hour"
    config.LOGIN_LIMIT_IP = "1000 per 15 minutes"
    server = create_app(config)
    trained = TrainedApp(server, url, model_dir)
    trained.activate()
    from dashapp.services import model_store

    if model_store.current() is None:
        pytest.fail(f"training finished but no model could be loaded from {model_dir}")
    yield trained
    database.engine.dispose()


@pytest.fixture
def mixmap(trained_app: TrainedApp, dash_duo):
    """dash_duo with the trained app running; ``mixmap.url`` is its base URL."""
    trained_app.activate()
    # navigate=False: "/" redirects a new browser to the Jinja login page, not a Dash page.
    dash_duo.start_server(trained_app.dash, navigate=False)
    dash_duo.url = dash_duo.server.url.rstrip("/")
    # A desktop-sized window: the default headless one is smaller than a phone in landscape.
    dash_duo.driver.set_window_size(1280, 1000)
    return dash_duo

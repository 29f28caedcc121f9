"""The model the web process serves: loaded once, swapped when a newer one is trained.

``init_app(server)`` loads the version LATEST points at (in gunicorn's master when the app is
preloaded, so forked workers share its pages). Each process then checks LATEST every
``MODEL_RELOAD_SECONDS`` on a daemon thread (started lazily in the process that serves, because a
thread started before ``fork`` does not survive into the workers) and, when it names another
version, loads it beside the old one and swaps one reference: a request sees the old model or the
new one, never a mix. ``MODEL_RELOAD_SECONDS = 0`` (tests) checks on every ``current()`` call
instead; reading LATEST is one small file read.

Nothing here trains or imports umap; a broken or incompatible bundle is logged and the model that
was being served stays.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask

from ml.artifact import IncompatibleModelError, ModelBundle, latest_version, load_bundle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModel:
    bundle: ModelBundle
    recommender: Any  # ml.recommender.Recommender
    version: str
    created_at: datetime
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def build_loaded_model(bundle: ModelBundle) -> LoadedModel:
    from ml.recommender import Recommender  # imported here: the store must load without it

    return LoadedModel(bundle, Recommender.from_bundle(bundle), bundle.version, bundle.created_at)


class ModelStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: LoadedModel | None = None
        self._model_dir: Path | None = None
        self._interval = 30.0
        self._failed_version: str | None = None  # don't retry a broken bundle every tick
        self._watcher: threading.Thread | None = None
        self._watcher_pid: int | None = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------ setup
    def init_app(self, server: Flask) -> None:
        """Serve models from ``server.config["MODEL_DIR"]``; load the newest one now."""
        self.configure(
            server.config["MODEL_DIR"], float(server.config.get("MODEL_RELOAD_SECONDS", 30.0))
        )
        server.extensions["model_store"] = self

    def configure(self, model_dir: str | os.PathLike[str], reload_seconds: float = 30.0) -> None:
        self.stop()
        with self._lock:
            self._model_dir = Path(model_dir)
            self._interval = max(0.0, reload_seconds)
            self._current = None
            self._failed_version = None
        self.refresh()

    def stop(self) -> None:
        """Stop this process's watcher thread (tests; re-configuration)."""
        self._stop.set()
        if self._watcher is not None and self._watcher_pid == os.getpid():
            self._watcher.join(timeout=5)
        self._watcher = None
        self._watcher_pid = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------ serving
    def current(self) -> LoadedModel | None:
        """The model to serve now, or None when none has been trained (or none loads)."""
        if self._model_dir is None:
            return None
        if self._interval == 0:
            self.refresh()
        else:
            self._ensure_watcher()
        return self._current

    def refresh(self) -> bool:
        """Load LATEST if it names another version than the one served; True when swapped."""
        directory = self._model_dir
        if directory is None:
            return False
        wanted = latest_version(directory)
        current = self._current
        if wanted is None or (current is not None and current.version == wanted):
            return False
        if wanted == self._failed_version:
            return False
        try:
            loaded = build_loaded_model(load_bundle(directory, wanted))
        except (FileNotFoundError, IncompatibleModelError) as error:
            log.error("model %s in %s not loaded: %s", wanted, directory, error)
            self._failed_version = wanted
            return False
        except Exception:
            log.exception("model %s in %s failed to load", wanted, directory)
            self._failed_version = wanted
            return False
        with self._lock:
            if self._model_dir != directory:  # re-configured while we were loading
                return False
            self._current = loaded
            self._failed_version = None
        log.info("serving model %s (%d tracks)", loaded.version, loaded.bundle.n_tracks)
        return True

    # ------------------------------------------------------------------ background
    def _ensure_watcher(self) -> None:
        if self._watcher_pid == os.getpid() and self._watcher is not None:
            return
        with self._lock:
            if self._watcher_pid == os.getpid() and self._watcher is not None:
                return
            stop = self._stop = threading.Event()
            self._watcher = threading.Thread(
                target=self._watch, args=(stop,), name="model-store-reload", daemon=True
            )
            self._watcher_pid = os.getpid()
            self._watcher.start()

    def _watch(self, stop: threading.Event) -> None:
        while not stop.wait(self._interval):
            try:
                self.refresh()
            except Exception:  # the watcher must outlive any one bad check
                log.exception("model reload check failed")


store = ModelStore()


def init_app(server: Flask) -> None:
    store.init_app(server)


def current() -> LoadedModel | None:
    return store.current()

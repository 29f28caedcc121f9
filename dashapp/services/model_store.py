"""The model the web process serves: the registry's active version, swapped when it changes.

One way to reach it: ``current()`` returns the ``LoadedModel`` to serve now, or None while no
version is active. Data derived from a model (the catalogue indexed by track id, the map's
arrays) is memoised on that ``LoadedModel`` with ``derived(build)``: built on first use, shared by
every request, and dropped with the version it came from, so no service keeps a cache of its own.

``configure(cache_dir, reload_seconds)`` (``create_app`` calls it) loads the active version (in
gunicorn's master when the app is preloaded, so forked workers share its pages). Each process then
asks the database for the active version's (version, sha256) every ``reload_seconds`` on a daemon
thread (started lazily in the process that serves, because a thread started before ``fork`` does
not survive into the workers) and, when it names another version, loads it beside the old one and
swaps one reference: a request sees the old model or the new one, never a mix. ``reload_seconds =
0`` (tests) checks on every ``current()`` call instead; the check is one indexed single-row query.

Bytes come from the database (or from ``cache_dir``, a cache checked against the recorded sha256).
A corrupt blob or one written by other library versions is refused and logged, and the model that
was being served stays. Nothing here trains or imports umap, and nothing here needs Flask.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from dashapp.services import model_registry
from ml.artifact import IncompatibleModelError, ModelBundle
from ml.recommender import Recommender

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """One served version: its bundle, its recommender, and what was derived from them."""

    bundle: ModelBundle
    recommender: Recommender
    version: str
    created_at: datetime
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    _derived: dict[Callable[..., Any], Any] = field(default_factory=dict, init=False, repr=False)
    # Re-entrant: one derived value may be built from another.
    _derived_lock: Any = field(default_factory=threading.RLock, init=False, repr=False)

    def derived(self, build: Callable[[LoadedModel], T]) -> T:
        """``build(self)``, computed once for this version (per process) and kept while it lives.

        ``build`` is the key, so pass a module-level function, not a fresh lambda.

        Built on first use rather than at load: a boot pays only for the recommender, and a
        process that never draws a map never builds the map's arrays (~0.2 s and ~25 MB at 114k
        tracks, docs/SCALING.md).
        """
        try:
            return self._derived[build]
        except KeyError:
            pass
        with self._derived_lock:
            if build not in self._derived:
                self._derived[build] = build(self)
            return self._derived[build]

    @property
    def catalogue(self) -> pd.DataFrame:
        """The bundle's track table indexed by track id (the column is kept)."""
        return self.derived(_index_catalogue)


def _index_catalogue(loaded: LoadedModel) -> pd.DataFrame:
    return loaded.bundle.tracks.set_index("track_id", drop=False)


def build_loaded_model(bundle: ModelBundle) -> LoadedModel:
    return LoadedModel(bundle, Recommender.from_bundle(bundle), bundle.version, bundle.created_at)


class ModelStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: LoadedModel | None = None
        self._cache_dir: Path | None = None
        self._configured = False
        self._interval = 30.0
        self._failed: tuple[str, str | None] | None = None  # don't retry a broken blob every tick
        self._watcher: threading.Thread | None = None
        self._watcher_pid: int | None = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------ setup
    def configure(self, cache_dir: str | os.PathLike[str], reload_seconds: float = 30.0) -> None:
        """Serve the registry's active model, caching blobs in ``cache_dir``; load it now."""
        self.stop()
        with self._lock:
            self._cache_dir = Path(cache_dir)
            self._configured = True
            self._interval = max(0.0, reload_seconds)
            self._current = None
            self._failed = None
        try:
            self.refresh()
        except Exception as error:  # a database not migrated yet (`flask db upgrade`) must not
            # stop the app booting; the watcher tries again every interval
            log.warning("no model loaded at start: %s", str(error).splitlines()[0])

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
        """The model to serve now, or None when none is active (or none loads)."""
        if not self._configured:
            return None
        if self._interval == 0:
            try:
                self.refresh()
            except Exception:  # an unreachable database keeps the model that serves
                log.exception("model reload check failed")
        else:
            self._ensure_watcher()
        return self._current

    def refresh(self) -> bool:
        """Load the active version if it is not the one served; True when swapped."""
        if not self._configured:
            return False
        cache_dir = self._cache_dir
        pointer = model_registry.active_pointer()
        current = self._current
        if pointer is None or (current is not None and current.version == pointer[0]):
            return False
        if pointer == self._failed:
            return False
        version = pointer[0]
        try:
            loaded = build_loaded_model(model_registry.load(version, cache_dir))
        except (IncompatibleModelError, model_registry.RegistryError) as error:
            log.error("model %s refused, still serving %s: %s", version, _name(current), error)
            self._failed = pointer
            return False
        except Exception:
            log.exception("model %s failed to load, still serving %s", version, _name(current))
            self._failed = pointer
            return False
        with self._lock:
            if self._cache_dir != cache_dir:  # re-configured while we were loading
                return False
            self._current = loaded
            self._failed = None
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


def _name(loaded: LoadedModel | None) -> str:
    return loaded.version if loaded else "no model"


store = ModelStore()


def configure(cache_dir: str | os.PathLike[str], reload_seconds: float = 30.0) -> None:
    """Point this process's store at its blob cache and load the active version now."""
    store.configure(cache_dir, reload_seconds)


def current() -> LoadedModel | None:
    """The model this process serves now, or None while no version is active (or none loads)."""
    return store.current()

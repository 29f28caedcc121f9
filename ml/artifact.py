"""The trained model as one file on disk: what training writes and the web process loads.

Layout of a model directory::

    <model_dir>/<version>.joblib   the pickled ``ModelBundle`` (joblib; numpy arrays stored raw)
    <model_dir>/<version>.json     small metadata sidecar: format version, created time, library
                                   versions, data hash, track count, metrics
    <model_dir>/LATEST             the version the app should serve (one line)

Every file is written to a temporary name in the same directory and moved into place with
``os.replace`` (atomic on POSIX and Windows within one file system), and LATEST is replaced
last, so a reader sees either the old model or the new one, never half of one.

The sidecar is read *before* unpickling so an incompatible bundle is refused with a clear message
instead of failing somewhere inside pickle with a missing attribute. Loading never imports umap:
the bundle holds UMAP *coordinates*, not the UMAP model.

joblib writes the bundle (arrays stored raw, zlib level 3), but the track table and the listener
model travel inside it as C-pickled bytes (``ModelBundle.__getstate__``): joblib unpickles with
Python's pure-Python ``pickle._Unpickler`` so that it can read its own array wrappers, and the
114k-track catalogue is ~450k short strings, so letting joblib walk them cost 0.79 s of a 0.9 s
load; as one bytes field each, the whole load takes ~0.3 s (docs/SCALING.md). Bundles written
before this unpickle unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import pickle
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
import pandas as pd
from scipy import sparse

from ml.library_versions import library_mismatches, library_versions
from music.schema import CATALOGUE_COLUMNS

if TYPE_CHECKING:  # the bundle only carries these; importing them here would couple the modules
    from ml.cluster_cards import ClusterAtlas
    from ml.features import TrackFeaturizer
    from ml.listeners import ListenerModel

log = logging.getLogger(__name__)

# Bump when a field is added, removed or changes meaning; old bundles are refused, not guessed.
FORMAT_VERSION = 1
LATEST_FILE = "LATEST"
BUNDLE_SUFFIX = ".joblib"
META_SUFFIX = ".json"
# Columns a bundle's track table carries on top of the catalogue columns.
MODEL_COLUMNS: tuple[str, ...] = ("cluster", "moods", "x2", "y2", "x3", "y3", "z3")
COORDINATE_COLUMNS: tuple[str, ...] = ("x2", "y2", "x3", "y3", "z3")
# Versions become file names: keep them to a safe alphabet.
_VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class IncompatibleModelError(RuntimeError):
    """The bundle on disk was written by an incompatible format or is internally inconsistent."""


# Fields made of many small Python objects, which joblib's pure-Python unpickler is slow to walk.
_PREPICKLED_FIELDS = ("tracks", "listeners")


@dataclass
class ModelBundle:
    """Everything the app needs to recommend, explain and draw maps, row-aligned by track.

    Row ``i`` of ``tracks`` is row ``i`` of ``features`` (and of ``cooccurrence``, and the track
    ``listeners`` scores at position ``i``).
    """

    format_version: int
    version: str
    created_at: datetime  # UTC
    tracks: pd.DataFrame  # CATALOGUE_COLUMNS + MODEL_COLUMNS
    featurizer: TrackFeaturizer
    features: np.ndarray  # float32 (n_tracks, n_features), the recommendation space
    cluster_names: list[str]
    cluster_centroids: np.ndarray  # (n_clusters, n_features), in the recommendation space
    listeners: ListenerModel | None = None
    cooccurrence: sparse.csr_matrix | None = None  # track x track, from curated playlists
    metrics: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    data_hash: str = ""
    interactions_until_id: int = 0
    # Families, cluster cards (ml.cluster_cards.ClusterAtlas); None in bundles from before them.
    atlas: ClusterAtlas | None = None
    # The scoring settings served per context, with their sources (ml.scoring_settings). None
    # (bundles trained before issue #11, which unpickle with the class default): defaults.
    scoring: dict[str, Any] | None = None

    @property
    def n_tracks(self) -> int:
        return len(self.tracks)

    def __copy__(self) -> ModelBundle:
        # copy.copy would otherwise go through __getstate__ and pickle the track table.
        clone = object.__new__(ModelBundle)
        clone.__dict__.update(self.__dict__)
        return clone

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in _PREPICKLED_FIELDS:
            state[name] = pickle.dumps(state[name], protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in _PREPICKLED_FIELDS:
            if isinstance(state.get(name), bytes):  # absent or an object: an older bundle
                state[name] = pickle.loads(state[name])
        self.__dict__.update(state)


def new_version(created_at: datetime, data_hash: str) -> str:
    """A sortable, file-name-safe version id: ``20261128T041500Z-<first 8 of the data hash>``."""
    stamp = created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = re.sub(r"[^A-Za-z0-9]", "", data_hash)[:8] or "nodata"
    return f"{stamp}-{suffix}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bundle_to_bytes(bundle: ModelBundle) -> bytes:
    """The bundle as the bytes the registry stores (joblib, zlib level 3 like the files)."""
    validate_bundle(bundle)
    buffer = io.BytesIO()
    joblib.dump(bundle, buffer, compress=3)
    return buffer.getvalue()


def bundle_from_bytes(
    data: bytes, *, sha256: str, version: str, libraries: dict[str, str] | None
) -> ModelBundle:
    """Unpickle registry bytes, but only after they prove to be what we stored.

    The sha256 is checked first (a corrupt or swapped blob is refused before pickle runs any of
    it), then the library versions the blob was written with; both raise
    ``IncompatibleModelError``.
    """
    actual = sha256_hex(data)
    if actual != sha256:
        raise IncompatibleModelError(
            f"model {version} is corrupt: sha256 {actual[:12]}… is not the recorded {sha256[:12]}…"
        )
    mismatches = library_mismatches(libraries)
    if mismatches:
        raise IncompatibleModelError(
            f"model {version} was written by other library versions: {', '.join(mismatches)}; "
            "retrain it with this deployment (`flask --app app ml retrain`)"
        )
    try:
        bundle = joblib.load(io.BytesIO(data))
    except Exception as error:
        raise IncompatibleModelError(f"model {version} could not be unpickled: {error}") from error
    if not isinstance(bundle, ModelBundle):
        raise IncompatibleModelError(f"model {version} holds a {type(bundle).__name__}")
    if bundle.version != version:
        raise IncompatibleModelError(f"blob holds version {bundle.version}, expected {version}")
    return validate_bundle(bundle)


def validate_bundle(bundle: ModelBundle) -> ModelBundle:
    """Check shapes, alignment and required columns; raise ``IncompatibleModelError`` if broken."""
    problems: list[str] = []
    if bundle.format_version != FORMAT_VERSION:
        problems.append(f"format_version {bundle.format_version} != {FORMAT_VERSION}")
    if not _VERSION_PATTERN.match(str(bundle.version)):
        problems.append(f"version {bundle.version!r} is not a safe file name")
    if bundle.created_at.tzinfo is None:
        problems.append("created_at has no time zone (must be UTC)")
    tracks = bundle.tracks
    missing = [c for c in (*CATALOGUE_COLUMNS, *MODEL_COLUMNS) if c not in tracks.columns]
    if missing:
        problems.append(f"tracks are missing columns: {', '.join(missing)}")
    n = len(tracks)
    features = bundle.features
    if not isinstance(features, np.ndarray) or features.ndim != 2:
        problems.append("features is not a 2-D array")
    else:
        if features.shape[0] != n:
            problems.append(f"features has {features.shape[0]} rows for {n} tracks")
        if features.dtype != np.float32:
            problems.append(f"features dtype is {features.dtype}, expected float32")
        n_out = getattr(bundle.featurizer, "n_features_out_", features.shape[1])
        if n_out != features.shape[1]:
            problems.append(f"featurizer makes {n_out} columns, features has {features.shape[1]}")
        centroids = np.asarray(bundle.cluster_centroids)
        if centroids.ndim != 2 or centroids.shape[1] != features.shape[1]:
            problems.append(f"cluster_centroids shape {centroids.shape} does not match features")
        elif centroids.shape[0] != len(bundle.cluster_names):
            problems.append(
                f"{centroids.shape[0]} centroids for {len(bundle.cluster_names)} cluster names"
            )
    if "track_id" in tracks.columns and tracks["track_id"].duplicated().any():
        problems.append("tracks have duplicate track_id values")
    if "cluster" in tracks.columns and n:
        labels = tracks["cluster"].to_numpy()
        # -1 is density clustering's "noise" label.
        if labels.min() < -1 or labels.max() >= len(bundle.cluster_names):
            problems.append("track cluster labels fall outside the named clusters")
    if bundle.cooccurrence is not None and bundle.cooccurrence.shape != (n, n):
        problems.append(f"cooccurrence shape {bundle.cooccurrence.shape} is not ({n}, {n})")
    if bundle.listeners is not None:
        listener_tracks = getattr(bundle.listeners, "track_index_", None)
        if listener_tracks is not None and (
            len(listener_tracks) != n
            or (
                "track_id" in tracks.columns
                and not listener_tracks.equals(pd.Index(tracks["track_id"].astype(object)))
            )
        ):
            problems.append("listener model is not aligned with the track table")
    atlas = getattr(bundle, "atlas", None)
    if atlas is not None and len(atlas.cards) != len(bundle.cluster_names):
        problems.append(f"{len(atlas.cards)} cluster cards for {len(bundle.cluster_names)} names")
    if problems:
        raise IncompatibleModelError(
            f"model bundle {bundle.version!r} is unusable: " + "; ".join(problems)
        )
    return bundle


def save_bundle(
    bundle: ModelBundle, model_dir: str | os.PathLike[str], *, update_latest: bool = True
) -> Path:
    """Write ``bundle`` atomically into ``model_dir``, point LATEST at it, return its path."""
    validate_bundle(bundle)
    directory = Path(model_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{bundle.version}{BUNDLE_SUFFIX}"
    _write_atomically(path, lambda handle: joblib.dump(bundle, handle, compress=3))
    meta = {
        "format_version": bundle.format_version,
        "version": bundle.version,
        "created_at": bundle.created_at.astimezone(UTC).isoformat(),
        "data_hash": bundle.data_hash,
        "track_count": bundle.n_tracks,
        "feature_count": int(bundle.features.shape[1]),
        "cluster_count": len(bundle.cluster_names),
        "interactions_until_id": int(bundle.interactions_until_id),
        "libraries": library_versions(),
        "metrics": bundle.metrics,
    }
    meta_text = json.dumps(meta, indent=2, default=_json_default, sort_keys=True).encode()
    _write_atomically(directory / f"{bundle.version}{META_SUFFIX}", lambda h: h.write(meta_text))
    if update_latest:
        _write_atomically(
            directory / LATEST_FILE, lambda h: h.write(f"{bundle.version}\n".encode())
        )
    return path


def latest_version(model_dir: str | os.PathLike[str]) -> str | None:
    """The version LATEST points at, or None when nothing has been trained yet (cheap: one read)."""
    try:
        text = (Path(model_dir) / LATEST_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    return text or None


def read_metadata(model_dir: str | os.PathLike[str], version: str) -> dict[str, Any]:
    path = Path(model_dir) / f"{version}{META_SUFFIX}"
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise IncompatibleModelError(
            f"model metadata {path.name} is not valid JSON: {error}"
        ) from None


def available_versions(model_dir: str | os.PathLike[str]) -> list[str]:
    """Versions with both files present, oldest first (versions sort by creation time)."""
    directory = Path(model_dir)
    if not directory.is_dir():
        return []
    return sorted(
        p.name.removesuffix(BUNDLE_SUFFIX)
        for p in directory.glob(f"*{BUNDLE_SUFFIX}")
        if (directory / f"{p.name.removesuffix(BUNDLE_SUFFIX)}{META_SUFFIX}").exists()
    )


def load_bundle(model_dir: str | os.PathLike[str], version: str | None = None) -> ModelBundle:
    """Load ``version`` (default: LATEST) from ``model_dir``.

    Raises ``FileNotFoundError`` when there is no such model and ``IncompatibleModelError`` when the
    files exist but were written by another format version or fail validation.
    """
    directory = Path(model_dir)
    if version is None:
        version = latest_version(directory)
        if version is None:
            raise FileNotFoundError(
                f"no trained model in {directory} (no {LATEST_FILE} file); run `flask ml train`"
            )
    if not _VERSION_PATTERN.match(version):
        raise IncompatibleModelError(f"model version {version!r} is not a valid version id")
    path = directory / f"{version}{BUNDLE_SUFFIX}"
    if not path.exists():
        raise FileNotFoundError(f"model {version} not found in {directory}")
    meta = read_metadata(directory, version)
    if meta.get("format_version") != FORMAT_VERSION:
        raise IncompatibleModelError(
            f"model {version} has format version {meta.get('format_version')}, this code reads "
            f"{FORMAT_VERSION}; retrain with `flask ml train`"
        )
    current = library_versions()
    for name, saved in (meta.get("libraries") or {}).items():
        if current.get(name) not in (None, saved):
            log.warning(
                "model %s was saved with %s %s, running %s", version, name, saved, current[name]
            )
    try:
        bundle = joblib.load(path)
    except Exception as error:  # a truncated or foreign file: say which, keep the cause
        raise IncompatibleModelError(f"model {version} could not be unpickled: {error}") from error
    if not isinstance(bundle, ModelBundle):
        raise IncompatibleModelError(
            f"{path.name} holds a {type(bundle).__name__}, not a ModelBundle"
        )
    if bundle.version != version:
        raise IncompatibleModelError(
            f"{path.name} holds version {bundle.version}, expected {version}"
        )
    return validate_bundle(bundle)


def prune_versions(model_dir: str | os.PathLike[str], keep: int = 3) -> list[str]:
    """Delete all but the newest ``keep`` versions (never LATEST's); return the removed ones."""
    directory = Path(model_dir)
    latest = latest_version(directory)
    versions = available_versions(directory)
    removable = [v for v in versions[: max(len(versions) - keep, 0)] if v != latest]
    for version in removable:
        for suffix in (BUNDLE_SUFFIX, META_SUFFIX):
            (directory / f"{version}{suffix}").unlink(missing_ok=True)
    return removable


def _write_atomically(path: Path, write: Callable[[Any], object]) -> None:
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)

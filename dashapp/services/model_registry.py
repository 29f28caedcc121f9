"""The model registry as the app uses it: publish a trained bundle, activate, roll back, list, load.

The database holds every version's artifact bytes (SQLite for ``make run``, PostgreSQL on a
platform), so a web dyno with an empty disk can serve what the worker trained. The model folder is
a cache of those bytes named by their sha256: a cached file is used only when its bytes hash to the
recorded sha256, so nothing a user could write there is ever unpickled.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from db.models import ModelVersion
from db.queries import model_versions, training_runs
from db.session import session_scope
from ml.artifact import (
    ModelBundle,
    bundle_from_bytes,
    bundle_to_bytes,
    sha256_hex,
)
from ml.library_versions import library_mismatches, library_versions

log = logging.getLogger(__name__)

CACHE_SUFFIX = ".joblib"
# Blobs a process keeps in its cache (newest first); the database keeps every version anyway.
CACHE_KEEP = 3


class RegistryError(RuntimeError):
    """An operator's request the registry cannot honour; the message says why."""


@dataclass(frozen=True)
class VersionInfo:
    version: str
    status: str
    status_reason: str | None
    created_at: datetime
    activated_at: datetime | None
    track_count: int
    size_bytes: int | None
    sha256: str | None
    libraries: dict[str, Any]
    metrics: dict[str, Any]
    gate: dict[str, Any]
    diff: dict[str, Any]


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _info(row: ModelVersion) -> VersionInfo:
    return VersionInfo(
        version=row.version,
        status=row.status,
        status_reason=row.status_reason,
        created_at=_utc(row.created_at),  # type: ignore[arg-type]
        activated_at=_utc(row.activated_at),
        track_count=row.track_count,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        libraries=dict(row.libraries or {}),
        metrics=dict(row.metrics or {}),
        gate=dict(row.gate or {}),
        diff=dict(row.diff or {}),
    )


def publish(
    bundle: ModelBundle, metrics: dict[str, Any], params: dict[str, Any], cache_dir: Path | None
) -> VersionInfo:
    """Store ``bundle`` as a ``candidate`` with its bytes, sha256 and library versions."""
    data = bundle_to_bytes(bundle)
    digest = sha256_hex(data)
    if cache_dir is not None:
        _write_cache(Path(cache_dir), digest, data)
    with session_scope() as session:
        row = ModelVersion(
            version=bundle.version,
            created_at=bundle.created_at,
            artifact_path=f"{digest}{CACHE_SUFFIX}",
            data_hash=bundle.data_hash,
            track_count=bundle.n_tracks,
            interactions_until_id=int(bundle.interactions_until_id),
            metrics=metrics,
            params=params,
            status="candidate",
            artifact=data,
            sha256=digest,
            size_bytes=len(data),
            libraries=library_versions(),
        )
        session.add(row)
        session.flush()
        return _info(row)


def record_gate(
    version: str, gate: dict[str, Any], diff: dict[str, Any] | None, activate_it: bool, reason: str
) -> None:
    """Store the gate's report and act on it in one transaction: activate, or reject."""
    with session_scope() as session:
        row = model_versions.by_version(session, version)
        if row is None:
            raise RegistryError(f"no model version {version}")
        row.gate, row.diff, row.status_reason = gate, diff, reason
        session.flush()
        if activate_it:
            model_versions.activate(session, version)
        else:
            model_versions.set_status(session, version, "rejected", reason)


def activate(version: str, reason: str) -> VersionInfo:
    """Make ``version`` the one every web process serves (one transaction)."""
    with session_scope() as session:
        row = model_versions.by_version(session, version)
        if row is None:
            raise RegistryError(f"no model version {version!r}; see `flask --app app ml versions`")
        if row.sha256 is None:
            raise RegistryError(f"{version} has no stored artifact (recorded before the registry)")
        mismatches = library_mismatches(row.libraries)
        if mismatches:
            raise RegistryError(
                f"{version} was written by other library versions ({', '.join(mismatches)})"
            )
        model_versions.activate(session, version)
        row.status_reason = reason
        session.flush()
        session.refresh(row)
        return _info(row)


def rollback(version: str | None = None) -> VersionInfo:
    """Serve ``version``, or by default the version that served before the active one."""
    with session_scope() as session:
        current = model_versions.active(session)
        if version is None:
            target = model_versions.previous_active(
                session, current.activated_at if current else None
            )
            if target is None:
                raise RegistryError("no earlier version to roll back to")
            version = target.version
        elif current is not None and current.version == version:
            raise RegistryError(f"{version} is already active")
    previous = current.version if current else "none"
    return activate(version, f"rollback from {previous}")


def versions(limit: int = 50) -> list[VersionInfo]:
    with session_scope() as session:
        return [_info(row) for row in model_versions.newest_first(session, limit)]


def active_version() -> VersionInfo | None:
    with session_scope() as session:
        row = model_versions.active(session)
        return _info(row) if row is not None else None


def active_pointer() -> tuple[str, str | None] | None:
    with session_scope() as session:
        return model_versions.active_pointer(session)


def load(version: str, cache_dir: Path | None) -> ModelBundle:
    """The bundle of ``version``: from the cache when its bytes check out, else from the database.

    Raises ``IncompatibleModelError`` for a corrupt blob or other library versions, and
    ``RegistryError`` when there is no such version or it has no bytes.
    """
    with session_scope() as session:
        row = model_versions.by_version(session, version)
        if row is None or row.sha256 is None:
            raise RegistryError(f"model {version} has no stored artifact")
        digest, libraries = row.sha256, dict(row.libraries or {})
    data = _read_cache(cache_dir, digest) if cache_dir is not None else None
    if data is None:
        with session_scope() as session:
            row = model_versions.artifact(session, version)
            data = row.artifact if row is not None else None
        if data is None:
            raise RegistryError(f"model {version} has no stored artifact")
        data = bytes(data)
        if cache_dir is not None and sha256_hex(data) == digest:
            _write_cache(Path(cache_dir), digest, data)
    return bundle_from_bytes(data, sha256=digest, version=version, libraries=libraries)


def _read_cache(cache_dir: Path, digest: str) -> bytes | None:
    path = Path(cache_dir) / f"{digest}{CACHE_SUFFIX}"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if sha256_hex(data) != digest:  # tampered or torn: ignore it, the database has the truth
        log.warning("model cache file %s does not match its sha256; ignoring it", path.name)
        return None
    return data


def _write_cache(cache_dir: Path, digest: str, data: bytes) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=cache_dir, prefix=".blob.", suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, cache_dir / f"{digest}{CACHE_SUFFIX}")
        cached = sorted(
            cache_dir.glob(f"*{CACHE_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for stale in cached[CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError as error:  # a read-only or full disk only costs the next boot a download
        log.warning("model cache not written in %s: %s", cache_dir, error)


def queue_retrain(user_id: int | None, trigger: str = "admin") -> bool:
    """Ask the worker for a retrain (a ``training_runs`` row); False when one already waits.

    The web process only writes the request: training happens in the worker.
    """
    try:
        with session_scope() as session:
            training_runs.request(session, trigger, user_id)
    except IntegrityError:
        return False
    return True

"""What the Admin page shows and does: versions and their gate metrics, the stored diff between
two versions, retrain requests and their progress, rollback, accounts.

Every action takes the acting user's id and checks in the database that they are an admin (the
page checks too; a Dash callback can be posted by anyone holding a session). Nothing here trains
or compares models: the worker did that at gate time and stored the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from dashapp.services import model_registry
from db.models import Interaction, User, as_utc
from db.queries import training_runs
from db.session import session_scope

MAX_USERS_SHOWN = 200
MAX_VERSIONS_SHOWN = 100


class AdminError(RuntimeError):
    """An admin action that cannot be done; the message says why."""


def _require_admin(user_id: int) -> None:
    with session_scope() as session:
        if not session.scalar(select(User.is_admin).where(User.id == user_id)):
            raise AdminError("Only administrators can do this.")


@dataclass(frozen=True)
class VersionRow:
    version: str
    status: str
    reason: str
    created_at: datetime
    activated_at: datetime | None
    tracks: int
    size_mb: float | None
    candidate: float | None  # gate metric on the whole holdout
    popularity: float | None
    active_on_newer: float | None  # the model it was compared with, on newer feedback
    candidate_on_newer: float | None
    holdout_listeners: int | None


def _score(gate: dict[str, Any], *path: str) -> float | None:
    value: Any = gate.get("scores") or {}
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    metric = gate.get("metric", "ndcg@10")
    return value.get(metric) if isinstance(value, dict) else None


def versions(limit: int = MAX_VERSIONS_SHOWN) -> list[VersionRow]:
    """Newest first, with the gate's figures flattened for a table and a chart."""
    return [
        VersionRow(
            version=v.version,
            status=v.status,
            reason=v.status_reason or "",
            created_at=v.created_at,
            activated_at=v.activated_at,
            tracks=v.track_count,
            size_mb=round(v.size_bytes / 1e6, 2) if v.size_bytes else None,
            candidate=_score(v.gate, "candidate"),
            popularity=_score(v.gate, "popularity"),
            active_on_newer=_score(v.gate, "unseen", "active"),
            candidate_on_newer=_score(v.gate, "unseen", "candidate"),
            holdout_listeners=v.gate.get("holdout_listeners"),
        )
        for v in model_registry.versions(min(limit, MAX_VERSIONS_SHOWN))
    ]


@dataclass(frozen=True)
class VersionDiff:
    older: str
    newer: str
    stored: dict[str, Any] | None  # what the gate computed, when it compared exactly these two
    tracks: tuple[int, int]
    clusters: tuple[int | None, int | None]


def version_diff(first: str, second: str) -> VersionDiff:
    """The stored comparison between two versions (computed when the newer one was gated)."""
    known = {v.version: v for v in model_registry.versions(MAX_VERSIONS_SHOWN)}
    if first not in known or second not in known:
        raise AdminError("Pick two versions from the list.")
    a, b = known[first], known[second]
    if a.diff.get("compared_to") == b.version:
        older, newer = b, a
    elif b.diff.get("compared_to") == a.version:
        older, newer = a, b
    else:
        older, newer = sorted((a, b), key=lambda v: v.created_at)
    stored = newer.diff if newer.diff.get("compared_to") == older.version else None

    def clusters(info: model_registry.VersionInfo) -> int | None:
        found = info.metrics.get("clusters")
        return found.get("n_clusters") if isinstance(found, dict) else None

    return VersionDiff(
        older.version,
        newer.version,
        stored,
        (older.track_count, newer.track_count),
        (clusters(older), clusters(newer)),
    )


@dataclass(frozen=True)
class RunRow:
    id: int
    status: str
    trigger: str
    requested_at: datetime
    progress: str
    outcome: str
    message: str
    version: str


def retrain_runs(limit: int = 8) -> list[RunRow]:
    """The newest training runs, for the Admin page's list."""
    with session_scope() as session:
        return [
            RunRow(
                r.id,
                r.status,
                r.trigger,
                as_utc(r.requested_at),
                r.progress or "",
                r.outcome or "",
                r.message or "",
                r.version or "",
            )
            for r in training_runs.recent(session, limit)
        ]


def request_retrain(user_id: int) -> str:
    """Queue a retrain for the worker; the message says what happens next."""
    _require_admin(user_id)
    if not model_registry.queue_retrain(user_id, "admin"):
        return "A retrain is already waiting for the worker."
    return "Retrain queued: the worker picks it up within a minute; progress shows below."


def rollback(user_id: int, version: str | None) -> str:
    """Serve ``version``, or the one that served before the active one; administrators only."""
    _require_admin(user_id)
    try:
        info = model_registry.rollback(version or None)
    except model_registry.RegistryError as error:
        raise AdminError(str(error)) from None
    return f"{info.version} is active; every web process switches to it within a minute."


@dataclass(frozen=True)
class UserRow:
    email: str
    display_name: str
    is_admin: bool
    created_at: datetime
    last_login_at: datetime | None
    events: int


def users(limit: int = MAX_USERS_SHOWN) -> list[UserRow]:
    """Accounts that can log in (not the demo listeners), newest first, with their event counts."""
    events = (
        select(Interaction.user_id, func.count().label("n"))
        .group_by(Interaction.user_id)
        .subquery()
    )
    query = (
        select(User, func.coalesce(events.c.n, 0))
        .outerjoin(events, events.c.user_id == User.id)
        .where(User.password_hash.is_not(None))
        .order_by(User.created_at.desc(), User.id.desc())
        .limit(min(limit, MAX_USERS_SHOWN))
    )
    with session_scope() as session:
        return [
            UserRow(
                u.email,
                u.display_name,
                u.is_admin,
                as_utc(u.created_at),
                as_utc(u.last_login_at) if u.last_login_at else None,
                int(n),
            )
            for u, n in session.execute(query)
        ]

"""The model registry's reads and writes (``model_versions``) and the feedback since a run.

Statuses: ``candidate`` (trained, not yet gated), ``active`` (served; at most one, a partial unique
index), ``retired`` (served before), ``rejected`` (failed the gate). ``activate`` retires the old
active row and promotes the new one inside the caller's transaction, so readers see one or the
other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, undefer

from db.models import Interaction, ModelVersion, utcnow

STATUSES = ("candidate", "active", "retired", "rejected")


def latest(session: Session) -> ModelVersion | None:
    """The newest run, whatever its status (the worker counts new feedback from it)."""
    return session.scalar(
        select(ModelVersion).order_by(ModelVersion.created_at.desc(), ModelVersion.id.desc())
    )


def by_version(session: Session, version: str) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.version == version))


def newest_first(session: Session, limit: int = 20) -> list[ModelVersion]:
    query = select(ModelVersion).order_by(ModelVersion.created_at.desc(), ModelVersion.id.desc())
    return list(session.scalars(query.limit(limit)))


def interactions_after(session: Session, interaction_id: int) -> int:
    """How many feedback events have ids above ``interaction_id`` (i.e. arrived after a run)."""
    query = select(func.count()).select_from(Interaction).where(Interaction.id > interaction_id)
    return session.scalar(query) or 0


def active(session: Session) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.status == "active"))


def active_pointer(session: Session) -> tuple[str, str | None] | None:
    """(version, sha256) of the active model: the cheap query every web process polls."""
    row = session.execute(
        select(ModelVersion.version, ModelVersion.sha256).where(ModelVersion.status == "active")
    ).first()
    return (row[0], row[1]) if row else None


def artifact(session: Session, version: str) -> ModelVersion | None:
    """The row with its artifact bytes loaded (deferred everywhere else)."""
    return session.scalar(
        select(ModelVersion)
        .options(undefer(ModelVersion.artifact))
        .where(ModelVersion.version == version)
    )


def previous_active(session: Session, before: datetime | None) -> ModelVersion | None:
    """The retired version activated most recently (before ``before``): what a rollback restores."""
    query = select(ModelVersion).where(
        ModelVersion.status == "retired",
        ModelVersion.activated_at.is_not(None),
        ModelVersion.artifact.is_not(None),
    )
    if before is not None:
        query = query.where(ModelVersion.activated_at <= before)
    return session.scalar(query.order_by(ModelVersion.activated_at.desc(), ModelVersion.id.desc()))


def activate(session: Session, version: str, now: datetime | None = None) -> None:
    """Retire the active row and make ``version`` active, in the caller's transaction."""
    moment = now or utcnow()
    session.execute(
        update(ModelVersion)
        .where(ModelVersion.status == "active", ModelVersion.version != version)
        .values(status="retired")
    )
    # Flush the retirement first: the one-active index is checked per statement.
    session.execute(
        update(ModelVersion)
        .where(ModelVersion.version == version)
        .values(status="active", activated_at=moment)
    )


def set_status(session: Session, version: str, status: str, reason: str | None) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown model status {status!r}")
    session.execute(
        update(ModelVersion)
        .where(ModelVersion.version == version)
        .values(status=status, status_reason=reason)
    )

"""Reads of recorded training runs (``model_versions``) and of the feedback that arrived since."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Interaction, ModelVersion


def latest(session: Session) -> ModelVersion | None:
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

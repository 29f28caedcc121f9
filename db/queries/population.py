"""Catalogue-wide figures a listener's own numbers are compared against."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Track


def feature_means(session: Session, features: tuple[str, ...]) -> dict[str, float]:
    """The catalogue's mean of each audio feature (empty dict for an empty catalogue)."""
    row = session.execute(select(*(func.avg(getattr(Track, f)) for f in features))).one()
    if row[0] is None:
        return {}
    return {feature: float(value) for feature, value in zip(features, row, strict=True)}


def feature_sample(session: Session, features: tuple[str, ...], size: int) -> pd.DataFrame:
    """A random sample of ``size`` tracks' features (func.random works on SQLite and PostgreSQL)."""
    columns = [getattr(Track, f) for f in features]
    rows = session.execute(select(*columns).order_by(func.random()).limit(size)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(features), dtype="float64")

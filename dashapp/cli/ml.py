"""``flask --app app ml ...``: train and evaluate the recommender, offline, never on a request."""

from __future__ import annotations

import click


@click.group("ml")
def ml_group() -> None:
    """Train, evaluate and inspect the recommender models."""

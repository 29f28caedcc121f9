"""``flask --app app catalog ...``: bring music into the catalogue."""

from __future__ import annotations

import click


@click.group("catalog")
def catalog_group() -> None:
    """Import a real catalogue or generate the demo one."""

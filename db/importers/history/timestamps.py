"""Timestamps as the history formats write them, read as UTC datetimes (or ``None``)."""

from __future__ import annotations

from datetime import UTC, datetime

from db.importers.history.listen import utc_second

# Last.fm export sites write "31 Jan 2021 18:20" (some with a comma, some with seconds).
_TEXT_FORMATS = (
    "%d %b %Y %H:%M",
    "%d %b %Y, %H:%M",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y, %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
)
# Epoch seconds outside these bounds are typos or milliseconds, not listens (1990 .. 2100).
_EARLIEST_EPOCH = 631_152_000
_LATEST_EPOCH = 4_102_444_800


def from_epoch(value: object) -> datetime | None:
    """Unix seconds (int, float or digit string) -> UTC; None when it is not a plausible time."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]  # anything else is caught below
    except (TypeError, ValueError):
        return None
    if not _EARLIEST_EPOCH <= seconds <= _LATEST_EPOCH:
        return None
    return utc_second(datetime.fromtimestamp(seconds, UTC))


def from_text(value: object) -> datetime | None:
    """ISO 8601 (``2021-01-31T18:20:00Z``) or one of the export formats above, as UTC."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return utc_second(datetime.fromisoformat(text))
    except ValueError:
        pass
    for pattern in _TEXT_FORMATS:
        try:
            return utc_second(datetime.strptime(text, pattern))
        except ValueError:
            continue
    return None


def from_any(value: object) -> datetime | None:
    """Epoch seconds or text, whichever ``value`` is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_epoch(value)
    if isinstance(value, str) and value.strip().isdigit():
        return from_epoch(value)
    return from_text(value)

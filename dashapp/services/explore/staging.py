"""The staging list: tracks picked on the map for a playlist.

It lives client-side as a plain list of track ids; every change to it goes through
``stage_rows`` / ``unstage`` here, which check the ids against the catalogue, keep it to the
signed-in user and cap its size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dashapp.services.explore.base import MapBase

# A playlist is built from the staging list; thousands of staged tracks help nobody.
STAGING_LIMIT = 500


@dataclass(frozen=True)
class Staging:
    """The staging list as stored client-side: whose it is and the track ids, in staging order."""

    user_id: int
    track_ids: tuple[str, ...]
    message: str = ""

    def to_store(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "track_ids": list(self.track_ids)}


def staging_from_store(data: Any, user_id: int, base: MapBase | None = None) -> Staging:
    """Read the client's store defensively: another user's list or unknown ids are dropped."""
    if not isinstance(data, dict) or data.get("user_id") != user_id:
        return Staging(user_id, ())
    ids = data.get("track_ids")
    if not isinstance(ids, list):
        return Staging(user_id, ())
    clean = [t for t in ids if isinstance(t, str)]
    if base is not None:
        clean = [t for t in clean if t in base.row_of]
    return Staging(user_id, tuple(dict.fromkeys(clean))[:STAGING_LIMIT])


def stage_rows(base: MapBase, staging: Staging, rows: Iterable[int]) -> Staging:
    """Append catalogue rows to the staging list (deduplicated, capped at ``STAGING_LIMIT``)."""
    ids = base.tracks["track_id"]
    wanted = [int(r) for r in rows if 0 <= int(r) < len(base)]
    merged = list(dict.fromkeys([*staging.track_ids, *(str(ids.iat[r]) for r in wanted)]))
    added = len(merged) - len(staging.track_ids)
    if len(merged) > STAGING_LIMIT:
        dropped = len(merged) - STAGING_LIMIT
        merged = merged[:STAGING_LIMIT]
        return Staging(
            staging.user_id,
            tuple(merged),
            f"Staged {added - dropped} tracks; the list holds at most {STAGING_LIMIT}, "
            f"so {dropped} were left out. Narrow the selection or clear the list.",
        )
    return Staging(staging.user_id, tuple(merged), f"Staged {added} new tracks.")


def unstage(staging: Staging, track_ids: Iterable[str] | None = None) -> Staging:
    """Remove some tracks from the staging list, or all of them when ``track_ids`` is None."""
    if track_ids is None:
        return Staging(staging.user_id, (), "Cleared the staging list.")
    drop = set(track_ids)
    return Staging(staging.user_id, tuple(t for t in staging.track_ids if t not in drop))

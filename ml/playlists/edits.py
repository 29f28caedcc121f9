"""The playlist editor's operations on a stored playlist's tracks (pure, on a frame)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ml.ordering import DEFAULT_ARTIST_GAP, dedupe, flow_order, separate_artists, sort_by
from ml.playlists.spec import PlaylistError

EDITS: tuple[str, ...] = ("dedupe", "sort", "flow", "separate", "remove", "lock", "reorder")


def edit(items: pd.DataFrame, operation: str, **params: Any) -> pd.DataFrame:
    """One editor operation on a playlist frame (its tracks in play order with a ``locked``
    column); returns the new frame. Re-orderings keep locked tracks where they are; ``dedupe``
    keeps every locked track; ``reorder`` is the user's own drag and may move anything."""
    locked = items["locked"].to_numpy(dtype=bool)
    if operation == "dedupe":
        keep = dedupe(items, locked)
    elif operation == "sort":
        keep = sort_by(items, str(params["column"]), bool(params.get("descending")), locked)
    elif operation == "flow":
        keep = flow_order(items, locked)
    elif operation == "separate":
        keep = separate_artists(items, int(params.get("gap", DEFAULT_ARTIST_GAP)), locked)
    elif operation == "remove":
        drop = {int(p) for p in params["positions"]}
        keep = np.asarray([p for p in range(len(items)) if p not in drop], dtype=np.int64)
    elif operation == "reorder":
        keep = np.asarray([int(p) for p in params["order"]], dtype=np.int64)
        if sorted(keep.tolist()) != list(range(len(items))):
            raise PlaylistError("the new order must list every track of the playlist once")
    elif operation == "lock":
        position = int(params["position"])
        if not 0 <= position < len(items):
            raise PlaylistError(f"there is no track at position {position}")
        changed = items.copy()
        changed.iloc[position, changed.columns.get_loc("locked")] = bool(params["locked"])
        return changed
    else:
        raise PlaylistError(f"unknown edit {operation!r}: choose from {', '.join(EDITS)}")
    return items.iloc[keep].reset_index(drop=True)

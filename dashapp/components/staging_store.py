"""The browser-side store of staged track ids, shared by Explore (which fills it) and Playlists
(which builds from it): ``{"user_id": int, "track_ids": [str, ...]}`` in the tab's session
storage. The services re-check its contents against the signed-in user and the catalogue."""

from __future__ import annotations

from dash import dcc

STAGING_STORE_ID = "staging-tracks"


def staging_store() -> dcc.Store:
    return dcc.Store(id=STAGING_STORE_ID, storage_type="session")

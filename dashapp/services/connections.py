"""What the Profile page's "Connections" card shows: Spotify and Last.fm status, the user's
playlists that could be sent to Spotify, the latest import job of each, and the outcome of the
last connect attempt."""

from __future__ import annotations

from dataclasses import dataclass

from dashapp.services import lastfm_import, spotify_account
from dashapp.services.history_import import ImportStatus
from db.queries import integrations as queries
from db.session import session_scope
from integrations.errors import IntegrationError

__all__ = ["CONNECT_OUTCOMES", "ConnectionsView", "IntegrationError", "connections_view"]

# ?spotify=<outcome> on /profile after the OAuth callback → the message shown.
CONNECT_OUTCOMES: dict[str, tuple[str, str]] = {
    "connected": ("Spotify is connected.", "success"),
    "denied": ("You did not allow Mixmap to use Spotify; nothing was connected.", "warning"),
    "mismatch": (
        "That Spotify answer did not match a connection you started; try Connect again.",
        "danger",
    ),
    "failed": ("Spotify could not be connected just now; try again in a few minutes.", "danger"),
    "not-configured": ("Spotify is not configured on this server.", "warning"),
}


@dataclass(frozen=True)
class ConnectionsView:
    spotify: spotify_account.SpotifyStatus
    lastfm: lastfm_import.LastfmStatus
    playlists: list[tuple[int, str]]
    notice: tuple[str, str] | None  # (message, colour) after a connect attempt
    spotify_import: ImportStatus | None = None  # the latest library import job
    lastfm_import: ImportStatus | None = None  # the latest scrobble import job


def connections_view(user_id: int, outcome: str | None = None) -> ConnectionsView:
    """Everything the Connections card shows for the user: accounts, playlists, imports."""
    with session_scope() as session:
        playlists = queries.playlist_choices(session, user_id)
    return ConnectionsView(
        spotify_account.status(user_id),
        lastfm_import.status(user_id),
        playlists,
        CONNECT_OUTCOMES.get(outcome or ""),
        spotify_account.import_job_status(user_id),
        lastfm_import.import_job_status(user_id),
    )

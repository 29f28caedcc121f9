"""Connect a user's Spotify account (Authorization Code with PKCE), import their library and
send Mixmap playlists to it.

Tokens are stored Fernet-encrypted (``integrations.token_vault``) in ``external_accounts`` and
refreshed on expiry or on a 401; disconnecting deletes them. HTTP calls run outside any database
transaction, so a slow Spotify never holds a write lock.

The library import runs in the worker (a ``spotify_import`` job, see ``spotify_import_job``),
reading the encrypted token from the database; it is bounded all the same: at most
``MAX_SAVED_TRACKS`` saved tracks, 50 top tracks and the 50 recent plays Spotify keeps. Its
tracks go through ``history_import.ingest_listens`` like any listening history.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

from dashapp.services.history_import import (
    ImportReport,
    ImportStatus,
    ProgressFn,
    import_status,
    ingest_listens,
    queue_and_show,
    run_owned_import,
)
from dashapp.services.integration_settings import current_settings, token_vault
from db.importers.history.listen import SPOTIFY_RECENT, SPOTIFY_SAVED, SPOTIFY_TOP, Listen
from db.models import utcnow
from db.queries import integrations as queries
from db.queries.jobs import ClaimedJob
from db.session import session_scope
from integrations.errors import (
    AuthorizationError,
    IntegrationError,
    NotConfigured,
    UpstreamError,
)
from integrations.settings import IntegrationSettings
from integrations.spotify import SavedTrack, SpotifyAuth, SpotifyToken, SpotifyUserClient
from integrations.token_vault import UnreadableToken
from music.schema import InteractionKind

PROVIDER = "spotify"
JOB_KIND = "spotify_import"
JOB_LABEL = "Spotify library"
MAX_SAVED_TRACKS = 1000
MAX_PLAYLIST_TRACKS = 10_000  # Spotify's own limit for one playlist
PENDING_MAX_AGE_SECONDS = 600  # a connect attempt must come back within ten minutes
REFRESH_ONLY_REDIRECT = "http://127.0.0.1/connect/spotify/callback"


class SpotifyConnectError(IntegrationError):
    """The callback does not belong to a connect attempt this user started (or it is too old)."""


@dataclass(frozen=True)
class SpotifyStatus:
    configured: bool
    connected: bool
    display_name: str | None = None


@dataclass(frozen=True)
class SentPlaylist:
    url: str | None
    tracks_sent: int
    demo_tracks_skipped: int


def status(user_id: int) -> SpotifyStatus:
    """Whether Spotify is configured and whether (and as whom) the user connected it."""
    settings = current_settings()
    if not settings.spotify_enabled:
        return SpotifyStatus(False, False)
    with session_scope() as session:
        row = queries.account(session, user_id, PROVIDER)
        if row is None or row.token_ciphertext is None:
            return SpotifyStatus(True, False)
        return SpotifyStatus(True, True, row.display_name or row.external_user_id)


# ---------------------------------------------------------------- connect / disconnect


def begin_connect(user_id: int, redirect_uri: str) -> tuple[str, dict[str, Any]]:
    """(Spotify authorisation URL, what the caller keeps in the server session until the
    callback: the state, the PKCE code verifier, the user and the time)."""
    settings = current_settings()
    auth = SpotifyAuth(settings, settings.spotify_redirect_uri or redirect_uri)
    state = secrets.token_urlsafe(32)
    url, verifier = auth.start(state)
    return url, {"state": state, "verifier": verifier, "user": user_id, "at": time.time()}


def finish_connect(
    user_id: int,
    pending: dict[str, Any] | None,
    state: str | None,
    code: str | None,
    redirect_uri: str,
) -> SpotifyStatus:
    """Check the callback against the pending attempt, swap the code for tokens, store them."""
    if (
        not isinstance(pending, dict)
        or not state
        or not hmac.compare_digest(str(pending.get("state", "")), state)
        or pending.get("user") != user_id
        or time.time() - float(pending.get("at", 0)) > PENDING_MAX_AGE_SECONDS
    ):
        raise SpotifyConnectError(
            "This Spotify answer does not match a connection you started; try Connect again."
        )
    if not code:
        raise SpotifyConnectError("Spotify sent no authorisation code; try Connect again.")
    settings = current_settings()
    auth = SpotifyAuth(settings, settings.spotify_redirect_uri or redirect_uri)
    token = auth.exchange(code, str(pending["verifier"]))
    client = SpotifyUserClient(settings, token, auth, on_refresh=lambda _t: None)
    profile = client.me()
    vault = token_vault(settings)
    with session_scope() as session:
        queries.save_account(
            session,
            user_id,
            PROVIDER,
            external_user_id=profile.id,
            display_name=profile.display_name,
            token_ciphertext=vault.seal(client.token.as_dict()),
            token_expires_at=_as_datetime(client.token.expires_at),
        )
    return SpotifyStatus(True, True, profile.display_name)


def disconnect(user_id: int) -> bool:
    """Forget the tokens. (Spotify has no revocation endpoint; the user can also remove Mixmap
    at spotify.com/account/apps, which the README says.)"""
    with session_scope() as session:
        return queries.delete_account(session, user_id, PROVIDER)


def _as_datetime(unix_seconds: float) -> datetime:
    return datetime.fromtimestamp(unix_seconds, UTC)


@dataclass
class _Session:
    """A user's client plus the stored ciphertexts it knows, to tell a revoked access from a
    token another process refreshed meanwhile (Spotify rotates refresh tokens under PKCE)."""

    client: SpotifyUserClient
    known: set[str]


def _client(user_id: int, settings: IntegrationSettings) -> _Session:
    if not settings.spotify_enabled:
        raise NotConfigured("Spotify is not configured on this server.")
    vault = token_vault(settings)
    with session_scope() as session:
        row = queries.account(session, user_id, PROVIDER)
        sealed = row.token_ciphertext if row is not None else None
    if sealed is None:
        raise AuthorizationError("Connect your Spotify account first.")
    try:
        token = SpotifyToken.from_dict(vault.open(sealed))
    except (UnreadableToken, IntegrationError):
        disconnect(user_id)  # the key changed: the stored token is useless
        raise AuthorizationError("Your Spotify connection has expired: connect again.") from None
    known = {sealed}

    def persist(new_token: SpotifyToken) -> None:
        new_sealed = vault.seal(new_token.as_dict())
        known.add(new_sealed)
        with session_scope() as session:
            queries.update_token(
                session, user_id, PROVIDER, new_sealed, _as_datetime(new_token.expires_at)
            )

    # A refresh sends no redirect URI, but spotipy's constructor insists on one.
    auth = SpotifyAuth(settings, settings.spotify_redirect_uri or REFRESH_ONLY_REDIRECT)
    return _Session(SpotifyUserClient(settings, token, auth, on_refresh=persist), known)


def _on_refusal(user_id: int, spotify: _Session, error: AuthorizationError) -> NoReturn:
    with session_scope() as session:
        row = queries.account(session, user_id, PROVIDER)
        stored = row.token_ciphertext if row is not None else None
    if stored is not None and stored not in spotify.known:
        # Another request refreshed the token while this one used the old refresh token: the
        # connection is fine, this request just lost the race.
        raise UpstreamError("Spotify access was being renewed at the same moment; try again.")
    # Refused even after a refresh: the user revoked Mixmap at Spotify. Drop the dead tokens so
    # the Profile page offers Connect again.
    disconnect(user_id)
    raise error


# ---------------------------------------------------------------- import and send


def import_library(user_id: int, progress: ProgressFn | None = None) -> ImportReport:
    """Saved tracks (likes), top tracks (favourites) and recent plays (plays), ingested like any
    history: matched by Spotify id first, stored once each (a re-import stores nothing)."""
    spotify = _client(user_id, current_settings())
    if progress is not None:
        progress(0.05, "Reading your Spotify library")
    try:
        saved = spotify.client.saved_tracks(limit=MAX_SAVED_TRACKS)
        top = spotify.client.top_tracks(limit=50)
        recent = spotify.client.recently_played()
    except AuthorizationError as error:
        _on_refusal(user_id, spotify, error)
    now = utcnow()
    listens = [
        *(_listen(item, SPOTIFY_SAVED, InteractionKind.LIKE, now) for item in saved),
        *(_listen(item, SPOTIFY_TOP, InteractionKind.FAVOURITE, now) for item in top),
        *(_listen(item, SPOTIFY_RECENT, None, now) for item in recent),
    ]
    return ingest_listens(user_id, listens, progress=progress, files=["Spotify library"])


def _listen(item: SavedTrack, source: str, kind: InteractionKind | None, now: datetime) -> Listen:
    # A top track has no time of its own: it is stored at the import's time, once per track.
    return Listen(
        played_at=item.at or now,
        artist=item.artist,
        track=item.title,
        source=source,
        spotify_track_id=item.track_id,
        kind=kind,
    )


def submit_import(user_id: int) -> ImportStatus:
    """Queue the library import for the worker (the request only enqueues); the status to show.
    The worker reads the encrypted token from the database, as any process would."""
    if not current_settings().spotify_enabled:
        raise NotConfigured("Spotify is not configured on this server.")
    if not status(user_id).connected:
        raise AuthorizationError("Connect your Spotify account first.")
    return queue_and_show(user_id, JOB_KIND, {"filename": JOB_LABEL})


def import_job_status(user_id: int) -> ImportStatus | None:
    """The user's latest Spotify import, or None."""
    return import_status(user_id, JOB_KIND)


def run_import_job(job: ClaimedJob, progress: ProgressFn) -> tuple[str, dict[str, Any]]:
    """The worker's handler for ``spotify_import`` jobs: (message, result) or an error."""
    return run_owned_import(
        job, lambda user_id: import_library(user_id, progress), (IntegrationError,)
    )


def send_playlist(user_id: int, playlist_id: int) -> SentPlaylist:
    """Create a new private Spotify playlist with the tracks of one of the user's playlists."""
    with session_scope() as session:
        playlist = queries.playlist_to_send(session, int(playlist_id), user_id)
    if playlist is None:
        raise IntegrationError("There is no such playlist among yours.")
    if not playlist.track_ids:
        raise IntegrationError(
            "This playlist has no Spotify tracks to send (generated demo tracks exist only here)."
        )
    track_ids = playlist.track_ids[:MAX_PLAYLIST_TRACKS]
    spotify = _client(user_id, current_settings())
    try:
        created = spotify.client.create_playlist(
            playlist.name[:100], (playlist.description or "Made with Mixmap")[:300], track_ids
        )
    except AuthorizationError as error:
        _on_refusal(user_id, spotify, error)
    return SentPlaylist(created.url, created.tracks_added, playlist.demo_tracks)

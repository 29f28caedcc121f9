"""Spotify for one user, through spotipy pointed at ``IntegrationSettings`` URLs (a fake in
tests). Catalogue look-ups without a user are in ``spotify_catalogue``.

spotipy does the HTTP and the OAuth payloads; this module adds what a web app needs around it:
Authorization Code with PKCE split across two requests (``SpotifyAuth.start`` / ``exchange``),
refresh before expiry and once more on a 401, offset paging (we never follow a ``next`` URL the
server sends, so a bearer token only ever goes to the configured API host), and plain dataclasses
checked for shape, so a malformed body is a ``MalformedResponse`` rather than a ``KeyError``.

Spotify closed audio-features and recommendations to new apps in November 2024; nothing here
asks for them (audio features come from catalogue files).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyPKCE

from integrations.errors import (
    AuthorizationError,
    MalformedResponse,
    NotConfigured,
)
from integrations.http import build_session
from integrations.settings import IntegrationSettings
from integrations.spotify_common import (
    T,
    as_dict,
    as_list,
    batches,
    item_id,
    parse_time,
    spotipy_client,
    translate,
)

SCOPES = (
    "user-library-read",
    "user-top-read",
    "user-read-recently-played",
    "playlist-modify-private",
    "playlist-modify-public",
)
ITEMS_PER_ADD = 100  # POST /playlists/{id}/items takes at most 100 URIs
PAGE_SIZE = 50  # saved tracks, top tracks and recently played pages hold at most 50
REFRESH_MARGIN_SECONDS = 60  # refresh a token this long before it expires


@dataclass(frozen=True)
class SpotifyToken:
    access_token: str
    refresh_token: str | None
    expires_at: float  # unix seconds
    scope: str = ""

    def expires_soon(self, now: float) -> bool:
        return now >= self.expires_at - REFRESH_MARGIN_SECONDS

    def as_dict(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
            "scope": self.scope,
        }

    @classmethod
    def from_dict(cls, info: Any) -> SpotifyToken:
        """From spotipy's token_info (or our stored dict); refuses anything without a token."""
        if not isinstance(info, dict) or not isinstance(info.get("access_token"), str):
            raise MalformedResponse("Spotify sent a token response without an access token.")
        try:
            expires_at = float(info["expires_at"])
        except (KeyError, TypeError, ValueError):
            raise MalformedResponse("Spotify sent a token response without an expiry.") from None
        refresh = info.get("refresh_token")
        return cls(
            info["access_token"],
            refresh if isinstance(refresh, str) else None,
            expires_at,
            str(info.get("scope") or ""),
        )


@dataclass(frozen=True)
class SpotifyUser:
    id: str
    display_name: str


@dataclass(frozen=True)
class SavedTrack:
    track_id: str
    at: datetime | None  # when it was saved or played; None for top tracks
    artist: str = ""  # the first credited artist, for matching when the id is not catalogued
    title: str = ""

    @classmethod
    def of(cls, track: Any, at: datetime | None) -> SavedTrack | None:
        """A Spotify track object as a SavedTrack; None for local files and unavailable tracks."""
        track_id = item_id(track)
        if not track_id:
            return None
        artists = track.get("artists")
        first = artists[0] if isinstance(artists, list) and artists else {}
        artist = first.get("name") if isinstance(first, dict) else None
        title = track.get("name")
        return cls(
            track_id,
            at,
            artist if isinstance(artist, str) else "",
            title if isinstance(title, str) else "",
        )


@dataclass(frozen=True)
class CreatedPlaylist:
    playlist_id: str
    url: str | None
    tracks_added: int


# ---------------------------------------------------------------- the user's authorisation


class SpotifyAuth:
    """Authorization Code with PKCE. ``start`` and ``exchange`` run in two different requests, so
    the code verifier travels through the caller's server-side session, not through this object."""

    def __init__(self, settings: IntegrationSettings, redirect_uri: str) -> None:
        if not settings.spotify_enabled:
            raise NotConfigured("Spotify is not configured (set SPOTIFY_CLIENT_ID).")
        self.settings = settings
        self.redirect_uri = redirect_uri

    def _pkce(self) -> SpotifyPKCE:
        pkce = SpotifyPKCE(
            client_id=self.settings.spotify_client_id,
            redirect_uri=self.redirect_uri,
            scope=list(SCOPES),
            requests_timeout=self.settings.retry.timeout,
            requests_session=build_session(self.settings.retry),
            open_browser=False,
            cache_handler=MemoryCacheHandler(),
        )
        pkce.OAUTH_AUTHORIZE_URL = self.settings.spotify_accounts_url + "authorize"
        pkce.OAUTH_TOKEN_URL = self.settings.spotify_accounts_url + "api/token"
        return pkce

    def start(self, state: str) -> tuple[str, str]:
        """(URL to send the browser to, code verifier to keep until the callback)."""
        pkce = self._pkce()
        pkce.get_pkce_handshake_parameters()
        return pkce.get_authorize_url(state=state), pkce.code_verifier

    def exchange(self, code: str, code_verifier: str) -> SpotifyToken:
        pkce = self._pkce()
        pkce.code_verifier = code_verifier
        # With both set, spotipy exchanges the code instead of starting a fresh handshake.
        pkce.code_challenge = pkce._get_code_challenge()
        try:
            pkce.get_access_token(code=code, check_cache=False)
        except Exception as error:
            raise translate(error) from error
        return SpotifyToken.from_dict(pkce.cache_handler.get_cached_token())

    def refresh(self, refresh_token: str) -> SpotifyToken:
        pkce = self._pkce()
        try:
            info = pkce.refresh_access_token(refresh_token)
        except Exception as error:
            raise translate(error) from error
        return SpotifyToken.from_dict(info)


class SpotifyUserClient:
    """Calls made for one user; ``on_refresh`` persists each new token (the caller encrypts it)."""

    def __init__(
        self,
        settings: IntegrationSettings,
        token: SpotifyToken,
        auth: SpotifyAuth,
        on_refresh: Callable[[SpotifyToken], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self._auth = auth
        self._on_refresh = on_refresh
        self._clock = clock
        self._api = spotipy_client(settings, auth=token.access_token)

    def _refresh(self) -> None:
        if not self.token.refresh_token:
            raise AuthorizationError("Spotify's access has expired: connect again.")
        self.token = self._auth.refresh(self.token.refresh_token)
        self._api.set_auth(self.token.access_token)
        self._on_refresh(self.token)

    def _call(self, request: Callable[[spotipy.Spotify], T]) -> T:
        if self.token.expires_soon(self._clock()):
            self._refresh()
        try:
            return request(self._api)
        except spotipy.SpotifyException as error:
            if error.http_status != 401:
                raise translate(error) from error
        except Exception as error:
            raise translate(error) from error
        # 401 before the expiry we were told: the token was revoked or rotated; refresh once.
        self._refresh()
        try:
            return request(self._api)
        except Exception as error:
            raise translate(error) from error

    def me(self) -> SpotifyUser:
        body = as_dict(self._call(lambda api: api.me()), "profile")
        if not isinstance(body.get("id"), str):
            raise MalformedResponse("Spotify sent a profile without a user id.")
        return SpotifyUser(body["id"], str(body.get("display_name") or body["id"]))

    def _pages(self, fetch: Callable[[spotipy.Spotify, int], Any], limit: int) -> Iterator[Any]:
        offset = 0
        while offset < limit:
            page = as_dict(self._call(lambda api, o=offset: fetch(api, o)), "page")
            items = as_list(page.get("items"), "page")
            yield from items
            offset += len(items)
            total = page.get("total")
            if not items or (isinstance(total, int) and offset >= total):
                return

    def saved_tracks(self, limit: int = 1000) -> list[SavedTrack]:
        def fetch(api: spotipy.Spotify, offset: int) -> Any:
            return api.current_user_saved_tracks(limit=PAGE_SIZE, offset=offset)

        out = []
        for item in self._pages(fetch, limit):
            saved = SavedTrack.of(as_dict(item, "saved track").get("track"), None)
            if saved is not None:
                out.append(replace(saved, at=parse_time(item.get("added_at"))))
        return out[:limit]

    def top_tracks(self, limit: int = 50, time_range: str = "medium_term") -> list[SavedTrack]:
        def fetch(api: spotipy.Spotify, offset: int) -> Any:
            return api.current_user_top_tracks(
                limit=PAGE_SIZE, offset=offset, time_range=time_range
            )

        tracks = [SavedTrack.of(item, None) for item in self._pages(fetch, limit)]
        return [track for track in tracks if track is not None][:limit]

    def recently_played(self) -> list[SavedTrack]:
        """The last 50 plays: Spotify keeps no further history behind this endpoint."""
        page = as_dict(self._call(lambda api: api.current_user_recently_played(limit=50)), "page")
        out = []
        for item in as_list(page.get("items"), "page"):
            item = as_dict(item, "play")
            at = parse_time(item.get("played_at"))
            played = SavedTrack.of(item.get("track"), at)
            if played is not None and at is not None:
                out.append(played)
        return out

    def create_playlist(
        self, name: str, description: str, track_ids: Sequence[str]
    ) -> CreatedPlaylist:
        """A new private playlist holding ``track_ids`` in order (added 100 at a time)."""
        created = as_dict(
            self._call(
                lambda api: api.current_user_playlist_create(
                    name, public=False, description=description
                )
            ),
            "playlist",
        )
        playlist_id = created.get("id")
        if not isinstance(playlist_id, str):
            raise MalformedResponse("Spotify created a playlist but sent no id for it.")
        url = (created.get("external_urls") or {}).get("spotify")
        added = 0
        for batch in batches(list(track_ids), ITEMS_PER_ADD):
            uris = [f"spotify:track:{track_id}" for track_id in batch]
            self._call(lambda api, u=uris: api.playlist_add_items(playlist_id, u))
            added += len(batch)
        return CreatedPlaylist(playlist_id, url if isinstance(url, str) else None, added)

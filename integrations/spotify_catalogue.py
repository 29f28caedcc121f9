"""Spotify catalogue look-ups without a user (client-credentials grant): track and artist
metadata for ``catalog enrich``. Needs SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOauthError

from integrations.errors import AuthorizationError, NotConfigured
from integrations.http import build_session
from integrations.settings import IntegrationSettings
from integrations.spotify_common import (
    T,
    as_dict,
    as_list,
    batches,
    first_image,
    item_id,
    spotipy_client,
    translate,
)

IDS_PER_LOOKUP = 50  # GET /tracks and GET /artists take at most 50 ids


@dataclass(frozen=True)
class TrackMetadata:
    track_id: str
    album_image_url: str | None
    preview_url: str | None
    spotify_url: str | None
    artist_ids: tuple[str, ...]


@dataclass(frozen=True)
class ArtistMetadata:
    artist_id: str
    name: str
    genres: tuple[str, ...]
    image_url: str | None


class SpotifyCatalogueClient:
    """Track and artist metadata with the client-credentials grant (needs the client secret)."""

    def __init__(self, settings: IntegrationSettings) -> None:
        if not settings.spotify_catalogue_enabled:
            raise NotConfigured(
                "Spotify catalogue look-ups need SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET."
            )
        self._credentials = SpotifyClientCredentials(
            client_id=settings.spotify_client_id,
            client_secret=settings.spotify_client_secret,
            requests_timeout=settings.retry.timeout,
            requests_session=build_session(settings.retry),
            cache_handler=MemoryCacheHandler(),
        )
        self._credentials.OAUTH_TOKEN_URL = settings.spotify_accounts_url + "api/token"
        self._api = spotipy_client(settings, auth_manager=self._credentials)

    def _call(self, request: Callable[[spotipy.Spotify], T]) -> T:
        try:
            return request(self._api)
        except spotipy.SpotifyException as error:
            if error.http_status != 401:
                raise translate(error) from error
        except SpotifyOauthError as error:
            raise AuthorizationError(
                "Spotify refused SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET; check them."
            ) from error
        except Exception as error:
            raise translate(error) from error
        # 401: the app token was invalidated early; forget it so spotipy asks for a new one.
        self._credentials.cache_handler.save_token_to_cache(None)
        try:
            return request(self._api)
        except Exception as error:
            raise translate(error) from error

    def tracks(self, track_ids: Sequence[str]) -> list[TrackMetadata]:
        out = []
        for batch in batches(list(track_ids), IDS_PER_LOOKUP):
            body = as_dict(self._call(lambda api, b=batch: api.tracks(list(b))), "track list")
            for track in as_list(body.get("tracks"), "track list"):
                track_id = item_id(track)
                if track_id is None:  # unknown ids come back as null
                    continue
                album = track.get("album") if isinstance(track.get("album"), dict) else {}
                urls = (
                    track.get("external_urls")
                    if isinstance(track.get("external_urls"), dict)
                    else {}
                )
                artists = track.get("artists") if isinstance(track.get("artists"), list) else []
                out.append(
                    TrackMetadata(
                        track_id,
                        first_image(album.get("images")),
                        track.get("preview_url")
                        if isinstance(track.get("preview_url"), str)
                        else None,
                        urls.get("spotify") if isinstance(urls.get("spotify"), str) else None,
                        tuple(a for a in (item_id(artist) for artist in artists) if a),
                    )
                )
        return out

    def artists(self, artist_ids: Sequence[str]) -> list[ArtistMetadata]:
        out = []
        for batch in batches(list(artist_ids), IDS_PER_LOOKUP):
            body = as_dict(self._call(lambda api, b=batch: api.artists(list(b))), "artist list")
            for artist in as_list(body.get("artists"), "artist list"):
                artist_id = item_id(artist)
                if artist_id is None:
                    continue
                genres = artist.get("genres") if isinstance(artist.get("genres"), list) else []
                out.append(
                    ArtistMetadata(
                        artist_id,
                        str(artist.get("name") or ""),
                        tuple(str(g) for g in genres if isinstance(g, str)),
                        first_image(artist.get("images")),
                    )
                )
        return out

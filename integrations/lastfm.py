"""Last.fm's web service (JSON), through a thin ``requests`` client.

Why not pylast: pylast builds ``https://{host}`` itself, so it cannot be pointed at a local fake
server over plain HTTP, and it has no retry, backoff or Retry-After handling; it also parses XML
where the JSON format is one ``json()`` away. Three read-only methods are all Mixmap needs.

Rate limiting: Last.fm's terms ask for at most 5 requests per second per key (averaged over five
minutes), so calls are spaced by ``lastfm_min_interval``; error 29 ("rate limit exceeded") and the
temporary errors 8/11/16 are retried with exponential backoff like HTTP 429/5xx.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from integrations.errors import (
    AuthorizationError,
    IntegrationError,
    MalformedResponse,
    NotConfigured,
    NotFound,
    UpstreamError,
)
from integrations.http import build_session
from integrations.settings import IntegrationSettings

PAGE_SIZE = 200  # user.getRecentTracks allows up to 200 per page
RETRYABLE_ERRORS = {8, 11, 16, 29}  # operation failed, offline, temporary, rate limit exceeded
KEY_ERRORS = {10, 26}  # invalid API key, suspended API key


@dataclass(frozen=True)
class Scrobble:
    artist: str
    track: str
    album: str
    played_at: datetime


@dataclass(frozen=True)
class RecentTracksPage:
    scrobbles: list[Scrobble]
    page: int
    total_pages: int


@dataclass(frozen=True)
class Tag:
    name: str
    weight: int  # Last.fm's 0..100 relative count


@dataclass(frozen=True)
class SimilarArtist:
    name: str
    match: float  # 0..1


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("#text", value.get("name"))
    return value.strip() if isinstance(value, str) else ""


def _as_list(value: Any) -> list[Any]:
    # Last.fm's JSON turns a one-element list into a bare object.
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class LastfmClient:
    def __init__(
        self,
        settings: IntegrationSettings,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not settings.lastfm_enabled:
            raise NotConfigured("Last.fm is not configured (set LASTFM_API_KEY).")
        self._settings = settings
        self._session = build_session(settings.retry)
        self._sleep = sleep
        self._clock = clock
        self._last_call = float("-inf")

    def _throttle(self) -> None:
        wait = self._last_call + self._settings.lastfm_min_interval - self._clock()
        if wait > 0:
            self._sleep(wait)
        self._last_call = self._clock()

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """One API method; HTTP-level retries happen in the session, API-level ones here."""
        policy = self._settings.retry
        query = {"method": method, "api_key": self._settings.lastfm_api_key, "format": "json"}
        query |= {k: v for k, v in params.items() if v is not None}
        for attempt in range(policy.retries + 1):
            self._throttle()
            body = self._request(query)
            error = body.get("error")
            if error is None:
                return body
            code, message = _int(error), str(body.get("message") or "")
            if code in KEY_ERRORS:
                raise AuthorizationError("Last.fm refused LASTFM_API_KEY; check it.")
            if code == 6:
                raise NotFound(f"Last.fm: {message or 'not found'}.")
            if code not in RETRYABLE_ERRORS:
                raise IntegrationError(f"Last.fm refused the request: {message} (error {code}).")
            if attempt < policy.retries:
                self._sleep(min(policy.backoff_factor * 2**attempt, policy.max_retry_after))
        raise UpstreamError("Last.fm keeps rate-limiting or failing; try again in a few minutes.")

    def _request(self, query: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._session.get(
                self._settings.lastfm_api_url, params=query, timeout=self._settings.retry.timeout
            )
        except requests.exceptions.RetryError as error:
            raise UpstreamError(
                "Last.fm is not answering (rate-limited or failing) even after retries; "
                "try again in a few minutes."
            ) from error
        except requests.exceptions.RequestException as error:
            raise UpstreamError(f"Could not reach Last.fm ({type(error).__name__}).") from error
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if response.status_code >= 400:
                raise UpstreamError(f"Last.fm answered HTTP {response.status_code}.")
            raise MalformedResponse("Last.fm sent a response Mixmap cannot read.")
        return body

    # ------------------------------------------------------------ methods

    def recent_tracks_page(
        self, username: str, page: int = 1, since: int | None = None
    ) -> RecentTracksPage:
        body = self.call(
            "user.getrecenttracks", user=username, page=page, limit=PAGE_SIZE, **{"from": since}
        )
        root = body.get("recenttracks")
        if not isinstance(root, dict):
            raise MalformedResponse("Last.fm sent recent tracks in an unknown shape.")
        attrs = root.get("@attr") if isinstance(root.get("@attr"), dict) else {}
        scrobbles = []
        for item in _as_list(root.get("track")):
            if not isinstance(item, dict):
                raise MalformedResponse("Last.fm sent a recent track in an unknown shape.")
            date = item.get("date")
            uts = _int(date.get("uts"), -1) if isinstance(date, dict) else -1
            artist, title = _text(item.get("artist")), _text(item.get("name"))
            if uts < 0 or not artist or not title:  # "now playing" rows carry no date
                continue
            scrobbles.append(
                Scrobble(artist, title, _text(item.get("album")), datetime.fromtimestamp(uts, UTC))
            )
        return RecentTracksPage(
            scrobbles, _int(attrs.get("page"), page), _int(attrs.get("totalPages"), 0)
        )

    def recent_tracks(
        self, username: str, max_pages: int | None = None, since: int | None = None
    ) -> Iterator[RecentTracksPage]:
        """Pages of a user's scrobbles, newest first, until the last page or ``max_pages``."""
        page = 1
        while True:
            result = self.recent_tracks_page(username, page, since)
            yield result
            if page >= result.total_pages or (max_pages is not None and page >= max_pages):
                return
            page += 1

    def artist_top_tags(self, artist: str) -> list[Tag]:
        body = self.call("artist.gettoptags", artist=artist, autocorrect=1)
        root = body.get("toptags")
        if not isinstance(root, dict):
            raise MalformedResponse("Last.fm sent top tags in an unknown shape.")
        tags = []
        for item in _as_list(root.get("tag")):
            name = _text(item) if isinstance(item, dict) else ""
            if name:
                tags.append(Tag(name, _int(item.get("count"))))
        return tags

    def similar_artists(self, artist: str, limit: int = 10) -> list[SimilarArtist]:
        body = self.call("artist.getsimilar", artist=artist, limit=limit, autocorrect=1)
        root = body.get("similarartists")
        if not isinstance(root, dict):
            raise MalformedResponse("Last.fm sent similar artists in an unknown shape.")
        out = []
        for item in _as_list(root.get("artist")):
            name = _text(item) if isinstance(item, dict) else ""
            if name:
                try:
                    match = float(item.get("match", 0))
                except (TypeError, ValueError):
                    match = 0.0
                out.append(SimilarArtist(name, match))
        return out[:limit]

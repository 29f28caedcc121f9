"""What both Spotify clients share: spotipy built on our retry policy, error translation, and
checked access to response shapes (a malformed body becomes ``MalformedResponse``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

import requests
import spotipy
from spotipy.oauth2 import SpotifyOauthError

from integrations.errors import (
    AuthorizationError,
    IntegrationError,
    MalformedResponse,
    NotFound,
    UpstreamError,
)
from integrations.http import build_session
from integrations.settings import IntegrationSettings

T = TypeVar("T")


def translate(error: Exception) -> IntegrationError:
    """A spotipy/requests failure as an error whose message a user can act on."""
    if isinstance(error, IntegrationError):
        return error
    if isinstance(error, spotipy.SpotifyException):
        status = error.http_status
        if "Max Retries" in str(error.msg):
            return UpstreamError(
                "Spotify is not answering (rate-limited or failing) even after retries; "
                "try again in a few minutes."
            )
        if status == 401:
            return AuthorizationError("Spotify no longer accepts Mixmap's access: connect again.")
        if status == 403:
            return AuthorizationError(
                "Spotify refused this request (missing permission): disconnect and connect again."
            )
        if status == 404:
            return NotFound("Spotify does not know that item.")
        if status == 429 or status >= 500:
            return UpstreamError(f"Spotify answered HTTP {status}; try again in a few minutes.")
        return IntegrationError(f"Spotify refused the request (HTTP {status}).")
    if isinstance(error, SpotifyOauthError):
        return AuthorizationError(
            "Spotify refused the authorisation (it may have been revoked): connect again."
        )
    if isinstance(error, requests.exceptions.RetryError):
        return UpstreamError("Spotify kept failing after retries; try again in a few minutes.")
    # Before RequestException: requests' JSONDecodeError is both a ValueError and one of those.
    if isinstance(error, (ValueError, KeyError, TypeError)):
        return MalformedResponse("Spotify sent a response Mixmap cannot read.")
    if isinstance(error, requests.exceptions.RequestException):
        return UpstreamError(f"Could not reach Spotify ({type(error).__name__}).")
    raise error


def as_dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedResponse(f"Spotify sent a malformed {what}.")
    return value


def as_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedResponse(f"Spotify sent a malformed {what}.")
    return value


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def item_id(track: Any) -> str | None:
    # Local files and unavailable tracks come back with a null id or as null: skip them.
    if isinstance(track, dict) and isinstance(track.get("id"), str) and track["id"]:
        return track["id"]
    return None


def dict_or_empty(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def first_image(images: Any) -> str | None:
    if isinstance(images, list) and images and isinstance(images[0], dict):
        url = images[0].get("url")
        return url if isinstance(url, str) else None
    return None


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def spotipy_client(settings: IntegrationSettings, **kwargs: Any) -> spotipy.Spotify:
    client = spotipy.Spotify(
        requests_session=build_session(settings.retry),
        requests_timeout=settings.retry.timeout,
        **kwargs,
    )
    client.prefix = settings.spotify_api_url
    return client

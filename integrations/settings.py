"""Which integrations are switched on, read from the environment (or the Flask config in tests).

Every key is optional: without them the app runs fully and the Profile page says the integration
is not configured. See README "Configuration" and docs/INTEGRATIONS.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from integrations.http import RetryPolicy

SPOTIFY_API_URL = "https://api.spotify.com/v1/"
SPOTIFY_ACCOUNTS_URL = "https://accounts.spotify.com/"
LASTFM_API_URL = "https://ws.audioscrobbler.com/2.0/"

# Every variable this module reads, so a Flask config can override any of them.
SETTING_NAMES: tuple[str, ...] = (
    "SPOTIFY_CLIENT_ID",
    "SPOTIFY_CLIENT_SECRET",
    "SPOTIFY_REDIRECT_URI",
    "LASTFM_API_KEY",
    "MIXMAP_SPOTIFY_API_URL",
    "MIXMAP_SPOTIFY_ACCOUNTS_URL",
    "MIXMAP_LASTFM_API_URL",
    "MIXMAP_TOKEN_KEY",
    "MIXMAP_HTTP_CONNECT_TIMEOUT",
    "MIXMAP_HTTP_READ_TIMEOUT",
    "MIXMAP_HTTP_RETRIES",
    "MIXMAP_HTTP_BACKOFF",
    "MIXMAP_HTTP_MAX_RETRY_AFTER",
    "MIXMAP_LASTFM_MIN_INTERVAL",
)


def _value(env: Mapping[str, str], name: str) -> str | None:
    value = str(env.get(name) or "").strip()
    return value or None


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True)
class IntegrationSettings:
    spotify_client_id: str | None = None
    spotify_client_secret: str | None = None
    spotify_redirect_uri: str | None = None  # None: the app's own callback URL
    lastfm_api_key: str | None = None
    spotify_api_url: str = SPOTIFY_API_URL
    spotify_accounts_url: str = SPOTIFY_ACCOUNTS_URL
    lastfm_api_url: str = LASTFM_API_URL
    token_key: str | None = None  # MIXMAP_TOKEN_KEY; None: derived from SECRET_KEY
    # Last.fm's terms ask for no more than 5 requests per second per key, averaged over 5 minutes.
    lastfm_min_interval: float = 0.2
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def spotify_enabled(self) -> bool:
        """Connect Spotify (PKCE) needs only the client id; the secret is optional."""
        return self.spotify_client_id is not None

    @property
    def spotify_catalogue_enabled(self) -> bool:
        """Catalogue enrichment runs without a user, so it needs the client-credentials grant."""
        return self.spotify_client_id is not None and self.spotify_client_secret is not None

    @property
    def lastfm_enabled(self) -> bool:
        return self.lastfm_api_key is not None

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> IntegrationSettings:
        return cls(
            spotify_client_id=_value(env, "SPOTIFY_CLIENT_ID"),
            spotify_client_secret=_value(env, "SPOTIFY_CLIENT_SECRET"),
            spotify_redirect_uri=_value(env, "SPOTIFY_REDIRECT_URI"),
            lastfm_api_key=_value(env, "LASTFM_API_KEY"),
            spotify_api_url=_with_slash(_value(env, "MIXMAP_SPOTIFY_API_URL") or SPOTIFY_API_URL),
            spotify_accounts_url=_with_slash(
                _value(env, "MIXMAP_SPOTIFY_ACCOUNTS_URL") or SPOTIFY_ACCOUNTS_URL
            ),
            lastfm_api_url=_with_slash(_value(env, "MIXMAP_LASTFM_API_URL") or LASTFM_API_URL),
            token_key=_value(env, "MIXMAP_TOKEN_KEY"),
            lastfm_min_interval=float(_value(env, "MIXMAP_LASTFM_MIN_INTERVAL") or 0.2),
            retry=RetryPolicy.from_mapping(env),
        )

"""Pure pieces of the integrations: tag reading, the token vault, settings.

(Listen matching is the history import's: tests/unit/db/importers/history.)
"""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from integrations.settings import IntegrationSettings
from integrations.tags import read_tags
from integrations.token_vault import TokenVault, UnreadableToken, fernet_key
from music.moods import MOODS


def test_tags_become_genres_and_moods_strongest_first():
    reading = read_tags(
        [
            ("seen live", 90),
            ("Chill-out", 40),
            ("trip-hop", 100),
            ("melancholic", 55),
            ("electronic", 70),
            ("obscure", 5),
        ]
    )
    assert reading.genres == ("trip hop", "electronic")  # "seen live" is about the listener
    assert reading.moods == ("sad", "chill")
    assert set(reading.moods) <= set(MOODS)


def test_the_vault_round_trips_and_refuses_another_key():
    token = {"access_token": "secret-access", "refresh_token": "secret-refresh"}
    vault = TokenVault(fernet_key("one secret key"))
    sealed = vault.seal(token)
    assert "secret-access" not in sealed
    assert vault.open(sealed) == token
    with pytest.raises(UnreadableToken):
        TokenVault(fernet_key("another secret key")).open(sealed)


def test_a_dedicated_token_key_wins_over_the_secret_key():
    dedicated = Fernet.generate_key().decode()
    assert fernet_key("secret", dedicated) == dedicated.encode()
    assert fernet_key("secret", "any long passphrase") != fernet_key("secret")
    with pytest.raises(ValueError):
        fernet_key("")


def test_settings_switch_each_integration_on_by_its_keys():
    nothing = IntegrationSettings.from_mapping({})
    assert not (nothing.spotify_enabled or nothing.lastfm_enabled)
    pkce_only = IntegrationSettings.from_mapping({"SPOTIFY_CLIENT_ID": "id"})
    assert pkce_only.spotify_enabled and not pkce_only.spotify_catalogue_enabled
    full = IntegrationSettings.from_mapping(
        {
            "SPOTIFY_CLIENT_ID": "id",
            "SPOTIFY_CLIENT_SECRET": "s",
            "LASTFM_API_KEY": "k",
            "MIXMAP_SPOTIFY_API_URL": "http://127.0.0.1:9/v1",
            "MIXMAP_HTTP_RETRIES": "5",
        }
    )
    assert full.spotify_catalogue_enabled and full.lastfm_enabled
    assert full.spotify_api_url == "http://127.0.0.1:9/v1/" and full.retry.retries == 5

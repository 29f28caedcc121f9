"""The integration settings and the token vault for the running app (or CLI, or test).

Values come from the process environment; a key in the Flask config overrides it, which is how
tests point the clients at a local fake server without touching ``os.environ``.
"""

from __future__ import annotations

import os

from flask import current_app, has_app_context

from integrations.settings import SETTING_NAMES, IntegrationSettings
from integrations.token_vault import TokenVault, fernet_key


def _mapping() -> dict[str, str]:
    values = {name: os.environ[name] for name in SETTING_NAMES if name in os.environ}
    if has_app_context():
        config = current_app.config
        values |= {name: str(config[name]) for name in SETTING_NAMES if config.get(name)}
    return values


def current_settings() -> IntegrationSettings:
    """The Spotify and Last.fm settings of this deployment (app config, else environment)."""
    return IntegrationSettings.from_mapping(_mapping())


def token_vault(settings: IntegrationSettings | None = None) -> TokenVault:
    """The vault that encrypts stored access tokens, keyed from the app's secret."""
    settings = settings or current_settings()
    secret = current_app.config.get("SECRET_KEY") if has_app_context() else None
    secret = secret or os.environ.get("SECRET_KEY", "")
    return TokenVault(fernet_key(str(secret), settings.token_key))

"""Configuration from the environment, with safe local defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from db.session import normalise_database_url


class ConfigError(RuntimeError):
    """The environment does not describe a runnable deployment; the message says what to set."""


def is_production(environ: dict[str, str]) -> bool:
    # Heroku-style platforms set DYNO; operators elsewhere set MIXMAP_ENV=production.
    return environ.get("MIXMAP_ENV", "").lower() == "production" or "DYNO" in environ


def _local_secret_key(instance_path: Path) -> str:
    """A random key kept in the instance folder, so local sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@dataclass
class Config:
    """Flask reads the upper-case attributes; see README "Configuration" for each one."""

    SECRET_KEY: str
    DATABASE_URL: str
    MODEL_DIR: str
    ENV: str = "development"
    TESTING: bool = False
    # Model freshness: how often a web process checks for a newer trained model (seconds).
    MODEL_RELOAD_SECONDS: float = 30.0
    # Train in the background once this many feedback events arrived since the last run (0: never).
    RETRAIN_AFTER_EVENTS: int = 0
    WTF_CSRF_ENABLED: bool = True
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_SECURE: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, instance_path: str | Path, environ: dict[str, str] | None = None) -> Config:
        env = dict(os.environ if environ is None else environ)
        instance = Path(instance_path)
        production = is_production(env)
        secret_key = env.get("SECRET_KEY")
        if not secret_key:
            if production:
                raise ConfigError(
                    "SECRET_KEY is not set. In production Mixmap refuses to start without one: "
                    "set it to a long random string (e.g. `python -c 'import secrets; "
                    "print(secrets.token_hex(32))'`)."
                )
            secret_key = _local_secret_key(instance)
        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'mixmap.db'}"
        return cls(
            SECRET_KEY=secret_key,
            DATABASE_URL=normalise_database_url(database_url),
            MODEL_DIR=env.get("MIXMAP_MODEL_DIR") or str(instance / "models"),
            ENV="production" if production else "development",
            MODEL_RELOAD_SECONDS=float(env.get("MIXMAP_MODEL_RELOAD_SECONDS", "30")),
            RETRAIN_AFTER_EVENTS=int(env.get("MIXMAP_RETRAIN_AFTER_EVENTS", "0")),
            SESSION_COOKIE_SECURE=production,
            REMEMBER_COOKIE_SECURE=production,
        )

    @classmethod
    def for_testing(cls, database_url: str, model_dir: str | Path) -> Config:
        return cls(
            SECRET_KEY="test-secret-key",
            DATABASE_URL=normalise_database_url(database_url),
            MODEL_DIR=str(model_dir),
            ENV="testing",
            TESTING=True,
            MODEL_RELOAD_SECONDS=0.0,
            WTF_CSRF_ENABLED=False,
        )

    def as_flask_config(self) -> dict[str, Any]:
        values = asdict(self)
        extra = values.pop("extra")
        return values | extra

"""Configuration from the environment, with safe local defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from db.session import normalise_database_url

MIB = 1024 * 1024


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


def _number(env: dict[str, str], name: str, default: float, kind: type[float] | type[int]) -> Any:
    """A non-negative number from ``env[name]``; a typo stops the start with a clear message."""
    raw = env.get(name, "").strip()
    if not raw:
        return kind(default)
    try:
        value = kind(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(f"{name}={raw!r} is not a non-negative {kind.__name__}.")
    return value


TRAIN_EMBEDDINGS = ("umap", "pca")


def _embedding(env: dict[str, str]) -> str:
    value = env.get("MIXMAP_TRAIN_EMBEDDING", "").strip().lower() or "umap"
    if value not in TRAIN_EMBEDDINGS:
        raise ConfigError(f"MIXMAP_TRAIN_EMBEDDING={value!r}: choose one of {TRAIN_EMBEDDINGS}.")
    return value


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
    # The worker (`ml watch`) retrains once this many feedback events arrived since the last run
    # (0: the worker's own default, 100) AND at least RETRAIN_MIN_MINUTES passed since that run.
    RETRAIN_AFTER_EVENTS: int = 0
    RETRAIN_MIN_MINUTES: float = 10.0
    # How often the worker looks at the feedback count (seconds) and how it maps tracks in 2D/3D
    # ("pca" trains in seconds instead of UMAP's minute: tests, quick tries on a small machine).
    RETRAIN_CHECK_SECONDS: float = 60.0
    TRAIN_EMBEDDING: str = "umap"
    WTF_CSRF_ENABLED: bool = True
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_SECURE: bool = False
    # Security (issue #9); README "Configuration" lists the environment variable of each.
    # Body size of any request (Flask answers 413 above it) ...
    MAX_CONTENT_LENGTH: int = 1 * MIB
    # ... except Dash callbacks, which carry dcc.Upload files base64-encoded in their JSON body.
    MAX_UPLOAD_BYTES: int = 32 * MIB
    MAX_PLAYLIST_TRACKS: int = 1000
    # A CSRF token lives as long as the session it is bound to (logout ends both); a time limit
    # would break a Dash page left open for an hour, whose callbacks carry the token.
    WTF_CSRF_TIME_LIMIT: int | None = None
    # Flask-WTF's HTTPS Referer check would refuse API clients that send no Referer; the Origin /
    # Sec-Fetch-Site check in dashapp.security refuses cross-site writes without that cost.
    WTF_CSRF_SSL_STRICT: bool = False
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (Heroku: 1).
    PROXY_HOPS: int = 0
    # Host names the app answers to (Flask returns 400 for others); None accepts any host.
    TRUSTED_HOSTS: list[str] | None = None
    HSTS: bool = False
    # Throttling (Flask-Limiter). The memory:// store counts per process: it is only right for a
    # single process (tests, `flask run`); set REDIS_URL so every worker and dyno share counts.
    RATELIMIT_ENABLED: bool = True
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_KEY_PREFIX: str = "mixmap"
    LOGIN_LIMIT_ACCOUNT: str = "5 per 15 minutes"
    LOGIN_LIMIT_IP: str = "30 per 15 minutes"
    REGISTER_LIMIT_IP: str = "10 per hour"
    API_LIMIT_USER: str = "600 per minute"
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
        hosts = [h.strip() for h in env.get("MIXMAP_TRUSTED_HOSTS", "").split(",") if h.strip()]
        defaults = cls.__dataclass_fields__
        return cls(
            SECRET_KEY=secret_key,
            DATABASE_URL=normalise_database_url(database_url),
            MODEL_DIR=env.get("MIXMAP_MODEL_DIR") or str(instance / "models"),
            ENV="production" if production else "development",
            MODEL_RELOAD_SECONDS=float(env.get("MIXMAP_MODEL_RELOAD_SECONDS", "30")),
            RETRAIN_AFTER_EVENTS=_number(env, "MIXMAP_RETRAIN_AFTER_EVENTS", 0, int),
            RETRAIN_MIN_MINUTES=_number(env, "MIXMAP_RETRAIN_MIN_MINUTES", 10.0, float),
            RETRAIN_CHECK_SECONDS=_number(env, "MIXMAP_RETRAIN_CHECK_SECONDS", 60.0, float),
            TRAIN_EMBEDDING=_embedding(env),
            SESSION_COOKIE_SECURE=production,
            REMEMBER_COOKIE_SECURE=production,
            MAX_CONTENT_LENGTH=int(env.get("MIXMAP_MAX_REQUEST_BYTES", 1 * MIB)),
            MAX_UPLOAD_BYTES=int(env.get("MIXMAP_MAX_UPLOAD_BYTES", 32 * MIB)),
            MAX_PLAYLIST_TRACKS=int(env.get("MIXMAP_MAX_PLAYLIST_TRACKS", "1000")),
            PROXY_HOPS=int(env.get("MIXMAP_PROXY_HOPS", "0")),
            TRUSTED_HOSTS=hosts or None,
            HSTS=production,
            RATELIMIT_ENABLED=env.get("MIXMAP_RATELIMIT_ENABLED", "1") != "0",
            RATELIMIT_STORAGE_URI=env.get("REDIS_URL") or "memory://",
            RATELIMIT_KEY_PREFIX=env.get("MIXMAP_RATELIMIT_PREFIX", "mixmap"),
            **{
                name: env.get(f"MIXMAP_{name}", defaults[name].default)
                for name in (
                    "LOGIN_LIMIT_ACCOUNT",
                    "LOGIN_LIMIT_IP",
                    "REGISTER_LIMIT_IP",
                    "API_LIMIT_USER",
                )
            },
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
            RETRAIN_MIN_MINUTES=0.0,  # tests see a retrain as soon as the events are there
            WTF_CSRF_ENABLED=False,
        )

    def as_flask_config(self) -> dict[str, Any]:
        values = asdict(self)
        extra = values.pop("extra")
        return values | extra

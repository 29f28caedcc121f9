"""Mixmap's entry point: ``create_app`` wires the server; ``server`` is what gunicorn runs."""

from __future__ import annotations

import logging

from flask import Flask

from dashapp import build_dash
from dashapp.api import register_api
from dashapp.auth import bp as auth_bp
from dashapp.auth import init_auth
from dashapp.cli import register_cli
from dashapp.config import Config
from dashapp.security import init_security
from dashapp.services import model_store
from dashapp.spotify_connect import bp as spotify_connect_bp
from db.session import database


def create_app(config: Config | None = None) -> Flask:
    server = Flask(__name__, instance_relative_config=True)
    config = config or Config.from_env(server.instance_path)
    server.config.from_mapping(config.as_flask_config())
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    database.init_app(server)
    init_auth(server)
    server.register_blueprint(auth_bp)
    register_api(server)
    server.register_blueprint(spotify_connect_bp)
    build_dash(server)
    # After Dash: the CSP hashes Dash's inline scripts, the throttles wrap registered views.
    init_security(server)
    model_store.configure(server.config["MODEL_DIR"], server.config["MODEL_RELOAD_SECONDS"])
    register_cli(server)
    return server


def __getattr__(name: str) -> Flask:
    # `gunicorn app:server` reads this; building it lazily keeps `import app` free of side effects
    # (tests import create_app and build their own servers).
    if name == "server":
        globals()["server"] = created = create_app()
        return created
    raise AttributeError(name)

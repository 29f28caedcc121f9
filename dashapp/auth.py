"""Accounts: flask-login wiring, the access guard, and the Jinja views for login/register/logout."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, redirect, request, url_for
from flask_login import LoginManager, current_user

from db.models import User
from db.session import session_scope

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager = LoginManager()

# Paths anyone may reach. Everything else (Dash pages, /_dash-* routes, the API) needs a login.
PUBLIC_PREFIXES = ("/login", "/register", "/static/", "/assets/", "/healthz")


class SessionUser:
    """The logged-in user as flask-login sees it: a detached snapshot, never a live ORM row."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.email = user.email
        self.display_name = user.display_name
        self.is_admin = user.is_admin

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


@login_manager.user_loader
def load_user(user_id: str) -> SessionUser | None:
    if not user_id.isdigit():
        return None
    with session_scope() as session:
        user = session.get(User, int(user_id))
        if user is None or user.password_hash is None:
            return None
        return SessionUser(user)


def _is_public(path: str) -> bool:
    return path == "/favicon.ico" or path.startswith(PUBLIC_PREFIXES)


def guard_request():
    if _is_public(request.path) or current_user.is_authenticated:
        return None
    if request.path.startswith(("/api/", "/_dash-", "/_reload-hash")):
        return jsonify(error="authentication required"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_auth(server: Flask) -> None:
    login_manager.init_app(server)
    login_manager.login_view = "auth.login"
    server.before_request(guard_request)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "Log in to Mixmap", 200

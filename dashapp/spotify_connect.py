"""The two browser legs of "Connect Spotify" (Authorization Code with PKCE).

``/connect/spotify`` makes a random state and a PKCE code verifier, keeps them in the server-signed
session with the user id and the time, and redirects to Spotify. ``/connect/spotify/callback``
takes them out of the session (one use), checks the state in constant time, the user and the age,
swaps the code for tokens and lands on the Profile page with the outcome. Both need a logged-in
user (the app's deny-by-default guard sends anyone else to /login).
"""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from dashapp.services import spotify_account
from integrations.errors import IntegrationError, NotConfigured

bp = Blueprint("spotify_connect", __name__)
log = logging.getLogger(__name__)
PENDING_KEY = "spotify_connect"


def _profile(outcome: str) -> Response:
    return redirect(f"/profile?spotify={outcome}")


def _callback_url() -> str:
    return url_for("spotify_connect.callback", _external=True)


@bp.get("/connect/spotify")
def connect() -> Response:
    if not current_user.is_authenticated:
        return redirect("/login")
    try:
        url, pending = spotify_account.begin_connect(int(current_user.id), _callback_url())
    except NotConfigured:
        return _profile("not-configured")
    session[PENDING_KEY] = pending
    return redirect(url)


@bp.get("/connect/spotify/callback")
def callback() -> Response:
    if not current_user.is_authenticated:
        return redirect("/login")
    pending = session.pop(PENDING_KEY, None)
    if request.args.get("error"):  # the user pressed "Cancel" at Spotify
        return _profile("denied")
    try:
        spotify_account.finish_connect(
            int(current_user.id),
            pending,
            request.args.get("state"),
            request.args.get("code"),
            _callback_url(),
        )
    except spotify_account.SpotifyConnectError:
        return _profile("mismatch")
    except NotConfigured:
        return _profile("not-configured")
    except IntegrationError as error:
        log.warning("Spotify connect failed for user %s: %s", current_user.id, error)
        return _profile("failed")
    return _profile("connected")

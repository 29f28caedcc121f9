"""A local stand-in for Spotify (accounts + Web API) and Last.fm, served on a loopback port.

It implements just enough of each documented API for Mixmap's clients, checks what the real
services check (bearer tokens, the PKCE verifier against the challenge, client credentials, page
bounds), logs every request, and can be scripted to answer the next calls to a path with failures
(401, 429 + Retry-After, 5xx, malformed bodies) before behaving normally again.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, redirect, request
from werkzeug.serving import make_server

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"
LASTFM_KEY = "fake-lastfm-key"


@dataclass
class Scripted:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (to trip the client's read timeout)


@dataclass
class FakeState:
    # Spotify
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (challenge, redirect)
    access_tokens: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    token_lifetime: int = 3600
    deny_consent: bool = False
    before_refresh: Callable[[], None] | None = None  # runs inside a refresh grant, first
    user: dict[str, Any] = field(default_factory=lambda: {"id": "ada", "display_name": "Ada L"})
    saved: list[dict[str, Any]] = field(default_factory=list)  # {"added_at", "track": {...}}
    top: list[dict[str, Any]] = field(default_factory=list)
    recent: list[dict[str, Any]] = field(default_factory=list)  # {"played_at", "track": {...}}
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)
    artists: dict[str, dict[str, Any]] = field(default_factory=dict)
    playlists: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Last.fm
    scrobbles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # user → newest first
    tags: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # artist → tags
    similar: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Both
    script: dict[str, deque[Scripted]] = field(default_factory=lambda: defaultdict(deque))
    log: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


class FakeMusicServices:
    def __init__(self) -> None:
        self.state = FakeState()
        self._ids = itertools.count(1)
        self.app = self._build()
        self._server = make_server("127.0.0.1", 0, _without_trailing_slash(self.app), threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ------------------------------------------------------------ lifecycle and helpers

    def __enter__(self) -> FakeMusicServices:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The environment that points Mixmap at this fake."""
        return {
            "SPOTIFY_CLIENT_ID": CLIENT_ID,
            "SPOTIFY_CLIENT_SECRET": CLIENT_SECRET,
            "LASTFM_API_KEY": LASTFM_KEY,
            "MIXMAP_SPOTIFY_API_URL": f"{self.base}/v1/",
            "MIXMAP_SPOTIFY_ACCOUNTS_URL": f"{self.base}/accounts/",
            "MIXMAP_LASTFM_API_URL": f"{self.base}/lastfm/2.0/",
            "MIXMAP_HTTP_RETRIES": "2",
            "MIXMAP_HTTP_BACKOFF": "0.01",
            "MIXMAP_LASTFM_MIN_INTERVAL": "0",
        }

    def fail_next(self, path: str, *answers: Scripted) -> None:
        """Answer the next calls to ``path`` (e.g. "/v1/me/tracks") with ``answers``, in order."""
        self.state.script[path].extend(answers)

    def calls(self, path: str) -> list[dict[str, Any]]:
        return [params for _method, logged, params in self.state.log if logged == path]

    def authorize(self, challenge: str, redirect_uri: str) -> str:
        """What Spotify does when the user clicks "Agree": a one-time code for this challenge."""
        code = f"code-{next(self._ids)}"
        self.state.codes[code] = (challenge, redirect_uri)
        return code

    def issue_token(self) -> dict[str, Any]:
        access, refresh = f"access-{next(self._ids)}", f"refresh-{next(self._ids)}"
        self.state.access_tokens.add(access)
        self.state.refresh_tokens.add(refresh)
        return {"access_token": access, "refresh_token": refresh}

    def revoke_access(self) -> None:
        """Invalidate every access token (refresh tokens still work): the next call gets 401."""
        self.state.access_tokens.clear()

    def add_track(self, track_id: str, artist_id: str, name: str = "Song") -> dict[str, Any]:
        track = {
            "id": track_id,
            "name": name,
            "artists": [{"id": artist_id, "name": f"Artist {artist_id}"}],
            "album": {"images": [{"url": f"https://img.example/{track_id}.jpg"}]},
            "preview_url": f"https://preview.example/{track_id}.mp3",
            "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
        }
        self.state.tracks[track_id] = track
        self.state.artists.setdefault(
            artist_id, {"id": artist_id, "name": f"Artist {artist_id}", "genres": [], "images": []}
        )
        return track

    # ------------------------------------------------------------ the app

    def _build(self) -> Flask:
        app = Flask("fake_music_services")
        state = self.state

        @app.before_request
        def log_and_script() -> Response | None:
            params = dict(request.args) | dict(request.form)
            if request.is_json:
                params["json"] = request.get_json(silent=True)
            params["authorization"] = request.headers.get("Authorization", "")
            state.log.append((request.method, request.path, params))
            queue = state.script.get(request.path)
            if queue:
                answer = queue.popleft()
                time.sleep(answer.delay)
                return Response(answer.body, answer.status, headers=answer.headers)
            return None

        def bearer_ok() -> bool:
            header = request.headers.get("Authorization", "")
            return header.startswith("Bearer ") and header[7:] in state.access_tokens

        def unauthorised() -> tuple[Response, int]:
            return jsonify(error={"status": 401, "message": "The access token expired"}), 401

        def token_response(extra: dict[str, Any]) -> Response:
            return jsonify(
                token_type="Bearer",
                expires_in=state.token_lifetime,
                scope=" ".join(SCOPES),
                **extra,
            )

        @app.get("/accounts/authorize")
        def authorize_page() -> Any:
            """The consent page, with the user clicking "Agree" at once: back to the app with a
            code bound to the PKCE challenge (or with error=access_denied if told to refuse)."""
            args = request.args
            target = args.get("redirect_uri", "")
            back = {"state": args.get("state", "")}
            if state.deny_consent:
                return redirect(f"{target}?{urlencode(back | {'error': 'access_denied'})}")
            if args.get("client_id") != CLIENT_ID or args.get("code_challenge_method") != "S256":
                return jsonify(error="invalid_request"), 400
            code = self.authorize(args.get("code_challenge", ""), target)
            return redirect(f"{target}?{urlencode(back | {'code': code})}")

        @app.post("/accounts/api/token")
        def token() -> Any:
            form = request.form
            grant = form.get("grant_type")
            if grant == "authorization_code":
                challenge, redirect_uri = state.codes.pop(form.get("code", ""), (None, None))
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
                if (
                    challenge is None
                    or challenge != expected
                    or redirect_uri != form.get("redirect_uri")
                    or form.get("client_id") != CLIENT_ID
                ):
                    return jsonify(error="invalid_grant"), 400
                return token_response(self.issue_token())
            if grant == "refresh_token":
                if state.before_refresh is not None:
                    state.before_refresh()
                if form.get("refresh_token") not in state.refresh_tokens:
                    return jsonify(
                        error="invalid_grant", error_description="Refresh token revoked"
                    ), 400
                access = f"access-{next(self._ids)}"
                state.access_tokens.add(access)
                return token_response({"access_token": access})
            if grant == "client_credentials":
                expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if request.headers.get("Authorization") != f"Basic {expected}":
                    return jsonify(error="invalid_client"), 400
                access = f"app-{next(self._ids)}"
                state.access_tokens.add(access)
                return jsonify(access_token=access, token_type="Bearer", expires_in=3600)
            return jsonify(error="unsupported_grant_type"), 400

        def page(items: list[Any], limit_max: int = 50) -> Any:
            limit = int(request.args.get("limit", 20))
            offset = int(request.args.get("offset", 0))
            if not 1 <= limit <= limit_max:
                return jsonify(error={"status": 400, "message": "Invalid limit"}), 400
            return jsonify(items=items[offset : offset + limit], total=len(items), next=None)

        @app.get("/v1/me")
        def me() -> Any:
            return jsonify(state.user) if bearer_ok() else unauthorised()

        @app.get("/v1/me/tracks")
        def saved() -> Any:
            return page(state.saved) if bearer_ok() else unauthorised()

        @app.get("/v1/me/top/tracks")
        def top() -> Any:
            return page(state.top) if bearer_ok() else unauthorised()

        @app.get("/v1/me/player/recently-played")
        def recent() -> Any:
            if not bearer_ok():
                return unauthorised()
            return jsonify(items=state.recent[: int(request.args.get("limit", 20))])

        @app.get("/v1/tracks")
        def tracks() -> Any:
            if not bearer_ok():
                return unauthorised()
            ids = request.args.get("ids", "").split(",")
            if len(ids) > 50:
                return jsonify(error={"status": 400, "message": "Too many ids requested"}), 400
            return jsonify(tracks=[state.tracks.get(i) for i in ids])

        @app.get("/v1/artists")
        def artists() -> Any:
            if not bearer_ok():
                return unauthorised()
            ids = request.args.get("ids", "").split(",")
            if len(ids) > 50:
                return jsonify(error={"status": 400, "message": "Too many ids requested"}), 400
            return jsonify(artists=[state.artists.get(i) for i in ids])

        @app.post("/v1/me/playlists")
        def create_playlist() -> Any:
            if not bearer_ok():
                return unauthorised()
            body = json.loads(request.get_data() or b"{}")
            playlist_id = f"pl{next(self._ids)}"
            state.playlists[playlist_id] = {"name": body.get("name"), "items": [], **body}
            return jsonify(
                id=playlist_id,
                external_urls={"spotify": f"https://open.spotify.com/playlist/{playlist_id}"},
            ), 201

        @app.post("/v1/playlists/<playlist_id>/items")
        def add_items(playlist_id: str) -> Any:
            if not bearer_ok():
                return unauthorised()
            body = json.loads(request.get_data() or b"{}")
            # Spotify takes {"uris": [...]} or the bare list (spotipy sends the list).
            uris = body if isinstance(body, list) else body.get("uris", [])
            if playlist_id not in state.playlists or not 1 <= len(uris) <= 100:
                return jsonify(error={"status": 400, "message": "Invalid request"}), 400
            state.playlists[playlist_id]["items"].extend(uris)
            return jsonify(snapshot_id=f"snap{next(self._ids)}"), 201

        @app.route("/lastfm/2.0/", methods=["GET", "POST"])
        def lastfm() -> Any:
            args = request.values
            if args.get("api_key") != LASTFM_KEY:
                return jsonify(error=10, message="Invalid API key"), 403
            method = args.get("method", "").lower()
            if method == "user.getrecenttracks":
                user = args.get("user", "")
                if user not in state.scrobbles:
                    return jsonify(error=6, message="User not found"), 404
                limit, number = int(args.get("limit", 50)), int(args.get("page", 1))
                rows = state.scrobbles[user]
                pages = max(1, -(-len(rows) // limit))
                chunk = rows[(number - 1) * limit : number * limit]
                attrs = {"page": str(number), "totalPages": str(pages), "total": str(len(rows))}
                return jsonify(recenttracks={"track": chunk, "@attr": attrs})
            if method == "artist.gettoptags":
                artist = args.get("artist", "")
                if artist not in state.tags:
                    return jsonify(error=6, message="The artist you supplied could not be found")
                return jsonify(toptags={"tag": state.tags[artist], "@attr": {"artist": artist}})
            if method == "artist.getsimilar":
                artist = args.get("artist", "")
                return jsonify(similarartists={"artist": state.similar.get(artist, [])})
            return jsonify(error=3, message="Invalid Method"), 400

        return app


def _without_trailing_slash(app: Flask) -> Any:
    """spotipy asks for "me/" and "tracks/?ids=": serve Spotify's paths with or without "/"."""

    def middleware(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/v1/") and path.endswith("/"):
            environ["PATH_INFO"] = path.rstrip("/")
        return app(environ, start_response)

    return middleware


SCOPES = (
    "user-library-read",
    "user-top-read",
    "user-read-recently-played",
    "playlist-modify-private",
    "playlist-modify-public",
)


def scrobble(artist: str, title: str, uts: int, album: str = "") -> dict[str, Any]:
    """One ``user.getRecentTracks`` item in Last.fm's JSON shape."""
    return {
        "artist": {"#text": artist, "mbid": ""},
        "name": title,
        "album": {"#text": album},
        "date": {"uts": str(uts), "#text": "01 Jan 2026, 00:00"},
    }

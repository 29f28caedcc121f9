"""The JSON API (``/api/v1``): recommendations, playlists and feedback, over the same services."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)

"""What the API answers, as pydantic models used for the OpenAPI document.

The views build their JSON from the services' own ``as_json``; these models describe that JSON so
the document can promise it, and the Schemathesis test holds every answer to the promise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Resource(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldProblem(Resource):
    field: str = Field(description="dotted path of the offending field, e.g. edit.position")
    message: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description='"about:blank" or one of our problem type URIs')
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    errors: list[FieldProblem] | None = Field(None, description="one entry per invalid field")


class Recommendation(Resource):
    track_id: str
    name: str
    artist_id: int
    artist_name: str
    genre: str
    mood: str
    moods: list[str]
    cluster: int
    cluster_name: str
    score: float
    reasons: list[str]
    spotify_url: str | None


class Recommendations(Resource):
    status: Literal["ok"]
    message: str | None
    model_version: str | None
    adventurousness: float
    items: list[Recommendation]


class FeedbackRecorded(Resource):
    recorded: str
    track_id: str
    message: str


class Ban(Resource):
    id: int
    track_id: str | None
    artist_id: int | None
    label: str
    created_at: datetime


class Page(Resource):
    total: int = Field(ge=0)
    limit: int = Field(ge=1)
    offset: int = Field(ge=0)
    next: str | None = Field(description="URL of the next page, null on the last one")


class BanPage(Page):
    items: list[Ban]


class PlaylistSummary(Resource):
    id: int
    name: str
    is_curated: bool
    is_smart: bool
    track_count: int
    duration_ms: int
    updated_at: datetime


class PlaylistPage(Page):
    items: list[PlaylistSummary]


class PlaylistItem(Resource):
    """One track in play order, with the columns the editor sorts and sequences by."""

    position: int
    track_id: str
    locked: bool
    name: str
    artist_id: int
    artist_names: str
    album_name: str | None
    release_year: int | None
    popularity: int | None
    duration_ms: int
    explicit: bool | None
    danceability: float | None
    energy: float | None
    key: int | None
    mode: int | None
    loudness: float | None
    speechiness: float | None
    acousticness: float | None
    instrumentalness: float | None
    liveness: float | None
    valence: float | None
    tempo: float | None
    source: str | None


class PlaylistDetail(Resource):
    id: int
    name: str
    description: str | None
    is_curated: bool
    is_smart: bool
    generator: dict[str, Any] | None
    track_count: int
    duration_ms: int
    created_at: datetime
    updated_at: datetime
    note: str | None
    items: list[PlaylistItem]

"""What the API accepts, as pydantic models: one definition validates a request and, through
``model_json_schema``, documents it in the OpenAPI document (JSON Schema 2020-12, which OpenAPI 3.1
uses as is). Bodies are strict (a string is a string, a number is not a bool) and closed (an unknown
field is an error, not silently ignored); query strings are parsed leniently from text.

Every size a client controls has a bound here: list lengths, string lengths, ``k``, page sizes,
ids (64-bit, like the database's keys).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dashapp.services.feedback import FEEDBACK_KINDS, MAX_CONTEXT_LENGTH, MAX_EVENT_ID_LENGTH
from dashapp.services.playlists import EXPORT_FORMATS, MAX_NAME_LENGTH
from dashapp.services.recommendations import MAX_K
from ml.playlists import GENERATOR_KINDS, MAX_MINUTES, MAX_TRACKS, ORDERS
from music.moods import MOODS

# Database keys are signed 64-bit integers; a larger id can name nothing.
MAX_ID = 2**63 - 1
# PostgreSQL text cannot hold NUL (0x00); refusing it here keeps it out of every backend.
NO_NUL = r"^[^\x00]*$"
MAX_TRACK_ID_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 2_000
# How many track ids one request may carry (the playlist length cap itself lives in the service).
MAX_TRACK_IDS = 5_000
MAX_POSITION = 100_000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
MAX_OFFSET = 1_000_000
EXAMPLE_TRACK = "t0000"

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
TrackId = Annotated[
    str,
    Field(min_length=1, max_length=MAX_TRACK_ID_LENGTH, pattern=NO_NUL, examples=[EXAMPLE_TRACK]),
]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH, pattern=NO_NUL)]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION_LENGTH, pattern=NO_NUL)]
Label = Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]
Position = Annotated[int, Field(ge=0, le=MAX_POSITION)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Range = Annotated[list[Annotated[float, Field(ge=-1e6, le=1e6)]], Field(min_length=2, max_length=2)]


class Body(BaseModel):
    """A JSON body: exact types, no unknown fields, no NaN or infinity."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class Query(BaseModel):
    """A query string: values arrive as text and are parsed; unknown parameters are ignored
    (caches and proxies add their own)."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


# --- listening ----------------------------------------------------------------------------------


class RecommendationsQuery(Query):
    k: int = Field(20, ge=1, le=MAX_K, description="how many tracks")
    adventurousness: float | None = Field(
        None, ge=0.0, le=1.0, description="0 = close to your taste, 1 = far from it"
    )


class FeedbackBody(Body):
    track_id: TrackId
    kind: Literal[FEEDBACK_KINDS]  # type: ignore[valid-type]
    context: Annotated[str, Field(max_length=MAX_CONTEXT_LENGTH, pattern=NO_NUL)] = "api"
    # A client's id for this event: a retry with the same id stores nothing twice.
    event_id: (
        Annotated[
            str, Field(min_length=1, max_length=MAX_EVENT_ID_LENGTH, pattern=r"^[^\x00-\x1f\x7f]+$")
        ]
        | None
    ) = None


class BanBody(Body):
    """Exactly one of ``track_id`` or ``artist_id``."""

    track_id: TrackId | None = None
    artist_id: Id | None = None

    @model_validator(mode="after")
    def exactly_one(self) -> BanBody:
        if (self.track_id is None) == (self.artist_id is None):
            raise ValueError('give exactly one of "track_id" or "artist_id"')
        return self


class PageQuery(Query):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="page size")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="items to skip")


class PlaylistsQuery(PageQuery):
    scope: Literal["mine", "curated"] = Field(
        "mine", description="your playlists, or the curated ones that came with the catalogue"
    )


class ExportQuery(Query):
    # Checked by the service, which also knows the formats' aliases.
    format: str = Field(
        "csv",
        min_length=1,
        max_length=16,
        pattern=NO_NUL,
        description=f"one of {', '.join(EXPORT_FORMATS)}",
        examples=list(EXPORT_FORMATS),
    )


# --- playlists ----------------------------------------------------------------------------------


class PlaylistCreate(Body):
    name: Name
    track_ids: list[TrackId] = Field(default_factory=list, max_length=MAX_TRACK_IDS)
    description: Description | None = None


class LengthSpec(Body):
    """A target length: tracks or minutes, not both."""

    tracks: int | None = Field(None, ge=1, le=MAX_TRACKS)
    minutes: float | None = Field(None, ge=1, le=MAX_MINUTES)

    @model_validator(mode="after")
    def not_both(self) -> LengthSpec:
        if self.tracks is not None and self.minutes is not None:
            raise ValueError("give a length in tracks or in minutes, not both")
        return self


class FilterSpec(Body):
    genres_include: list[Label] = Field(default_factory=list, max_length=50)
    genres_exclude: list[Label] = Field(default_factory=list, max_length=50)
    moods: list[Literal[MOODS]] = Field(default_factory=list, max_length=len(MOODS))  # type: ignore[valid-type]
    activity: Label | None = None
    tempo: Range | None = None
    half_double_time: bool = False
    energy: Range | None = None
    danceability: Range | None = None
    valence: Range | None = None
    acousticness: Range | None = None
    popularity: Range | None = None
    release_year: Range | None = None
    allow_explicit: bool = True


class PlaylistGenerate(Body):
    name: Name | None = None
    smart: bool = True
    kind: Literal[tuple(GENERATOR_KINDS)]  # type: ignore[valid-type]
    track_ids: list[TrackId] = Field(default_factory=list, max_length=MAX_TRACKS)
    artist_id: Id | None = None
    filter: FilterSpec | None = None
    length: LengthSpec | None = None
    adventurousness: Fraction = 0.5
    order: Literal[ORDERS] = "relevance"  # type: ignore[valid-type]
    seed: int = Field(0, ge=0, le=2**32 - 1)

    def spec(self) -> dict[str, Any]:
        """The generator spec the service takes (``ml.playlists.GeneratorSpec.from_dict``)."""
        return self.model_dump(exclude={"name", "smart"}, exclude_none=True)


class Dedupe(Body):
    operation: Literal["dedupe"]


class Flow(Body):
    operation: Literal["flow"]


class Sort(Body):
    operation: Literal["sort"]
    column: Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]
    descending: bool = False


class Separate(Body):
    operation: Literal["separate"]
    gap: int = Field(3, ge=1, le=50)


class Remove(Body):
    operation: Literal["remove"]
    positions: list[Position] = Field(max_length=MAX_TRACK_IDS)


class Lock(Body):
    operation: Literal["lock"]
    position: Position
    locked: bool


class Reorder(Body):
    operation: Literal["reorder"]
    order: list[Position] = Field(max_length=MAX_TRACK_IDS)


EDIT_MODELS = (Dedupe, Flow, Sort, Separate, Remove, Lock, Reorder)
Edit = Annotated[
    Dedupe | Flow | Sort | Separate | Remove | Lock | Reorder, Field(discriminator="operation")
]


class PlaylistPatch(Body):
    """Each key present is applied in this order, each in its own transaction."""

    name: Name | None = None
    description: Description | None = None
    order: list[TrackId] | None = Field(None, max_length=MAX_TRACK_IDS)
    edit: Edit | None = None
    append: list[TrackId] | None = Field(None, max_length=MAX_TRACK_IDS)
    refresh: bool = False

"""SQLAlchemy 2.x typed models: catalogue, listeners, feedback, playlists and model runs.

Why this module passes 400 lines: it is the schema, one declarative class per table on one
metadata with one naming convention, read side by side with the Alembic migrations it must match.
Each class is short; splitting them by area would scatter the foreign keys that tie them together.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

from music.schema import InteractionKind

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime, as every timestamp column stores it."""
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    display_name: Mapped[str] = mapped_column(String(80))
    # None for generated demo listeners, who exist for their histories and cannot log in.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Part of every session id (see dashapp.auth): bumping it ends all of the user's sessions.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    preferences: Mapped[UserPreference | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class UserPreference(Base):
    """What a listener told us at onboarding or on their profile; it seeds the recommender."""

    __tablename__ = "user_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    favourite_genres: Mapped[list[Any]] = mapped_column(default=list)  # genre slugs
    favourite_artists: Mapped[list[Any]] = mapped_column(default=list)  # artist ids
    moods: Mapped[list[Any]] = mapped_column(default=list)  # mood names from music.moods
    adventurousness: Mapped[float] = mapped_column(Float, default=0.5)  # 0 familiar .. 1 far out
    onboarded_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="preferences")


class Artist(Base):
    __tablename__ = "artists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # Case-folded, trimmed, whitespace-collapsed name: the key imports and HetRec joins match on.
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    popularity: Mapped[float] = mapped_column(Float, default=0.0)  # mean popularity of its tracks


class Genre(Base):
    """A top-level genre ("rock") or a subgenre ("rock/hard rock") whose parent is a genre."""

    __tablename__ = "genres"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("genres.id"), index=True)

    parent: Mapped[Genre | None] = relationship(remote_side="Genre.id")


class Track(Base):
    __tablename__ = "tracks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # Spotify's base-62 id
    name: Mapped[str] = mapped_column(String(1000))  # real titles reach 511 characters
    # The primary (first credited) artist; every credited artist is in ``track_artists``.
    artist_id: Mapped[int] = mapped_column(ForeignKey("artists.id"), index=True)
    artist_names: Mapped[str] = mapped_column(String(1000))  # every credited artist, for display
    album_id: Mapped[str | None] = mapped_column(String(64))
    album_name: Mapped[str | None] = mapped_column(String(500))
    release_date: Mapped[date | None] = mapped_column(Date)
    release_year: Mapped[int | None] = mapped_column(SmallInteger, index=True)
    popularity: Mapped[int] = mapped_column(SmallInteger, default=0)
    duration_ms: Mapped[int] = mapped_column(Integer)
    explicit: Mapped[bool | None] = mapped_column(Boolean)
    danceability: Mapped[float] = mapped_column(Float)
    energy: Mapped[float] = mapped_column(Float)
    key: Mapped[int] = mapped_column(SmallInteger)
    loudness: Mapped[float] = mapped_column(Float)
    mode: Mapped[int] = mapped_column(SmallInteger)
    speechiness: Mapped[float] = mapped_column(Float)
    acousticness: Mapped[float] = mapped_column(Float)
    instrumentalness: Mapped[float] = mapped_column(Float)
    liveness: Mapped[float] = mapped_column(Float)
    valence: Mapped[float] = mapped_column(Float)
    tempo: Mapped[float] = mapped_column(Float)
    time_signature: Mapped[int | None] = mapped_column(SmallInteger)
    source: Mapped[str] = mapped_column(String(32))  # tidytuesday, kaggle or demo
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    artist: Mapped[Artist] = relationship()
    genres: Mapped[list[Genre]] = relationship(secondary="track_genres", viewonly=True)


class TrackGenre(Base):
    __tablename__ = "track_genres"

    track_id: Mapped[str] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
    )
    genre_id: Mapped[int] = mapped_column(ForeignKey("genres.id"), primary_key=True, index=True)


class Interaction(Base):
    """One feedback event; append-only, it is what retraining learns from."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_user_at", "user_id", "at"),
        # Idempotent feedback: one event per (user, client event id); NULL ids never collide.
        Index("uq_interactions_user_id_event_id", "user_id", "event_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[InteractionKind] = mapped_column(
        Enum(
            InteractionKind,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Where it happened ("home", "explore", "playlist:12", "demo"): evaluation separates sources.
    context: Mapped[str | None] = mapped_column(String(64))
    # The id the client gave this event, so a retried request is recognised (migration 0002).
    event_id: Mapped[str | None] = mapped_column(String(64))


class Ban(Base):
    """A standing ban on a track or on a whole artist: a hard filter on everything we suggest."""

    __tablename__ = "bans"
    __table_args__ = (
        CheckConstraint("(track_id IS NULL) <> (artist_id IS NULL)", name="one_target"),
        UniqueConstraint("user_id", "track_id"),
        UniqueConstraint("user_id", "artist_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[str | None] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    artist_id: Mapped[int | None] = mapped_column(ForeignKey("artists.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Playlist(Base):
    """A user's playlist, or (``owner_id`` None) a curated playlist that came with the catalogue."""

    __tablename__ = "playlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # Spotify playlist id
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    genre_id: Mapped[int | None] = mapped_column(ForeignKey("genres.id"))  # curated: its subgenre
    # The generator and settings that made it, so a "smart playlist" can be re-run.
    generator: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items: Mapped[list[PlaylistItem]] = relationship(
        order_by="PlaylistItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        back_populates="playlist",
    )


class PlaylistItem(Base):
    __tablename__ = "playlist_items"
    __table_args__ = (UniqueConstraint("playlist_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    playlist_id: Mapped[int] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 0-based, dense
    track_id: Mapped[str] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    locked: Mapped[bool] = mapped_column(default=False)  # kept in place by re-ordering and re-runs
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    playlist: Mapped[Playlist] = relationship(back_populates="items")


class ModelVersion(Base):
    """One trained model in the registry: its artifact bytes, how good it was, whether it serves.

    The database is the source of truth (web dynos share no disk); a local model folder is only a
    cache of ``artifact`` keyed by ``sha256``. At most one row is ``active`` (partial unique index),
    and activation retires the old one in the same transaction.
    """

    __tablename__ = "model_versions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('candidate', 'active', 'retired', 'rejected')", name="status_known"
        ),
        Index(
            "uq_model_versions_one_active",
            "status",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The cache file name of the artifact (``<sha256>.joblib``), never a path a user chose.
    artifact_path: Mapped[str] = mapped_column(String(1000))
    data_hash: Mapped[str] = mapped_column(String(64))
    track_count: Mapped[int] = mapped_column(Integer)
    # The newest interaction id the run learned from: "N new feedback events since" counts past it.
    interactions_until_id: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="candidate")
    status_reason: Mapped[str | None] = mapped_column(Text)
    activated_at: Mapped[datetime | None]
    # The joblib bytes; deferred so listing versions never pulls megabytes.
    artifact: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    # python, numpy, scipy, scikit-learn, pandas, joblib versions that wrote the pickle.
    libraries: Mapped[dict[str, Any] | None]
    # The quality gate's report (holdout metrics of candidate, active and baseline; the decision).
    gate: Mapped[dict[str, Any] | None]
    # What changed against the version active at gate time (clusters moved, top-10s changed).
    diff: Mapped[dict[str, Any] | None]


class TrackArtist(Base):
    """Every artist credited on a track, in credit order (position 0 is ``tracks.artist_id``)."""

    __tablename__ = "track_artists"
    __table_args__ = (UniqueConstraint("track_id", "artist_id"),)

    track_id: Mapped[str] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True)  # 0-based, dense
    artist_id: Mapped[int] = mapped_column(ForeignKey("artists.id", ondelete="CASCADE"), index=True)


# Imported listens are interactions with context "import:<source>" and their original time; the
# same listen imported twice (the same file again, or overlapping exports) is stored once.
# Partial, so feedback clicks keep their append-only log.
IMPORTED_LISTEN_PREDICATE = "context LIKE 'import:%'"
Index(
    "uq_interactions_imported_listen",
    Interaction.user_id,
    Interaction.track_id,
    Interaction.at,
    unique=True,
    sqlite_where=sql_text(IMPORTED_LISTEN_PREDICATE),
    postgresql_where=sql_text(IMPORTED_LISTEN_PREDICATE),
)


class Job(Base):
    """Background work for the worker process (history imports): queued -> running -> done/failed.

    Processes share nothing but the database, so an upload reaches the worker in ``upload`` and
    is deleted once the job ends; ``progress`` (0..1) and ``message`` are what the page polls.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="known_status"),
        Index("ix_jobs_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(500), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any] | None]
    # Deferred: listing and polling jobs must not drag a 200 MB upload out of the database.
    upload: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    upload_bytes: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class TrainingRun(Base):
    """A retrain asked for (Admin "retrain now", `ml retrain`, the worker) and its progress.

    It doubles as the lock that makes concurrent retrains train once: at most one row may be
    ``running`` and at most one ``queued`` (partial unique indexes, on SQLite and PostgreSQL alike).
    """

    __tablename__ = "training_runs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        Index(
            "uq_training_runs_one_running",
            "status",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
        Index(
            "uq_training_runs_one_queued",
            "status",
            unique=True,
            sqlite_where=text("status = 'queued'"),
            postgresql_where=text("status = 'queued'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(32))  # admin, cli, watch
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]  # a running row whose heartbeat stops is stale
    finished_at: Mapped[datetime | None]
    progress: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(16))  # activated, rejected, skipped


# ---------------------------------------------------------------- integrations (Spotify, Last.fm)


class ExternalAccount(Base):
    """A user's link to an outside service: Spotify (OAuth tokens, Fernet-encrypted) or Last.fm
    (a username, no secret). Disconnecting deletes the row and with it the tokens."""

    __tablename__ = "external_accounts"
    __table_args__ = (UniqueConstraint("user_id", "provider"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(16))  # "spotify" or "lastfm"
    external_user_id: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str | None] = mapped_column(String(200))
    token_ciphertext: Mapped[str | None] = mapped_column(Text)  # Fernet token of the JSON token
    token_expires_at: Mapped[datetime | None]
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ApiCacheEntry(Base):
    """One cached response of an outside API, so re-running enrichment asks nothing twice."""

    __tablename__ = "api_cache"
    __table_args__ = (UniqueConstraint("provider", "cache_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    cache_key: Mapped[str] = mapped_column(String(400))  # e.g. "track:<id>", "toptags:<artist>"
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class TrackEnrichment(Base):
    """What Spotify says about a catalogue track beyond the catalogue file."""

    __tablename__ = "track_enrichments"

    track_id: Mapped[str] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
    )
    album_image_url: Mapped[str | None] = mapped_column(String(500))
    preview_url: Mapped[str | None] = mapped_column(String(500))
    spotify_url: Mapped[str | None] = mapped_column(String(500))
    spotify_artist_id: Mapped[str | None] = mapped_column(String(64))
    enriched_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArtistEnrichment(Base):
    """Spotify's genres and Last.fm's tags, moods and similar artists for a catalogue artist."""

    __tablename__ = "artist_enrichments"

    artist_id: Mapped[int] = mapped_column(
        ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True
    )
    spotify_artist_id: Mapped[str | None] = mapped_column(String(64))
    spotify_genres: Mapped[list[Any]] = mapped_column(default=list)
    lastfm_tags: Mapped[list[Any]] = mapped_column(default=list)  # genre-like tags
    moods: Mapped[list[Any]] = mapped_column(default=list)  # music.moods names read from tags
    similar_artists: Mapped[list[Any]] = mapped_column(default=list)  # names, most similar first
    # When each source was last asked (None: never), so `catalog enrich` resumes where it stopped.
    spotify_enriched_at: Mapped[datetime | None]
    lastfm_enriched_at: Mapped[datetime | None]

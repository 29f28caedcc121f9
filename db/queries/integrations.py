"""Storage for the Spotify and Last.fm integrations: linked accounts, the API response cache,
catalogue enrichments. (Imported listens are the history import's: db.queries.history.)"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models import (
    ApiCacheEntry,
    Artist,
    ArtistEnrichment,
    ExternalAccount,
    Playlist,
    PlaylistItem,
    Track,
    TrackEnrichment,
    User,
    utcnow,
)

IN_CHUNK = 500  # ids per IN (...) clause: well under SQLite's and PostgreSQL's parameter limits


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# ---------------------------------------------------------------- linked accounts


def user_id_by_email(session: Session, email: str) -> int | None:
    return session.scalar(select(User.id).where(User.email == email.strip().lower()))


def account(session: Session, user_id: int, provider: str) -> ExternalAccount | None:
    return session.scalar(
        select(ExternalAccount).where(
            ExternalAccount.user_id == user_id, ExternalAccount.provider == provider
        )
    )


def save_account(
    session: Session,
    user_id: int,
    provider: str,
    *,
    external_user_id: str,
    display_name: str | None,
    token_ciphertext: str | None = None,
    token_expires_at: datetime | None = None,
) -> ExternalAccount:
    row = account(session, user_id, provider)
    if row is None:
        row = ExternalAccount(user_id=user_id, provider=provider, external_user_id=external_user_id)
        session.add(row)
    row.external_user_id = external_user_id
    row.display_name = display_name
    row.token_ciphertext = token_ciphertext
    row.token_expires_at = token_expires_at
    row.updated_at = utcnow()
    session.flush()
    return row


def update_token(
    session: Session, user_id: int, provider: str, ciphertext: str, expires_at: datetime
) -> None:
    row = account(session, user_id, provider)
    if row is not None:
        row.token_ciphertext = ciphertext
        row.token_expires_at = expires_at
        row.updated_at = utcnow()


def delete_account(session: Session, user_id: int, provider: str) -> bool:
    result = session.execute(
        delete(ExternalAccount).where(
            ExternalAccount.user_id == user_id, ExternalAccount.provider == provider
        )
    )
    return bool(result.rowcount)


# ---------------------------------------------------------------- API response cache


def cached(
    session: Session, provider: str, keys: Sequence[str], now: datetime | None = None
) -> dict[str, dict[str, Any]]:
    """The unexpired cached payloads among ``keys``."""
    now = now or utcnow()
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(list(dict.fromkeys(keys))):
        rows = session.execute(
            select(ApiCacheEntry.cache_key, ApiCacheEntry.payload).where(
                ApiCacheEntry.provider == provider,
                ApiCacheEntry.cache_key.in_(chunk),
                ApiCacheEntry.expires_at > now,
            )
        )
        found.update({key: payload for key, payload in rows})
    return found


def store_cached(
    session: Session,
    provider: str,
    payloads: dict[str, dict[str, Any]],
    ttl: timedelta,
    now: datetime | None = None,
) -> None:
    """Insert or refresh cache entries (portable upsert: read the existing keys, then write)."""
    now = now or utcnow()
    keys = list(payloads)
    existing: dict[str, ApiCacheEntry] = {}
    for chunk in _chunks(keys):
        for row in session.scalars(
            select(ApiCacheEntry).where(
                ApiCacheEntry.provider == provider, ApiCacheEntry.cache_key.in_(chunk)
            )
        ):
            existing[row.cache_key] = row
    for key, payload in payloads.items():
        row = existing.get(key)
        if row is None:
            session.add(
                ApiCacheEntry(
                    provider=provider,
                    cache_key=key,
                    payload=payload,
                    fetched_at=now,
                    expires_at=now + ttl,
                )
            )
        else:
            row.payload, row.fetched_at, row.expires_at = payload, now, now + ttl
    session.flush()


# ---------------------------------------------------------------- enrichment


@dataclass(frozen=True, slots=True)
class TrackToEnrich:
    track_id: str
    artist_id: int
    artist_name: str


def tracks_to_enrich(session: Session, limit: int | None) -> list[TrackToEnrich]:
    """Real (non-demo) tracks without an enrichment yet, most popular first."""
    query = (
        select(Track.id, Track.artist_id, Artist.name)
        .join(Artist, Artist.id == Track.artist_id)
        .outerjoin(TrackEnrichment, TrackEnrichment.track_id == Track.id)
        .where(TrackEnrichment.track_id.is_(None), Track.source != "demo")
        .order_by(Track.popularity.desc(), Track.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [TrackToEnrich(*row) for row in session.execute(query)]


def save_track_enrichments(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    ids = [row["track_id"] for row in rows]
    existing = {
        e.track_id: e
        for chunk in _chunks(ids)
        for e in session.scalars(select(TrackEnrichment).where(TrackEnrichment.track_id.in_(chunk)))
    }
    for row in rows:
        target = existing.get(row["track_id"])
        if target is None:
            session.add(TrackEnrichment(**row, enriched_at=utcnow()))
        else:
            for name, value in row.items():
                setattr(target, name, value)
            target.enriched_at = utcnow()
    session.flush()


def save_artist_enrichment(session: Session, artist_id: int, **fields: Any) -> None:
    """Upsert; only the fields given change (Spotify and Last.fm fill different ones and stamp
    their own ``*_enriched_at``)."""
    row = session.get(ArtistEnrichment, artist_id)
    if row is None:
        row = ArtistEnrichment(
            artist_id=artist_id, spotify_genres=[], lastfm_tags=[], moods=[], similar_artists=[]
        )
        session.add(row)
    for name, value in fields.items():
        setattr(row, name, value)
    session.flush()


@dataclass(frozen=True, slots=True)
class ArtistToEnrich:
    artist_id: int
    name: str


def artists_for_lastfm(session: Session, limit: int | None) -> list[ArtistToEnrich]:
    """Artists of real tracks never asked of Last.fm, most popular first."""
    real = select(Track.artist_id).where(Track.source != "demo")
    query = (
        select(Artist.id, Artist.name)
        .outerjoin(ArtistEnrichment, ArtistEnrichment.artist_id == Artist.id)
        .where(ArtistEnrichment.lastfm_enriched_at.is_(None), Artist.id.in_(real))
        .order_by(Artist.popularity.desc(), Artist.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [ArtistToEnrich(*row) for row in session.execute(query)]


def artists_for_spotify(session: Session, artist_ids: Sequence[int]) -> list[int]:
    """Which of these artists Spotify has not been asked about yet."""
    done: set[int] = set()
    for chunk in _chunks(list(artist_ids)):
        done.update(
            session.scalars(
                select(ArtistEnrichment.artist_id).where(
                    ArtistEnrichment.artist_id.in_(chunk),
                    ArtistEnrichment.spotify_enriched_at.is_not(None),
                )
            )
        )
    return [a for a in artist_ids if a not in done]


def enrichment_count(session: Session) -> tuple[int, int]:
    tracks = session.scalar(select(func.count()).select_from(TrackEnrichment)) or 0
    artists = session.scalar(select(func.count()).select_from(ArtistEnrichment)) or 0
    return tracks, artists


@dataclass(frozen=True, slots=True)
class StoredEnrichment:
    album_image_url: str | None
    preview_url: str | None
    spotify_url: str | None
    artist_genres: tuple[str, ...]
    tags: tuple[str, ...]
    moods: tuple[str, ...]
    similar_artists: tuple[str, ...]


def enrichment_of(session: Session, track_id: str) -> StoredEnrichment | None:
    row = session.execute(
        select(TrackEnrichment, ArtistEnrichment)
        .select_from(Track)
        .outerjoin(TrackEnrichment, TrackEnrichment.track_id == Track.id)
        .outerjoin(ArtistEnrichment, ArtistEnrichment.artist_id == Track.artist_id)
        .where(Track.id == track_id)
    ).first()
    if row is None or (row[0] is None and row[1] is None):
        return None
    track, artist = row
    return StoredEnrichment(
        album_image_url=track.album_image_url if track else None,
        preview_url=track.preview_url if track else None,
        spotify_url=track.spotify_url if track else None,
        artist_genres=tuple(artist.spotify_genres) if artist else (),
        tags=tuple(artist.lastfm_tags) if artist else (),
        moods=tuple(artist.moods) if artist else (),
        similar_artists=tuple(artist.similar_artists) if artist else (),
    )


# ---------------------------------------------------------------- playlists to send


@dataclass(frozen=True, slots=True)
class PlaylistToSend:
    name: str
    description: str | None
    track_ids: tuple[str, ...]  # in play order
    demo_tracks: int  # generated tracks, which do not exist on Spotify


def playlist_to_send(session: Session, playlist_id: int, user_id: int) -> PlaylistToSend | None:
    """The user's own playlist with its track ids; None for anyone else's (or a curated one)."""
    playlist = session.get(Playlist, playlist_id)
    if playlist is None or playlist.owner_id != user_id:
        return None
    rows = session.execute(
        select(PlaylistItem.track_id, Track.source)
        .join(Track, Track.id == PlaylistItem.track_id)
        .where(PlaylistItem.playlist_id == playlist_id)
        .order_by(PlaylistItem.position)
    ).all()
    real = tuple(track_id for track_id, source in rows if source != "demo")
    return PlaylistToSend(playlist.name, playlist.description, real, len(rows) - len(real))


def playlist_choices(session: Session, user_id: int) -> list[tuple[int, str]]:
    return [
        (row.id, row.name)
        for row in session.execute(
            select(Playlist.id, Playlist.name)
            .where(Playlist.owner_id == user_id)
            .order_by(Playlist.updated_at.desc())
        )
    ]

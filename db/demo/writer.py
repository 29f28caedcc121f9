"""Write generated demo listeners (users, preferences, events, bans) in the caller's transaction.

Bulk Core inserts: 240 listeners carry ~50k events and a thousand listeners for the benchmark
catalogues carry hundreds of thousands, too many for ORM objects. Look-ups by key go through
``db.bulk`` like the catalogue writer's.
The tracks and artists the listeners name must already be written (same transaction is fine).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table, delete, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from db import bulk
from db.demo.listeners import DEMO_LOGIN_PASSWORD, ListenerFrames
from db.models import (
    Artist,
    Ban,
    Genre,
    Interaction,
    Playlist,
    Track,
    TrackGenre,
    User,
    UserPreference,
)
from music.schema import artist_name_key

USERS: Table = User.__table__  # type: ignore[assignment]
PREFERENCES: Table = UserPreference.__table__  # type: ignore[assignment]
INTERACTIONS: Table = Interaction.__table__  # type: ignore[assignment]
BANS: Table = Ban.__table__  # type: ignore[assignment]
ARTISTS: Table = Artist.__table__  # type: ignore[assignment]
BATCH_ROWS = 10_000


@dataclass(frozen=True)
class ListenerWriteSummary:
    users: int
    interactions: int
    bans: int


def write_listeners(
    session: Session, listeners: ListenerFrames, password: str = DEMO_LOGIN_PASSWORD
) -> ListenerWriteSummary:
    """Insert the listeners; the login account gets ``password``, the others none (no login).

    Every generated user is marked ``is_demo`` so ``delete_demo_data`` can find them again.
    Raises ``ValueError`` when an email is already taken.
    """
    connection = session.connection()
    users = listeners.users
    emails = users["email"].astype(str).tolist()
    taken = set(bulk.ids_by(connection, USERS.c.email, USERS.c.id, emails))
    if taken:
        raise ValueError(f"users already exist with these emails: {', '.join(sorted(taken)[:5])}")
    password_hash = generate_password_hash(password, method="scrypt")
    rows = [
        {
            "email": email,
            "display_name": name,
            "password_hash": password_hash if login else None,
            "is_admin": False,
            "is_demo": True,
            "created_at": created.to_pydatetime(),
            "last_login_at": None,
        }
        for email, name, login, created in zip(
            emails,
            users["display_name"],
            users["is_login_account"],
            users["created_at"],
            strict=True,
        )
    ]
    for batch in bulk.batches(rows, BATCH_ROWS):
        connection.execute(USERS.insert(), batch)
    user_ids = bulk.ids_by(connection, USERS.c.email, USERS.c.id, emails)
    listener_user = {
        int(listener): user_ids[email]
        for listener, email in zip(users["listener"], emails, strict=True)
    }

    artist_ids = _artist_ids(connection, users, listeners.bans)
    preferences = [
        {
            "user_id": listener_user[int(listener)],
            "favourite_genres": list(genres),
            "favourite_artists": [
                artist_ids[k] for k in map(artist_name_key, artists) if k in artist_ids
            ],
            "moods": [],
            "adventurousness": float(adventurousness),
            "onboarded_at": created.to_pydatetime(),
            "updated_at": created.to_pydatetime(),
        }
        for listener, genres, artists, adventurousness, created in zip(
            users["listener"],
            users["favourite_genres"],
            users["favourite_artists"],
            users["adventurousness"],
            users["created_at"],
            strict=True,
        )
    ]
    for batch in bulk.batches(preferences, BATCH_ROWS):
        connection.execute(PREFERENCES.insert(), batch)

    events = listeners.events
    event_rows = [
        {"user_id": listener_user[listener], "track_id": track, "kind": kind, "at": at,
         "context": context}
        for listener, track, kind, at, context in zip(
            events["listener"].tolist(),
            events["track_id"].astype(str).tolist(),
            events["kind"].astype(str).tolist(),
            _datetimes(events["at"]),
            events["context"].astype(str).tolist(),
            strict=True,
        )
    ]  # fmt: skip
    for batch in bulk.batches(event_rows, BATCH_ROWS):
        connection.execute(INTERACTIONS.insert(), batch)

    bans = listeners.bans
    ban_rows = [
        {
            "user_id": listener_user[int(listener)],
            "track_id": track if isinstance(track, str) else None,
            "artist_id": artist_ids[artist_name_key(artist)] if isinstance(artist, str) else None,
            "created_at": at,
        }
        for listener, track, artist, at in zip(
            bans["listener"],
            bans["track_id"].astype(object),
            bans["artist_name"].astype(object),
            _datetimes(bans["created_at"]),
            strict=True,
        )
    ]
    for batch in bulk.batches(ban_rows, BATCH_ROWS):
        connection.execute(BANS.insert(), batch)
    return ListenerWriteSummary(users=len(rows), interactions=len(event_rows), bans=len(ban_rows))


def delete_demo_data(session: Session) -> int:
    """Empty the catalogue and remove the generated users; return the number of tracks removed.

    Used by ``catalog demo --replace``. Interactions, bans and playlist items on removed tracks
    go with them (ON DELETE CASCADE); real accounts stay, their playlists keep what remains.
    """
    connection = session.connection()
    removed = connection.execute(select(func.count()).select_from(Track)).scalar_one()
    connection.execute(delete(User).where(User.is_demo))
    connection.execute(delete(Playlist).where(Playlist.owner_id.is_(None)))
    connection.execute(delete(TrackGenre))
    connection.execute(delete(Track))
    connection.execute(delete(Artist))
    connection.execute(update(Playlist).values(genre_id=None))
    connection.execute(delete(Genre).where(Genre.parent_id.is_not(None)))
    connection.execute(delete(Genre))
    return int(removed)


def _artist_ids(connection: Connection, users: pd.DataFrame, bans: pd.DataFrame) -> dict:
    names = {name for artists in users["favourite_artists"] for name in artists}
    names |= {name for name in bans["artist_name"] if isinstance(name, str)}
    keys = sorted({artist_name_key(name) for name in names})
    return bulk.ids_by(connection, ARTISTS.c.name_key, ARTISTS.c.id, keys)


def _datetimes(series: pd.Series) -> list[Any]:
    """UTC datetimes as plain Python objects (drivers do not take pandas Timestamps everywhere)."""
    return [ts.to_pydatetime() for ts in pd.to_datetime(series, utc=True)]

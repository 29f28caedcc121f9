"""A few real-looking catalogue tracks (Spotify-style ids) and a user in the test database."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Artist, Interaction, User
from db.session import session_scope
from tests.plain_tracks import plain_track

YELLOW = "3AJwUDP919kvQ9QcozQPxg"
HELLO = "4sPmO7WMQUAf45kwMOtONw"
HALO = "4JehYebiI9JE8sR8MisGVb"
HEY_JUDE = "0aym2LBJBk9DAYuHHutrIl"
TRACKS = (
    (YELLOW, "Yellow", "Coldplay", 82),
    (HELLO, "Hello", "Adele", 85),
    (HALO, "Halo", "Beyoncé", 75),
    (HEY_JUDE, "Hey Jude - Remastered 2015", "The Beatles", 80),
)


def seed_history_catalogue() -> None:
    with session_scope() as session:
        for track_id, title, artist_name, popularity in TRACKS:
            artist = Artist(name=artist_name, name_key=artist_name.casefold(), popularity=50)
            session.add(artist)
            session.flush()
            session.add(
                plain_track(track_id, title, artist.id, artist_name, popularity, "tidytuesday")
            )


def add_user(email: str) -> int:
    with session_scope() as session:
        user = User(email=email, display_name=email.split("@")[0], password_hash="x")
        session.add(user)
        session.flush()
        return user.id


def stored_events(user_id: int) -> list[tuple[str, str, str]]:
    """(track id, kind, context) of the user's events, oldest first."""
    with session_scope() as session:
        rows = session.execute(
            select(Interaction.track_id, Interaction.kind, Interaction.context)
            .where(Interaction.user_id == user_id)
            .order_by(Interaction.at, Interaction.id)
        ).all()
    return [(track, str(getattr(kind, "value", kind)), context) for track, kind, context in rows]


def interaction_count() -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(Interaction)) or 0)

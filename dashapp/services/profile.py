"""A listener's stated taste (genres, moods, artists, adventurousness) and display name.

Onboarding and the profile page both save through ``save_preferences``; the recommender reads the
result through ``db.queries.listeners.preferences``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from dashapp.services.accounts import MAX_DISPLAY_NAME_LENGTH
from db.models import Interaction, User, UserPreference, utcnow
from db.queries import listeners, preference_options

# What this service returns; pages and components name these types from here, never from db.
from db.queries.listeners import StoredPreferences
from db.queries.preference_options import Choice
from db.session import session_scope
from music.moods import MOOD_LABELS, MOODS

MAX_FAVOURITE_ARTISTS = 50
MAX_FAVOURITE_GENRES = 30


class ProfileError(ValueError):
    """A preference the user picked cannot be saved; the message says why."""


@dataclass(frozen=True)
class ProfileView:
    display_name: str
    email: str
    preferences: StoredPreferences
    artist_choices: list[Choice]  # the favourite artists with their names, for the dropdown


def mood_choices() -> list[Choice]:
    """Every mood with its label, for the taste form's chips."""
    return [Choice(mood, MOOD_LABELS.get(mood, mood.title())) for mood in MOODS]


def genre_choices() -> list[Choice]:
    """The catalogue's top-level genres, for the taste form's chips."""
    with session_scope() as session:
        return preference_options.genre_choices(session)


def search_artists(text: str, limit: int = 20) -> list[Choice]:
    """Artists whose name matches ``text``, at most ``limit``."""
    with session_scope() as session:
        return preference_options.search_artists(session, text or "", limit)


def suggested_artists(genres: Sequence[str], exclude: Sequence[int] = ()) -> list[Choice]:
    """Popular artists in ``genres``, leaving out ``exclude``."""
    with session_scope() as session:
        return preference_options.artists_in_genres(session, list(genres), list(exclude))


def get_profile(user_id: int) -> ProfileView:
    """The user's name, email and taste, with their loved artists' names."""
    with session_scope() as session:
        user = session.get(User, user_id)
        if user is None:
            raise ProfileError("Your account no longer exists; log in again.")
        prefs = listeners.preferences(session, user_id)
        # A ban says the user does not want the artist: it is not also an artist they love.
        banned = listeners.bans(session, user_id).artist_ids
        loved = [a for a in prefs.artist_ids if a not in banned]
        names = listeners.artist_names(session, loved)
        artists = [Choice(a, names[a]) for a in loved if a in names]
        return ProfileView(user.display_name, user.email, prefs, artists)


def preferences(user_id: int) -> StoredPreferences:
    """The user's stated taste (genres, moods, artists, adventurousness)."""
    with session_scope() as session:
        return listeners.preferences(session, user_id)


def needs_onboarding(user_id: int) -> bool:
    """A new user: never saved preferences and has no feedback yet."""
    with session_scope() as session:
        if listeners.preferences(session, user_id).onboarded_at is not None:
            return False
        return session.scalar(select(Interaction.id).where(Interaction.user_id == user_id)) is None


def _check_adventurousness(value: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ProfileError("Adventurousness must be a number between 0 and 1.") from None
    if not 0.0 <= value <= 1.0:
        raise ProfileError("Adventurousness must be between 0 (familiar) and 1 (far out).")
    return value


def save_preferences(
    user_id: int,
    *,
    genres: Sequence[str] = (),
    moods: Sequence[str] = (),
    artist_ids: Sequence[int] = (),
    adventurousness: float | None = None,
) -> StoredPreferences:
    """Replace the user's stated taste; unknown genres, moods or artists are refused."""
    genres = list(dict.fromkeys(str(g) for g in genres or ()))
    moods = list(dict.fromkeys(str(m) for m in moods or ()))
    try:
        artist_ids = list(dict.fromkeys(int(a) for a in artist_ids or ()))
    except (TypeError, ValueError):
        raise ProfileError("Artists must be picked from the list.") from None
    unknown_moods = [m for m in moods if m not in MOODS]
    if unknown_moods:
        raise ProfileError(f"Unknown mood {unknown_moods[0]!r}.")
    if len(genres) > MAX_FAVOURITE_GENRES or len(artist_ids) > MAX_FAVOURITE_ARTISTS:
        raise ProfileError(
            f"Pick at most {MAX_FAVOURITE_GENRES} genres and {MAX_FAVOURITE_ARTISTS} artists."
        )
    with session_scope() as session:
        known_genres = {c.value for c in preference_options.genre_choices(session)}
        unknown_genres = [g for g in genres if g not in known_genres]
        if unknown_genres:
            raise ProfileError(f"Unknown genre {unknown_genres[0]!r}.")
        missing = set(artist_ids) - listeners.existing_artist_ids(session, artist_ids)
        if missing:
            raise ProfileError(f"There is no artist with id {sorted(missing)[0]}.")
        row = _preference_row(session, user_id)
        row.favourite_genres = genres
        row.moods = moods
        row.favourite_artists = artist_ids
        if adventurousness is not None:
            row.adventurousness = _check_adventurousness(adventurousness)
        row.onboarded_at = row.onboarded_at or utcnow()
        session.flush()
        return listeners.preferences(session, user_id)


def set_adventurousness(user_id: int, value: float) -> float:
    """Store the user's default adventurousness (0 familiar .. 1 far out); return it."""
    value = _check_adventurousness(value)
    with session_scope() as session:
        _preference_row(session, user_id).adventurousness = value
    return value


def _preference_row(session, user_id: int) -> UserPreference:
    if session.get(User, user_id) is None:
        raise ProfileError("Your account no longer exists; log in again.")
    row = session.get(UserPreference, user_id)
    if row is None:
        row = UserPreference(
            user_id=user_id,
            favourite_genres=[],
            favourite_artists=[],
            moods=[],
            adventurousness=0.5,
        )
        session.add(row)
    return row


def rename(user_id: int, display_name: str) -> str:
    """Set the user's display name (spaces collapsed, bounded); return it."""
    name = " ".join((display_name or "").split())
    if not name:
        raise ProfileError("Your name cannot be empty.")
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise ProfileError(f"Use at most {MAX_DISPLAY_NAME_LENGTH} characters for your name.")
    with session_scope() as session:
        user = session.get(User, user_id)
        if user is None:
            raise ProfileError("Your account no longer exists; log in again.")
        user.display_name = name
    return name


def artist_labels(artist_ids: Sequence[int]) -> list[Choice]:
    """Names for artist ids (unknown ids are dropped), in the order given."""
    ids = [int(a) for a in artist_ids or ()]
    with session_scope() as session:
        names = listeners.artist_names(session, ids)
    return [Choice(a, names[a]) for a in ids if a in names]

"""The one record every history format is parsed into, and the error a bad file raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from music.schema import InteractionKind

# Spotify's and Last.fm's own rule: a listen shorter than this is not a play (we store a skip).
MIN_PLAY_MS = 30_000
# Longest artist / title / album we keep; the catalogue allows 500-character titles.
MAX_TEXT_LENGTH = 1_000

# Where a listen came from; stored as the interaction context "import:<source>".
SPOTIFY_EXTENDED = "spotify"
SPOTIFY_ACCOUNT = "spotify_account"
LASTFM = "lastfm"
LISTENBRAINZ = "listenbrainz"
# The integrations' API imports (dashapp/services/spotify_account.py, lastfm_import.py).
SPOTIFY_SAVED = "spotify_saved"
SPOTIFY_TOP = "spotify_top"
SPOTIFY_RECENT = "spotify_recent"
LASTFM_API = "lastfm_api"

# Kinds a listen may carry instead of play/skip: a library signal (a saved or a top track) is
# about the track, not a moment, so it is stored once per track and source, whatever its time.
ONCE_PER_TRACK_KINDS = frozenset({InteractionKind.LIKE, InteractionKind.FAVOURITE})


class HistoryFileError(ValueError):
    """The file cannot be imported as a whole; the message says why, in the user's terms."""


@dataclass(frozen=True, slots=True)
class Listen:
    """One listen as a history file or an API reports it.

    ``played_at`` is timezone-aware UTC, truncated to the second (the duplicate key); for Spotify
    it is when playback stopped, for Last.fm and ListenBrainz when it started, as each service
    records it. ``skipped`` is None when the source does not say. ``kind`` is None for a listen
    (a play or a skip by ``is_skip``); a library signal sets it (one of ``ONCE_PER_TRACK_KINDS``).
    """

    played_at: datetime
    artist: str
    track: str
    source: str
    album: str | None = None
    ms_played: int | None = None
    spotify_track_id: str | None = None
    skipped: bool | None = None
    kind: InteractionKind | None = None

    @property
    def interaction_kind(self) -> InteractionKind:
        """The event stored for this listen: its own ``kind``, else a skip or a play."""
        if self.kind is not None:
            return self.kind
        return InteractionKind.SKIP if self.is_skip else InteractionKind.PLAY

    @property
    def is_skip(self) -> bool:
        """Marked skipped, or played for less than 30 s: a skip; anything else is a play."""
        if self.skipped:
            return True
        return self.ms_played is not None and self.ms_played < MIN_PLAY_MS


def utc_second(moment: datetime) -> datetime:
    """``moment`` in UTC without microseconds (naive input is taken to be UTC already)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def clean_text(value: object) -> str | None:
    """A trimmed, bounded string, or None for missing/blank values."""
    if value is None:
        return None
    text = str(value).replace("\x00", "").strip()
    return text[:MAX_TEXT_LENGTH] or None


def spotify_id_from(value: object) -> str | None:
    """The base-62 id in ``spotify:track:ID`` or ``https://open.spotify.com/track/ID?si=..``."""
    text = clean_text(value)
    if not text:
        return None
    if text.startswith("spotify:track:"):
        candidate = text.removeprefix("spotify:track:")
    elif "open.spotify.com/track/" in text:
        candidate = text.split("open.spotify.com/track/", 1)[1].split("?", 1)[0].split("/", 1)[0]
    else:
        candidate = text
    # Spotify ids are 22 base-62 characters; anything else (episode URIs, local files) is not one.
    if len(candidate) == 22 and candidate.isascii() and candidate.isalnum():
        return candidate
    return None

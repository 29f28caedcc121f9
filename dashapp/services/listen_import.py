"""Store listens from Spotify and Last.fm as the user's interactions, once each.

A small ingestion for the integrations' three Spotify sources and Last.fm scrobbles: match to the
catalogue (Spotify by track id; Last.fm by normalised artist + title), then store through
``db.queries.integrations.store_listens``, whose unique (user, source, key) makes a re-import add
nothing. The history-file import does its own matching (with a fuzzy tier); the two can share one
ingestion later.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from db.models import utcnow
from db.queries import integrations as queries
from db.queries.integrations import ListenToStore
from db.session import session_scope
from integrations.lastfm import Scrobble
from integrations.matching import artist_key, title_key
from integrations.spotify import SavedTrack
from ml.schema import InteractionKind, artist_name_key

TOP_UNMATCHED = 10
_FEATURING = re.compile(r"\s+(?:feat\.?|ft\.?|featuring)\s", re.IGNORECASE)


@dataclass(frozen=True)
class ImportReport:
    source: str
    received: int
    matched: int
    new: int
    top_unmatched_artists: tuple[tuple[str, int], ...] = field(default=())

    @property
    def unmatched(self) -> int:
        return self.received - self.matched

    def summary(self) -> str:
        return (
            f"{self.source}: {self.received} received, {self.matched} in the catalogue, "
            f"{self.new} new ({self.matched - self.new} already imported), "
            f"{self.unmatched} not in the catalogue"
        )


def merge(reports: Sequence[ImportReport], source: str) -> ImportReport:
    unmatched: Counter[str] = Counter()
    for report in reports:
        unmatched.update(dict(report.top_unmatched_artists))
    return ImportReport(
        source,
        sum(r.received for r in reports),
        sum(r.matched for r in reports),
        sum(r.new for r in reports),
        tuple(unmatched.most_common(TOP_UNMATCHED)),
    )


def store_spotify_tracks(
    user_id: int, source: str, kind: InteractionKind, items: Sequence[SavedTrack]
) -> ImportReport:
    """Saved (like), top (favourite) or recently played (play) tracks, matched by track id."""
    now = utcnow()
    with session_scope() as session:
        known = queries.existing_tracks(session, [item.track_id for item in items])
        listens = [
            ListenToStore(source, _spotify_key(source, item), item.track_id, kind, item.at or now)
            for item in items
            if item.track_id in known
        ]
        new = queries.store_listens(session, user_id, listens)
    return ImportReport(source, len(items), len(listens), new)


def _spotify_key(source: str, item: SavedTrack) -> str:
    # A saved or top track counts once; a play counts once per moment it was played.
    if source == "spotify:recent" and item.at is not None:
        return f"{item.at.isoformat()}|{item.track_id}"
    return item.track_id


def scrobble_key(scrobble: Scrobble) -> str:
    digest = hashlib.sha1(
        f"{artist_key(scrobble.artist)}\x1f{title_key(scrobble.track)}".encode()
    ).hexdigest()[:20]
    return f"{int(scrobble.played_at.timestamp())}:{digest}"


def store_scrobbles(user_id: int, scrobbles: Sequence[Scrobble]) -> ImportReport:
    """Last.fm scrobbles as plays, matched by normalised lead artist + title."""
    with session_scope() as session:
        lookup = _catalogue_lookup(session, [s.artist for s in scrobbles])
        listens: list[ListenToStore] = []
        unmatched: Counter[str] = Counter()
        for scrobble in scrobbles:
            track_id = lookup.get((artist_key(scrobble.artist), title_key(scrobble.track)))
            if track_id is None:
                unmatched[scrobble.artist] += 1
                continue
            listens.append(
                ListenToStore(
                    "lastfm",
                    scrobble_key(scrobble),
                    track_id,
                    InteractionKind.PLAY,
                    scrobble.played_at,
                )
            )
        new = queries.store_listens(session, user_id, listens)
    return ImportReport(
        "lastfm", len(scrobbles), len(listens), new, tuple(unmatched.most_common(TOP_UNMATCHED))
    )


def _catalogue_lookup(session, artists: Sequence[str]) -> dict[tuple[str, str], str]:
    """(artist key, title key) → the most popular catalogue track with that key."""
    name_keys: set[str] = set()
    for name in set(artists):
        name_keys.add(artist_name_key(name))
        # "A feat. B" is credited to A in the catalogue.
        lead = _FEATURING.split(name, maxsplit=1)[0]
        name_keys.add(artist_name_key(lead))
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for row in queries.titles_by_artist_keys(session, name_keys):
        key = (artist_key(row.artist_name), title_key(row.title))
        if key not in best or row.popularity > best[key][0]:
            best[key] = (row.popularity, row.track_id)
    return {key: track_id for key, (_, track_id) in best.items()}

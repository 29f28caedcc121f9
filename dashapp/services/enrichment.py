"""``catalog enrich``: Spotify metadata (album art, preview and open links, artist genres) and
Last.fm top tags (→ genres and moods) and similar artists for the catalogue; and what the Explore
details card shows of it.

Runs offline (CLI), in batches: each batch reads the cache, asks the API only for what is missing
(outside any transaction), then writes cache and enrichment in one short transaction. A run stopped
by an outage keeps the finished batches; the next run resumes with what is still missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from dashapp.services.integration_settings import current_settings
from db.models import utcnow
from db.queries import integrations as queries
from db.queries.integrations import StoredEnrichment, TrackToEnrich
from db.session import session_scope
from integrations.errors import IntegrationError, NotConfigured, NotFound
from integrations.lastfm import LastfmClient
from integrations.settings import IntegrationSettings
from integrations.spotify_catalogue import IDS_PER_LOOKUP, SpotifyCatalogueClient
from integrations.tags import read_tags
from music.schema import artist_name_key

CACHE_TTL = timedelta(days=30)
SIMILAR_ARTISTS = 8
Progress = Callable[[int], None]


@dataclass
class EnrichReport:
    tracks_enriched: int = 0
    artists_from_spotify: int = 0
    artists_from_lastfm: int = 0
    api_calls_saved_by_cache: int = 0
    skipped: list[str] = field(default_factory=list)  # sources not configured
    error: str | None = None  # what stopped the run early, if anything

    def summary(self) -> str:
        parts = [
            f"{self.tracks_enriched} tracks enriched from Spotify",
            f"{self.artists_from_spotify} artists' genres from Spotify",
            f"{self.artists_from_lastfm} artists' tags and similar artists from Last.fm",
            f"{self.api_calls_saved_by_cache} look-ups answered by the cache",
        ]
        return "; ".join(parts)


def planned_work(limit: int | None) -> tuple[int, int]:
    """(tracks for Spotify, artists for Last.fm) a run with this limit would process."""
    settings = current_settings()
    with session_scope() as session:
        tracks = (
            len(queries.tracks_to_enrich(session, limit))
            if settings.spotify_catalogue_enabled
            else 0
        )
        artists = len(queries.artists_for_lastfm(session, limit)) if settings.lastfm_enabled else 0
    return tracks, artists


def enrich_catalogue(limit: int | None = None, progress: Progress | None = None) -> EnrichReport:
    """Enrich up to ``limit`` tracks (Spotify) and ``limit`` artists (Last.fm) not done yet."""
    settings = current_settings()
    if not settings.spotify_catalogue_enabled and not settings.lastfm_enabled:
        raise NotConfigured(
            "No integration is configured: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET, "
            "and/or LASTFM_API_KEY (see docs/INTEGRATIONS.md)."
        )
    report = EnrichReport()
    tick = progress or (lambda _n: None)
    try:
        if settings.spotify_catalogue_enabled:
            _enrich_from_spotify(settings, limit, report, tick)
        else:
            report.skipped.append("Spotify (SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET not set)")
        if settings.lastfm_enabled:
            _enrich_from_lastfm(settings, limit, report, tick)
        else:
            report.skipped.append("Last.fm (LASTFM_API_KEY not set)")
    except IntegrationError as error:
        report.error = str(error)
    return report


# ---------------------------------------------------------------- Spotify


def _cached_fetch(
    provider: str,
    keys: dict[str, str],
    fetch: Callable[[list[str]], dict[str, dict[str, Any]]],
    report: EnrichReport,
) -> dict[str, dict[str, Any]]:
    """Payloads for ``keys`` (cache key → API id): from the cache, else fetched and cached."""
    with session_scope() as session:
        found = queries.cached(session, provider, list(keys))
    report.api_calls_saved_by_cache += len(found)
    missing = [api_id for key, api_id in keys.items() if key not in found]
    if missing:
        fetched = fetch(missing)  # no transaction open while we wait for the network
        by_key = {
            key: fetched.get(api_id, {"missing": True})
            for key, api_id in keys.items()
            if key not in found
        }
        with session_scope() as session:
            queries.store_cached(session, provider, by_key, CACHE_TTL)
        found |= by_key
    return found


def _enrich_from_spotify(
    settings: IntegrationSettings, limit: int | None, report: EnrichReport, tick: Progress
) -> None:
    client = SpotifyCatalogueClient(settings)
    with session_scope() as session:
        tracks = queries.tracks_to_enrich(session, limit)
    for start in range(0, len(tracks), IDS_PER_LOOKUP):
        batch = tracks[start : start + IDS_PER_LOOKUP]
        _spotify_batch(client, batch, report)
        tick(len(batch))


def _spotify_batch(
    client: SpotifyCatalogueClient, batch: Sequence[TrackToEnrich], report: EnrichReport
) -> None:
    tracks = _cached_fetch(
        "spotify",
        {f"track:{t.track_id}": t.track_id for t in batch},
        lambda ids: {m.track_id: asdict(m) for m in client.tracks(ids)},
        report,
    )
    rows, artist_of = [], {}
    for item in batch:
        meta = tracks.get(f"track:{item.track_id}", {})
        artist_ids = meta.get("artist_ids") or []
        rows.append(
            {
                "track_id": item.track_id,
                "album_image_url": meta.get("album_image_url"),
                "preview_url": meta.get("preview_url"),
                "spotify_url": meta.get("spotify_url"),
                "spotify_artist_id": artist_ids[0] if artist_ids else None,
            }
        )
        if artist_ids:
            artist_of.setdefault(item.artist_id, artist_ids[0])
    with session_scope() as session:
        todo = queries.artists_for_spotify(session, list(artist_of))
    artists = (
        _cached_fetch(
            "spotify",
            {f"artist:{artist_of[a]}": artist_of[a] for a in todo},
            lambda ids: {m.artist_id: asdict(m) for m in client.artists(ids)},
            report,
        )
        if todo
        else {}
    )
    now = utcnow()
    with session_scope() as session:
        queries.save_track_enrichments(session, rows)
        for artist_id in todo:
            meta = artists.get(f"artist:{artist_of[artist_id]}", {})
            queries.save_artist_enrichment(
                session,
                artist_id,
                spotify_artist_id=artist_of[artist_id],
                spotify_genres=list(meta.get("genres") or []),
                spotify_enriched_at=now,
            )
    report.tracks_enriched += len(rows)
    report.artists_from_spotify += len(todo)


# ---------------------------------------------------------------- Last.fm


def _enrich_from_lastfm(
    settings: IntegrationSettings, limit: int | None, report: EnrichReport, tick: Progress
) -> None:
    client = LastfmClient(settings)
    with session_scope() as session:
        artists = queries.artists_for_lastfm(session, limit)
    for artist in artists:
        key = artist_name_key(artist.name)
        found = _cached_fetch(
            "lastfm",
            {f"artist:{key}": artist.name},
            lambda names, c=client: _lastfm_lookup(c, names[0]),
            report,
        )[f"artist:{key}"]
        reading = read_tags((t["name"], int(t["weight"])) for t in found.get("tags", []))
        similar = [s["name"] for s in found.get("similar", [])]
        with session_scope() as session:
            queries.save_artist_enrichment(
                session,
                artist.artist_id,
                lastfm_tags=list(reading.genres),
                moods=list(reading.moods),
                similar_artists=similar[:SIMILAR_ARTISTS],
                lastfm_enriched_at=utcnow(),
            )
        report.artists_from_lastfm += 1
        tick(1)


def _lastfm_lookup(client: LastfmClient, name: str) -> dict[str, dict[str, Any]]:
    """Top tags and similar artists of one artist: one cache entry, keyed by its name."""
    try:
        tags = [asdict(t) for t in client.artist_top_tags(name)]
        similar = [asdict(s) for s in client.similar_artists(name, limit=SIMILAR_ARTISTS)]
    except NotFound:  # Last.fm does not know the artist: remember that too
        tags, similar = [], []
    return {name: {"tags": tags, "similar": similar}}


# ---------------------------------------------------------------- shown on Explore


@dataclass(frozen=True)
class TrackEnrichmentView:
    album_image_url: str | None
    preview_url: str | None
    spotify_url: str | None
    genres: tuple[str, ...]  # Spotify's artist genres, then Last.fm tags not already there
    moods: tuple[str, ...]
    similar_artists: tuple[str, ...]


def for_track(track_id: str) -> TrackEnrichmentView | None:
    """What the integrations added about a track, or None when nothing was enriched."""
    with session_scope() as session:
        stored: StoredEnrichment | None = queries.enrichment_of(session, str(track_id))
    if stored is None:
        return None
    genres = list(stored.artist_genres)
    genres += [tag for tag in stored.tags if tag not in genres]
    return TrackEnrichmentView(
        stored.album_image_url,
        stored.preview_url,
        stored.spotify_url,
        tuple(genres[:8]),
        stored.moods,
        stored.similar_artists,
    )

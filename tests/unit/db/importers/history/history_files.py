"""Small listening-history files in each format, written by the tests (no real exports)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Played:
    artist: str
    track: str
    at: datetime
    ms: int = 200_000
    spotify_id: str | None = None
    skipped: bool | None = None
    album: str = "Some Album"


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2021, 1, day, hour, minute, tzinfo=UTC)


def spotify_extended(plays: list[Played], *, podcasts: int = 0) -> bytes:
    rows = [
        {
            "ts": p.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "platform": "android",
            "ms_played": p.ms,
            "conn_country": "GB",
            "master_metadata_track_name": p.track,
            "master_metadata_album_artist_name": p.artist,
            "master_metadata_album_album_name": p.album,
            "spotify_track_uri": f"spotify:track:{p.spotify_id}" if p.spotify_id else None,
            "episode_name": None,
            "spotify_episode_uri": None,
            "reason_start": "trackdone",
            "reason_end": "fwdbtn" if p.skipped else "trackdone",
            "shuffle": False,
            "skipped": p.skipped,
            "offline": False,
        }
        for p in plays
    ]
    rows += [
        {
            "ts": "2021-01-02T08:00:00Z",
            "ms_played": 1_500_000,
            "master_metadata_track_name": None,
            "master_metadata_album_artist_name": None,
            "spotify_track_uri": None,
            "episode_name": f"Episode {i}",
            "spotify_episode_uri": "spotify:episode:0000000000000000000000",
            "skipped": None,
        }
        for i in range(podcasts)
    ]
    return json.dumps(rows).encode()


def spotify_account(plays: list[Played]) -> bytes:
    rows = [
        {
            "endTime": p.at.strftime("%Y-%m-%d %H:%M"),
            "artistName": p.artist,
            "trackName": p.track,
            "msPlayed": p.ms,
        }
        for p in plays
    ]
    return json.dumps(rows, indent=2).encode()


def lastfm_csv(plays: list[Played], *, header: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(
            ["uts", "utc_time", "artist", "artist_mbid", "album", "album_mbid", "track"]
        )
        for p in plays:
            writer.writerow(
                [
                    int(p.at.timestamp()),
                    p.at.strftime("%d %b %Y, %H:%M"),
                    p.artist,
                    "",
                    p.album,
                    "",
                    p.track,
                ]
            )
    else:
        for p in plays:
            writer.writerow([p.artist, p.album, p.track, p.at.strftime("%d %b %Y %H:%M")])
    return out.getvalue().encode()


def _listenbrainz_listen(p: Played) -> dict:
    info = {"music_service": "spotify.com"} if p.spotify_id else {}
    if p.spotify_id:
        info["spotify_id"] = f"https://open.spotify.com/track/{p.spotify_id}"
    return {
        "listened_at": int(p.at.timestamp()),
        "recording_msid": "00000000-0000-0000-0000-000000000000",
        "track_metadata": {
            "artist_name": p.artist,
            "track_name": p.track,
            "release_name": p.album,
            "additional_info": info,
        },
    }


def listenbrainz_json(plays: list[Played]) -> bytes:
    return json.dumps([_listenbrainz_listen(p) for p in plays]).encode()


def listenbrainz_jsonl(plays: list[Played]) -> bytes:
    return "\n".join(json.dumps(_listenbrainz_listen(p)) for p in plays).encode() + b"\n"


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()

"""Playlist files other players read: M3U8, XSPF, JSPF (as ListenBrainz writes it) and the CSV
Exportify users know. Pure functions from plain values to text; no database, no Flask.

References: M3U8 is M3U in UTF-8 with ``#EXTINF:<seconds>,<artist> - <title>`` before each entry;
XSPF is https://xspf.org/spec (namespace ``http://xspf.org/ns/0/``, durations in milliseconds);
JSPF is its JSON form, with the MusicBrainz extension keys ListenBrainz uses
(https://musicbrainz.org/doc/jspf); the CSV header is Exportify's (github.com/watsonbox/exportify),
with its audio-feature columns.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

XSPF_NAMESPACE = "http://xspf.org/ns/0/"
JSPF_PLAYLIST_EXTENSION = "https://musicbrainz.org/doc/jspf#playlist"
JSPF_TRACK_EXTENSION = "https://musicbrainz.org/doc/jspf#track"
CREATOR = "Mixmap"
EXPORTIFY_COLUMNS: tuple[str, ...] = (
    "Track URI",
    "Track Name",
    "Artist URI(s)",
    "Artist Name(s)",
    "Album URI",
    "Album Name",
    "Album Artist URI(s)",
    "Album Artist Name(s)",
    "Album Release Date",
    "Album Image URL",
    "Disc Number",
    "Track Number",
    "Track Duration (ms)",
    "Track Preview URL",
    "Explicit",
    "Popularity",
    "ISRC",
    "Added By",
    "Added At",
    "Danceability",
    "Energy",
    "Key",
    "Loudness",
    "Mode",
    "Speechiness",
    "Acousticness",
    "Instrumentalness",
    "Liveness",
    "Valence",
    "Tempo",
    "Time Signature",
)
# Exportify's feature columns and the track attribute each one reads.
_FEATURE_COLUMNS: dict[str, str] = {
    "Danceability": "danceability",
    "Energy": "energy",
    "Key": "key",
    "Loudness": "loudness",
    "Mode": "mode",
    "Speechiness": "speechiness",
    "Acousticness": "acousticness",
    "Instrumentalness": "instrumentalness",
    "Liveness": "liveness",
    "Valence": "valence",
    "Tempo": "tempo",
    "Time Signature": "time_signature",
}
# Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR; U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


@dataclass(frozen=True)
class ExportTrack:
    track_id: str
    title: str
    artists: tuple[str, ...]  # every credited artist, in credit order
    album: str | None
    duration_ms: int
    url: str | None  # the Spotify page of a real track; None for generated demo tracks
    explicit: bool | None = None
    popularity: int | None = None
    added_at: datetime | None = None
    features: dict[str, float | int | None] | None = None  # audio features by column name

    @property
    def uri(self) -> str:
        """Spotify's URI for a real track; a ``mixmap:`` URI for a generated one."""
        return f"spotify:track:{self.track_id}" if self.url else f"mixmap:track:{self.track_id}"

    @property
    def artist_line(self) -> str:
        return ", ".join(self.artists)


@dataclass(frozen=True)
class ExportPlaylist:
    title: str
    description: str | None
    updated_at: datetime
    tracks: Sequence[ExportTrack]


@dataclass(frozen=True)
class ExportFormat:
    extension: str
    mimetype: str
    render: Callable[[ExportPlaylist], str]


def _one_line(text: str) -> str:
    """Line-based formats (M3U) cannot hold a line break inside a title."""
    return " ".join(_LINE_BREAKS.sub(" ", text).split())


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def to_m3u8(playlist: ExportPlaylist) -> str:
    """Extended M3U in UTF-8: a ``#EXTINF`` line, then the track's URL (or URI) line."""
    lines = ["#EXTM3U", f"#PLAYLIST:{_one_line(playlist.title)}"]
    for track in playlist.tracks:
        seconds = round(track.duration_ms / 1000)
        label = f"{_one_line(track.artist_line)} - {_one_line(track.title)}"
        lines.append(f"#EXTINF:{seconds},{label}")
        lines.append(track.url or track.uri)
    return "\n".join(lines) + "\n"


def to_xspf(playlist: ExportPlaylist) -> str:
    """XSPF version 1; ElementTree escapes &, <, > and quotes in text."""
    ET.register_namespace("", XSPF_NAMESPACE)

    def child(parent: ET.Element, tag: str, text: str | None) -> None:
        if text:
            ET.SubElement(parent, f"{{{XSPF_NAMESPACE}}}{tag}").text = _xml_text(text)

    root = ET.Element(f"{{{XSPF_NAMESPACE}}}playlist", {"version": "1"})
    child(root, "title", playlist.title)
    child(root, "creator", CREATOR)
    child(root, "annotation", playlist.description)
    child(root, "date", playlist.updated_at.isoformat())
    track_list = ET.SubElement(root, f"{{{XSPF_NAMESPACE}}}trackList")
    for track in playlist.tracks:
        element = ET.SubElement(track_list, f"{{{XSPF_NAMESPACE}}}track")
        child(element, "location", track.url)
        child(element, "identifier", track.uri)
        child(element, "title", track.title)
        child(element, "creator", track.artist_line)
        child(element, "album", track.album)
        child(element, "duration", str(int(track.duration_ms)))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def to_jspf(playlist: ExportPlaylist) -> str:
    """JSPF with ListenBrainz's extension blocks. ListenBrainz identifies tracks by MusicBrainz
    recording; Mixmap knows Spotify ids, so those go in ``identifier`` and
    ``additional_metadata`` for a resolver to map."""
    tracks = []
    for track in playlist.tracks:
        item: dict[str, object] = {
            "title": track.title,
            "creator": track.artist_line,
            "duration": int(track.duration_ms),
            "identifier": [track.url or track.uri],
        }
        if track.album:
            item["album"] = track.album
        if track.url:
            item["location"] = [track.url]
        extension: dict[str, object] = {
            "additional_metadata": {"spotify_id": track.track_id, "artists": list(track.artists)}
        }
        if track.added_at is not None:
            extension["added_at"] = track.added_at.isoformat()
        item["extension"] = {JSPF_TRACK_EXTENSION: extension}
        tracks.append(item)
    body: dict[str, object] = {
        "title": playlist.title,
        "creator": CREATOR,
        "date": playlist.updated_at.isoformat(),
        "extension": {
            JSPF_PLAYLIST_EXTENSION: {
                "public": False,
                "last_modified_at": playlist.updated_at.isoformat(),
            }
        },
        "track": tracks,
    }
    if playlist.description:
        body["annotation"] = playlist.description
    return json.dumps({"playlist": body}, ensure_ascii=False, indent=2) + "\n"


def to_exportify_csv(playlist: ExportPlaylist) -> str:
    """One row per track under Exportify's header; columns Mixmap does not know stay empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180, as spreadsheets expect
    writer.writerow(EXPORTIFY_COLUMNS)
    for track in playlist.tracks:
        features = track.features or {}
        row = {
            "Track URI": track.uri,
            "Track Name": track.title,
            "Artist Name(s)": track.artist_line,
            "Album Name": track.album or "",
            "Track Duration (ms)": int(track.duration_ms),
            "Explicit": "" if track.explicit is None else str(bool(track.explicit)).lower(),
            "Popularity": "" if track.popularity is None else int(track.popularity),
            "Added At": track.added_at.isoformat() if track.added_at else "",
            **{
                column: "" if features.get(name) is None else features[name]
                for column, name in _FEATURE_COLUMNS.items()
            },
        }
        writer.writerow([row.get(column, "") for column in EXPORTIFY_COLUMNS])
    return out.getvalue()


FORMATS: dict[str, ExportFormat] = {
    "m3u8": ExportFormat("m3u8", "audio/x-mpegurl", to_m3u8),
    "xspf": ExportFormat("xspf", "application/xspf+xml", to_xspf),
    "jspf": ExportFormat("jspf", "application/json", to_jspf),
    "csv": ExportFormat("csv", "text/csv", to_exportify_csv),
}
FEATURE_ATTRIBUTES: tuple[str, ...] = tuple(_FEATURE_COLUMNS.values())

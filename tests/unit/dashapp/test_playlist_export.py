"""Playlist exports read back by independent parsers give the same tracks in the same order."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from dashapp.services.playlist_export import (
    EXPORTIFY_COLUMNS,
    JSPF_PLAYLIST_EXTENSION,
    JSPF_TRACK_EXTENSION,
    XSPF_NAMESPACE,
    ExportPlaylist,
    ExportTrack,
    to_exportify_csv,
    to_jspf,
    to_m3u8,
    to_xspf,
)

NASTY_TITLES = [
    'Rock & Roll <Live> "Remastered"',
    "Tú, yo y el café, ¿no?",
    "Line one\nline two\r\nthree",
    "It's ]]> not CDATA </title>",
    "日本語のタイトル 🎵",
    "Bell\x07 and tab\tinside",  # a control character XML cannot carry
]


def _playlist() -> ExportPlaylist:
    tracks = [
        ExportTrack(
            track_id=f"id{i:02d}",
            title=title,
            artists=("Beyoncé", "Jay-Z & Co, Ltd") if i % 2 else (f"Ärtist {i}",),
            album=None if i == 2 else f"Album <{i}> & more",
            duration_ms=180_000 + i * 1_499,
            url=None if i == 3 else f"https://open.spotify.com/track/id{i:02d}",
            explicit=bool(i % 2),
            popularity=40 + i,
            features={"energy": 0.5 + i / 100, "tempo": 120.0, "key": i, "time_signature": None},
        )
        for i, title in enumerate(NASTY_TITLES)
    ]
    return ExportPlaylist(
        title='Mine & "yours" <3',
        description="Late\nnight",
        updated_at=datetime(2026, 12, 1, 22, 30, tzinfo=UTC),
        tracks=tracks,
    )


def _clean_xml(text: str) -> str:
    return text.replace("\x07", "")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_m3u8(text: str) -> list[tuple[int, str, str]]:
    """(seconds, "artist - title", location) per entry, as a player reads them."""
    lines = text.split("\n")
    assert lines[0] == "#EXTM3U"
    entries = []
    pending: tuple[int, str] | None = None
    for line in lines[1:]:
        if line.startswith("#EXTINF:"):
            seconds, label = line.removeprefix("#EXTINF:").split(",", 1)
            pending = (int(seconds), label)
        elif line and not line.startswith("#"):
            assert pending is not None
            entries.append((*pending, line))
            pending = None
    return entries


def test_m3u8_round_trip():
    playlist = _playlist()
    text = to_m3u8(playlist)
    text.encode("utf-8")  # M3U8 means UTF-8
    entries = parse_m3u8(text)
    assert [location for *_, location in entries] == [t.url or t.uri for t in playlist.tracks]
    assert entries[3][2] == "mixmap:track:id03"  # a generated track has no Spotify page
    assert [seconds for seconds, *_ in entries] == [
        round(t.duration_ms / 1000) for t in playlist.tracks
    ]
    # A line break cannot live inside an M3U entry: it becomes one space, the rest is kept.
    assert [label for _, label, _ in entries] == [
        f"{_one_line(t.artist_line)} - {_one_line(t.title)}" for t in playlist.tracks
    ]
    assert '#PLAYLIST:Mine & "yours" <3' in text


def test_xspf_round_trip_with_escaping():
    playlist = _playlist()
    text = to_xspf(playlist)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "&amp;" in text and "&lt;" in text  # escaped, not CDATA or raw
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"x": XSPF_NAMESPACE}
    assert root.tag == f"{{{XSPF_NAMESPACE}}}playlist" and root.get("version") == "1"
    assert root.findtext("x:title", namespaces=ns) == playlist.title
    tracks = root.findall("x:trackList/x:track", ns)
    assert [t.findtext("x:identifier", namespaces=ns) for t in tracks] == [
        t.uri for t in playlist.tracks
    ]
    assert [t.findtext("x:title", namespaces=ns) for t in tracks] == [
        _clean_xml(t.title).replace("\r\n", "\n") for t in playlist.tracks
    ]
    assert [t.findtext("x:creator", namespaces=ns) for t in tracks] == [
        t.artist_line for t in playlist.tracks
    ]
    assert [int(t.findtext("x:duration", namespaces=ns)) for t in tracks] == [
        t.duration_ms for t in playlist.tracks
    ]
    assert tracks[2].find("x:album", ns) is None  # no album, no empty element
    assert tracks[3].find("x:location", ns) is None


def test_jspf_round_trip_in_listenbrainz_shape():
    playlist = _playlist()
    data = json.loads(to_jspf(playlist))
    body = data["playlist"]
    assert body["title"] == playlist.title and body["annotation"] == "Late\nnight"
    assert body["extension"][JSPF_PLAYLIST_EXTENSION]["public"] is False
    tracks = body["track"]
    assert [t["title"] for t in tracks] == [t.title for t in playlist.tracks]
    assert [t["duration"] for t in tracks] == [t.duration_ms for t in playlist.tracks]
    assert [t["extension"][JSPF_TRACK_EXTENSION]["additional_metadata"]["spotify_id"]
            for t in tracks] == [t.track_id for t in playlist.tracks]  # fmt: skip
    assert tracks[1]["extension"][JSPF_TRACK_EXTENSION]["additional_metadata"]["artists"] == [
        "Beyoncé",
        "Jay-Z & Co, Ltd",
    ]
    assert all(isinstance(t["identifier"], list) for t in tracks)


def test_exportify_csv_round_trip():
    playlist = _playlist()
    text = to_exportify_csv(playlist)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == EXPORTIFY_COLUMNS
    assert [r["Track URI"] for r in rows] == [t.uri for t in playlist.tracks]
    assert [r["Track Name"] for r in rows] == [t.title for t in playlist.tracks]  # newlines kept
    assert [r["Artist Name(s)"] for r in rows] == [t.artist_line for t in playlist.tracks]
    assert [int(r["Track Duration (ms)"]) for r in rows] == [t.duration_ms for t in playlist.tracks]
    assert rows[1]["Explicit"] == "true" and rows[0]["Explicit"] == "false"
    assert rows[2]["Album Name"] == "" and rows[0]["Time Signature"] == ""
    assert float(rows[4]["Energy"]) == pytest.approx(0.54)


def test_an_empty_playlist_exports_in_every_format():
    empty = ExportPlaylist("Nothing yet", None, datetime(2026, 1, 1, tzinfo=UTC), [])
    assert parse_m3u8(to_m3u8(empty)) == []
    assert ET.fromstring(to_xspf(empty)).find(f"{{{XSPF_NAMESPACE}}}trackList") is not None
    assert json.loads(to_jspf(empty))["playlist"]["track"] == []
    assert list(csv.reader(io.StringIO(to_exportify_csv(empty)))) == [list(EXPORTIFY_COLUMNS)]

"""GET /api/v1/playlists/<id>/export in every format, on both databases: the stored tracks come
back in order with their unicode titles and every credited artist; others' playlists are 404."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import update

from dashapp.services import accounts
from db.models import Artist, Track, TrackArtist
from db.session import session_scope
from tests.integration.playlist_catalogue import seed_playlist_catalogue

PASSWORD = "correct horse battery"
TRACKS = ["t0003", "t0000", "t0002"]
TITLE = 'Ça & "ça" <encore>, deux\nlignes'
XSPF = "{http://xspf.org/ns/0/}"


@pytest.fixture
def client_with_playlist(app, client):
    seed_playlist_catalogue()
    with session_scope() as session:
        session.execute(update(Track).where(Track.id == "t0000").values(name=TITLE))
        guest = Artist(name="Guest, Jr. & Søn", name_key="guest, jr. & søn")
        session.add(guest)
        session.flush()
        first = session.get(Track, "t0000").artist_id
        session.add_all(
            [
                TrackArtist(track_id="t0000", position=0, artist_id=first),
                TrackArtist(track_id="t0000", position=1, artist_id=guest.id),
            ]
        )
    accounts.register("ana@example.com", PASSWORD, "Ana")
    client.post("/login", data={"email": "ana@example.com", "password": PASSWORD})
    made = client.post("/api/v1/playlists", json={"name": "Nuit", "track_ids": TRACKS})
    assert made.status_code == 201
    return client, made.json["id"]


def _ids(fmt: str, text: str) -> tuple[list[str], list[str]]:
    """(track ids, titles) read back from an export with standard parsers."""
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        return [r["Track URI"].rsplit(":", 1)[1] for r in rows], [r["Track Name"] for r in rows]
    if fmt == "xspf":
        tracks = ET.fromstring(text.encode()).iter(f"{XSPF}track")
        pairs = [(t.findtext(f"{XSPF}identifier"), t.findtext(f"{XSPF}title")) for t in tracks]
        return [i.rsplit(":", 1)[1] for i, _ in pairs], [t for _, t in pairs]
    if fmt == "jspf":
        tracks = json.loads(text)["playlist"]["track"]
        extension = "https://musicbrainz.org/doc/jspf#track"
        ids = [t["extension"][extension]["additional_metadata"]["spotify_id"] for t in tracks]
        return ids, [t["title"] for t in tracks]
    lines = [line for line in text.split("\n") if line]
    ids = [line.rsplit("/", 1)[1] for line in lines if not line.startswith("#")]
    titles = [line.split(" - ", 1)[1] for line in lines if line.startswith("#EXTINF:")]
    return ids, titles


@pytest.mark.parametrize("fmt", ["m3u8", "xspf", "jspf", "csv"])
def test_every_format_round_trips_through_the_api(client_with_playlist, fmt):
    client, playlist_id = client_with_playlist
    response = client.get(f"/api/v1/playlists/{playlist_id}/export?format={fmt}")
    assert response.status_code == 200
    assert f'filename="Nuit.{fmt}"' in response.headers["Content-Disposition"]
    ids, titles = _ids(fmt, response.get_data(as_text=True))
    assert ids == TRACKS
    expected = " ".join(TITLE.split()) if fmt == "m3u8" else TITLE  # M3U is one line per entry
    assert titles[1] == expected
    # The multi-artist track lists both credits, in order.
    assert "Guest, Jr. & Søn" in response.get_data(as_text=True).replace("&amp;", "&")


def test_someone_elses_playlist_is_404_like_a_missing_one(client_with_playlist):
    client, playlist_id = client_with_playlist
    accounts.register("ben@example.com", PASSWORD, "Ben")
    client.post("/logout")
    client.post("/login", data={"email": "ben@example.com", "password": PASSWORD})
    for fmt in ("m3u8", "xspf", "jspf", "csv"):
        theirs = client.get(f"/api/v1/playlists/{playlist_id}/export?format={fmt}")
        missing = client.get(f"/api/v1/playlists/{playlist_id + 999}/export?format={fmt}")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json["detail"].replace(str(playlist_id), "N") == missing.json[
            "detail"
        ].replace(str(playlist_id + 999), "N")


def test_an_unknown_format_is_a_clear_400(client_with_playlist):
    client, playlist_id = client_with_playlist
    response = client.get(f"/api/v1/playlists/{playlist_id}/export?format=wpl")
    assert response.status_code == 400
    assert "choose from m3u8, xspf, jspf, csv, json" in response.get_data(as_text=True)


def test_the_playlists_page_download_uses_the_session_user(client_with_playlist):
    client, playlist_id = client_with_playlist
    formats = ["m3u8", "xspf", "jspf", "csv", "json"]

    def click(fmt: str):
        return client.post(
            "/_dash-update-component",
            json={
                "output": "pl-download.data",
                "outputs": {"id": "pl-download", "property": "data"},
                "inputs": [
                    {
                        "id": f"pl-export-{f}",
                        "property": "n_clicks",
                        "value": 1 if f == fmt else None,
                    }
                    for f in formats
                ],
                "state": [{"id": "pl-current", "property": "data", "value": {"id": playlist_id}}],
                "changedPropIds": [f"pl-export-{fmt}.n_clicks"],
            },
        )

    response = click("xspf")
    assert response.status_code == 200
    data = response.json["response"]["pl-download"]["data"]
    assert data["filename"] == "Nuit.xspf" and data["type"] == "application/xspf+xml"
    ids, _titles = _ids("xspf", data["content"])
    assert ids == TRACKS

    accounts.register("eve@example.com", PASSWORD, "Eve")
    client.post("/logout")
    client.post("/login", data={"email": "eve@example.com", "password": PASSWORD})
    stolen = click("csv")
    assert stolen.status_code == 204  # PreventUpdate: nothing is sent
    assert "t0003" not in stolen.get_data(as_text=True)

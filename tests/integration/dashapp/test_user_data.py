"""A user's data leaves as one zip holding only their rows, and deleting the account removes
every row they own in every table that references users (found from the schema), on both
databases."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from dashapp.services import accounts, playlists, user_data
from db.models import Ban, Base, Interaction, Track, UserPreference
from db.queries.user_data import owned_row_counts, owned_tables
from db.session import session_scope
from music.schema import InteractionKind
from tests.integration.playlist_catalogue import seed_playlist_catalogue

PASSWORD = "correct horse battery"


def _fill(user_id: int, tracks: list[str], title: str) -> None:
    with session_scope() as session:
        artist = session.scalar(select(Track.artist_id).where(Track.id == tracks[0]))
        session.add(
            UserPreference(user_id=user_id, favourite_genres=["rock"], favourite_artists=[artist])
        )
        for i, track in enumerate(tracks):
            kind = InteractionKind.LIKE if i % 2 else InteractionKind.SKIP
            session.add(Interaction(user_id=user_id, track_id=track, kind=kind, context="home"))
        session.add(Ban(user_id=user_id, track_id=tracks[-1]))
        session.add(Ban(user_id=user_id, artist_id=artist))
    playlists.create_playlist(user_id, title, tracks)
    playlists.create_playlist(user_id, f"{title} 2", tracks[:2])


@pytest.fixture
def two_users(db):
    seed_playlist_catalogue()
    ana = accounts.register("ana@example.com", PASSWORD, "Ana").id
    ben = accounts.register("ben@example.com", PASSWORD, "Ben").id
    _fill(ana, ["t0000", "t0001", "t0002"], 'Ana & "friends", <3')
    _fill(ben, ["t0003", "t0004"], "Ben's")
    return ana, ben


def _counts(user_id: int) -> dict[str, int]:
    with session_scope() as session:
        return owned_row_counts(session, Base.metadata, user_id)


def _read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


def test_the_zip_holds_every_section_with_only_this_users_rows(two_users):
    ana, _ben = two_users
    exported = user_data.export_user_data(ana)
    assert exported.filename.startswith("mixmap-data-") and exported.filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(exported.content))
    names = set(archive.namelist())
    assert {section.path for section in user_data.SECTIONS} | {"README.txt"} <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == "ana@example.com" and "password_hash" not in profile
    prefs = json.loads(archive.read("preferences.json"))
    assert prefs["favourite_genres"] == ["rock"] and prefs["favourite_artists"][0]["name"]
    feedback = _read_csv(archive, "feedback.csv")
    assert [r["track_id"] for r in feedback] == ["t0000", "t0001", "t0002"]
    assert [r["kind"] for r in feedback] == ["skip", "like", "skip"]
    assert len(_read_csv(archive, "bans.csv")) == 2
    lists = _read_csv(archive, "playlists.csv")
    assert [p["name"] for p in lists] == ['Ana & "friends", <3', 'Ana & "friends", <3 2']
    items = _read_csv(archive, "playlist_items.csv")
    assert [(i["position"], i["track_id"]) for i in items[:3]] == [
        ("0", "t0000"),
        ("1", "t0001"),
        ("2", "t0002"),
    ]
    everything = b"".join(archive.read(name) for name in names)
    assert b"ben@example.com" not in everything and b"Ben's" not in everything
    # Every owned table is in the zip: through a section, or whole as tables/<name>.csv.
    covered = {name for section in user_data.sections() for name in section.covers}
    assert {table.name for table in owned_tables(Base.metadata)} <= covered


def test_deleting_the_account_removes_every_owned_row_and_nothing_of_others(two_users):
    ana, ben = two_users
    before = _counts(ana)
    ben_before = _counts(ben)
    # Every table this test seeds really holds rows, so "0 after" means something.
    seeded = {"users", "user_preferences", "interactions", "bans", "playlists", "playlist_items"}
    assert all(before[name] > 0 for name in seeded), before
    assert set(before) == {"users", *(t.name for t in owned_tables(Base.metadata))}

    accounts.delete_account(ana, PASSWORD)

    assert _counts(ana) == dict.fromkeys(before, 0)
    assert _counts(ben) == ben_before
    with session_scope() as session:
        assert session.get(Track, "t0000") is not None  # the catalogue is not the user's


def test_the_profile_download_callback_sends_the_session_users_zip(logged_in):
    client, user_id = logged_in
    other = accounts.register("eve@example.com", PASSWORD, "Eve").id
    assert other != user_id
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "profile-data-download.data",
            "outputs": {"id": "profile-data-download", "property": "data"},
            "inputs": [{"id": "profile-download-data", "property": "n_clicks", "value": 1}],
            "state": [],
            "changedPropIds": ["profile-download-data.n_clicks"],
        },
    )
    assert response.status_code == 200
    data = response.json["response"]["profile-data-download"]["data"]
    assert data["base64"] and data["filename"].endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(data["content"])))
    profile = json.loads(archive.read("profile.json"))
    assert profile["id"] == user_id and profile["email"] != "eve@example.com"

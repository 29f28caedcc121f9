"""Each history format: a valid file reads every listen, a partial one skips what is not music,
a broken one is refused as a whole with a message naming the problem."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

from db.importers.history.listen import (
    LASTFM,
    LISTENBRAINZ,
    SPOTIFY_ACCOUNT,
    SPOTIFY_EXTENDED,
    HistoryFileError,
)
from db.importers.history.reader import HistoryLimits, read_history
from tests.unit.db.importers.history.history_files import (
    Played,
    at,
    lastfm_csv,
    listenbrainz_json,
    listenbrainz_jsonl,
    spotify_account,
    spotify_extended,
    zip_of,
)

PLAYS = [
    Played("Coldplay", "Yellow", at(3, 18, 20), spotify_id="3AJwUDP919kvQ9QcozQPxg"),
    Played("Adele", "Hello", at(4, 9, 5), ms=12_000),
    Played("Beyoncé", "Halo", at(5, 23, 59), skipped=True),
]


# --- Spotify Extended streaming history ---------------------------------------------------------


def test_spotify_extended_reads_every_field() -> None:
    history = read_history("Streaming_History_Audio_2021.json", spotify_extended(PLAYS))
    first, second, third = history.listens
    assert first.source == SPOTIFY_EXTENDED
    assert first.played_at == datetime(2021, 1, 3, 18, 20, tzinfo=UTC)
    assert (first.artist, first.track, first.album) == ("Coldplay", "Yellow", "Some Album")
    assert first.spotify_track_id == "3AJwUDP919kvQ9QcozQPxg"
    assert not first.is_skip
    assert second.ms_played == 12_000 and second.is_skip  # under 30 s
    assert third.skipped is True and third.is_skip


def test_spotify_extended_ignores_podcast_episodes() -> None:
    history = read_history("Streaming_History_Audio_2021.json", spotify_extended(PLAYS, podcasts=2))
    assert len(history.listens) == 3
    assert history.ignored == 2


def test_spotify_extended_zip_reads_every_audio_file_and_nothing_else() -> None:
    folder = "Spotify Extended Streaming History"
    data = zip_of(
        {
            f"{folder}/Streaming_History_Audio_2020.json": spotify_extended(PLAYS[:1]),
            f"{folder}/Streaming_History_Audio_2021_1.json": spotify_extended(PLAYS[1:]),
            f"{folder}/Streaming_History_Video_2021.json": b"[{}]",
            f"{folder}/ReadMeFirst_ExtendedStreamingHistory.pdf": b"%PDF",
        }
    )
    history = read_history("my_spotify_data.zip", data)
    assert len(history.listens) == 3
    assert [name.rsplit("/", 1)[1] for name in history.files] == [
        "Streaming_History_Audio_2020.json",
        "Streaming_History_Audio_2021_1.json",
    ]


def test_spotify_extended_bad_timestamp_refuses_the_file() -> None:
    rows = json.loads(spotify_extended(PLAYS))
    rows[1]["ts"] = "yesterday"
    with pytest.raises(HistoryFileError, match=r"entry 2: ts 'yesterday' is not a date"):
        read_history("Streaming_History_Audio_2021.json", json.dumps(rows).encode())


def test_spotify_extended_truncated_download_is_refused() -> None:
    data = spotify_extended(PLAYS)
    with pytest.raises(HistoryFileError, match=r"not valid JSON.*cut short"):
        read_history("Streaming_History_Audio_2021.json", data[: len(data) // 2])


# --- Spotify Account data ------------------------------------------------------------------------


def test_spotify_account_data_reads_minutes_in_utc() -> None:
    history = read_history("StreamingHistory_music_0.json", spotify_account(PLAYS))
    assert [listen.source for listen in history.listens] == [SPOTIFY_ACCOUNT] * 3
    assert history.listens[0].played_at == datetime(2021, 1, 3, 18, 20, tzinfo=UTC)
    assert history.listens[0].spotify_track_id is None
    assert [listen.is_skip for listen in history.listens] == [False, True, False]


def test_spotify_account_data_skips_rows_without_names_and_refuses_bad_ms() -> None:
    rows = json.loads(spotify_account(PLAYS))
    rows[0]["trackName"] = ""
    assert read_history("StreamingHistory_music_0.json", json.dumps(rows).encode()).ignored == 1
    rows[1]["msPlayed"] = "long"
    with pytest.raises(HistoryFileError, match="entry 2: msPlayed must be a non-negative number"):
        read_history("StreamingHistory_music_0.json", json.dumps(rows).encode())


def test_spotify_account_zip_skips_podcast_history() -> None:
    data = zip_of(
        {
            "MyData/StreamingHistory_music_0.json": spotify_account(PLAYS),
            "MyData/StreamingHistory_podcast_0.json": b'[{"podcastName": "x"}]',
            "MyData/Userdata.json": b"{}",
        }
    )
    assert len(read_history("my_spotify_data.zip", data).listens) == 3


# --- Last.fm CSV ---------------------------------------------------------------------------------


def test_lastfm_csv_without_header() -> None:
    history = read_history("scrobbles.csv", lastfm_csv(PLAYS))
    first = history.listens[0]
    assert (first.source, first.artist, first.album, first.track) == (
        LASTFM,
        "Coldplay",
        "Some Album",
        "Yellow",
    )
    assert first.played_at == datetime(2021, 1, 3, 18, 20, tzinfo=UTC)
    assert first.ms_played is None and not first.is_skip


def test_lastfm_csv_with_header_reads_epoch_seconds() -> None:
    history = read_history("scrobbles-user.csv", lastfm_csv(PLAYS, header=True))
    assert [listen.played_at for listen in history.listens] == [p.at for p in PLAYS]
    assert history.listens[2].artist == "Beyoncé"


def test_lastfm_csv_partial_rows_without_a_date_are_ignored() -> None:
    data = lastfm_csv(PLAYS) + b"Muse,Absolution,Hysteria,\n"
    history = read_history("scrobbles.csv", data)
    assert (len(history.listens), history.ignored) == (3, 1)


def test_lastfm_csv_broken_date_or_row_refuses_the_file() -> None:
    with pytest.raises(HistoryFileError, match="row 4: '32 Foo 2021' is not a date"):
        read_history("scrobbles.csv", lastfm_csv(PLAYS) + b"Muse,Absolution,Hysteria,32 Foo 2021\n")
    with pytest.raises(HistoryFileError, match="row 4: 2 columns"):
        read_history("scrobbles.csv", lastfm_csv(PLAYS) + b"Muse,Hysteria\n")
    with pytest.raises(HistoryFileError, match="4 columns"):
        read_history("scrobbles.csv", b"just,three,columns\n")


# --- ListenBrainz --------------------------------------------------------------------------------


def test_listenbrainz_json_array_with_spotify_ids() -> None:
    history = read_history("listens.json", listenbrainz_json(PLAYS))
    first = history.listens[0]
    assert first.source == LISTENBRAINZ
    assert first.spotify_track_id == "3AJwUDP919kvQ9QcozQPxg"
    assert history.listens[1].spotify_track_id is None
    assert [listen.played_at for listen in history.listens] == [p.at for p in PLAYS]


def test_listenbrainz_export_zip_reads_listens_not_feedback() -> None:
    data = zip_of(
        {
            "user.json": b'{"user_name": "x"}',
            "feedback.jsonl": b'{"recording_mbid": "x", "score": 1}\n',
            "listens/2021/1.jsonl": listenbrainz_jsonl(PLAYS[:2]),
            "listens/2021/2.jsonl": listenbrainz_jsonl(PLAYS[2:]),
        }
    )
    assert len(read_history("listenbrainz_user.zip", data).listens) == 3


def test_listenbrainz_partial_and_broken_lines() -> None:
    lines = listenbrainz_jsonl(PLAYS).decode().splitlines()
    partial = json.loads(lines[0])
    partial["track_metadata"]["track_name"] = None
    history = read_history("listens.jsonl", "\n".join([json.dumps(partial), *lines[1:]]).encode())
    assert (len(history.listens), history.ignored) == (2, 1)
    with pytest.raises(HistoryFileError, match="line 2: not JSON"):
        read_history("listens.jsonl", (lines[0] + "\n{broken\n").encode())


def test_listenbrainz_api_payload_is_unwrapped() -> None:
    document = {"payload": {"count": 3, "listens": json.loads(listenbrainz_json(PLAYS))}}
    assert len(read_history("listens.json", json.dumps(document).encode()).listens) == 3


# --- Whole files and archives --------------------------------------------------------------------


def test_unknown_json_and_binary_files_are_refused() -> None:
    with pytest.raises(HistoryFileError, match="not a listening history"):
        read_history("Playlist1.json", b'[{"name": "My playlist", "items": []}]')
    with pytest.raises(HistoryFileError, match="not UTF-8"):
        read_history("scrobbles.csv", b"\xff\xfe\x00bad")
    with pytest.raises(HistoryFileError, match="no listening history"):
        read_history("photos.zip", zip_of({"cat.jpg": b"\xff\xd8"}))
    with pytest.raises(HistoryFileError, match="not a readable zip"):
        read_history("broken.zip", b"PK\x03\x04garbage")


def test_zip_limits_refuse_before_decompressing() -> None:
    many = zip_of({f"listens/{i}.jsonl": b"" for i in range(5)})
    with pytest.raises(HistoryFileError, match="5 files"):
        read_history("many.zip", many, HistoryLimits(max_archive_members=4))
    big = zip_of({"listens/1.jsonl": listenbrainz_jsonl(PLAYS * 50)})
    with pytest.raises(HistoryFileError, match="unpacks to"):
        read_history("big.zip", big, HistoryLimits(max_uncompressed_bytes=1_000))


def test_zip_bomb_ratio_is_refused() -> None:
    bomb = zip_of({"listens/1.jsonl": b" " * (3 * 1024 * 1024)})
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.infolist()[0].compress_size * 100 < 3 * 1024 * 1024
    with pytest.raises(HistoryFileError, match="zip bomb"):
        read_history("bomb.zip", bomb)


def test_listen_count_is_bounded() -> None:
    with pytest.raises(HistoryFileError, match="More than 2 listens"):
        read_history("scrobbles.csv", lastfm_csv(PLAYS), HistoryLimits(max_listens=2))


def test_empty_spotify_year_file_alone_is_refused_as_no_listens() -> None:
    with pytest.raises(HistoryFileError, match="holds no listens"):
        read_history("Streaming_History_Audio_2009.json", b"[]")

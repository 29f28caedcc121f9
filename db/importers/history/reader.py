"""Uploaded bytes (one file, or the zip a service sends) -> every listen in them, all checked.

The format is found from the file name and then the content: Spotify Extended streaming history,
Spotify Account data, a Last.fm scrobbles CSV, ListenBrainz JSON/JSONL, or a zip holding any of
these (found by name inside it). A zip is refused before anything is decompressed when it has too
many members, claims too many bytes or a compression ratio no history file has; members are then
read with a hard byte cap, so a lying header cannot blow past the limit either.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from db.importers.history import lastfm, listenbrainz, spotify
from db.importers.history.listen import HistoryFileError, Listen
from db.importers.history.parsed import ParsedRows

MB = 1024 * 1024


@dataclass(frozen=True)
class HistoryLimits:
    """Bounds on what one import may read; the defaults fit a decade of Spotify history."""

    max_archive_members: int = 2_000
    max_uncompressed_bytes: int = 1_024 * MB
    # JSON compresses 10-20x; 100x is a zip bomb, not a listening history.
    max_compression_ratio: float = 100.0
    # About 400 bytes of memory per listen while matching: a million fits a worker dyno.
    max_listens: int = 1_000_000


@dataclass
class ParsedHistory:
    listens: list[Listen] = field(default_factory=list)
    ignored: int = 0  # podcast episodes, rows without a title or a date
    files: list[str] = field(default_factory=list)  # the files (or zip members) that were read

    def add(self, name: str, rows: ParsedRows, limits: HistoryLimits) -> None:
        self.listens.extend(rows.listens)
        self.ignored += rows.ignored
        self.files.append(name)
        if len(self.listens) > limits.max_listens:
            raise HistoryFileError(
                f"More than {limits.max_listens:,} listens in one import; split the upload."
            )


# Zip members we read, by base name; everything else in a Spotify or ListenBrainz zip is skipped.
_EXTENDED = re.compile(r"^Streaming_History_Audio_.*\.json$", re.IGNORECASE)
_ACCOUNT = re.compile(r"^StreamingHistory(_music_)?\d*\.json$", re.IGNORECASE)
# ListenBrainz exports hold listens/YYYY/M.jsonl beside feedback.jsonl, which is not listens.
_LISTENS_JSONL = re.compile(r"listen.*\.jsonl$", re.IGNORECASE)
_CSV = re.compile(r"\.csv$", re.IGNORECASE)
_LISTENBRAINZ_JSON = re.compile(r"^listens.*\.json$", re.IGNORECASE)


def read_history(name: str, data: bytes, limits: HistoryLimits | None = None) -> ParsedHistory:
    """All listens in ``data`` (named ``name``); raises ``HistoryFileError`` on anything wrong.

    Nothing is returned unless every entry of every file read is valid, so a caller that writes
    only after this returns never half-imports a file.
    """
    limits = limits or HistoryLimits()
    history = ParsedHistory()
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".zip"):
        _read_zip(name, data, limits, history)
    else:
        history.add(name, parse_file(name, data), limits)
    if not history.listens and not history.ignored:
        raise HistoryFileError(f"{name} holds no listens.")
    return history


def _read_zip(name: str, data: bytes, limits: HistoryLimits, history: ParsedHistory) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise HistoryFileError(f"{name} is not a readable zip archive.") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        _check_archive(name, members, limits)
        wanted = [info for info in members if _is_history_member(info.filename)]
        if not wanted:
            raise HistoryFileError(
                f"{name} contains no listening history: expected Streaming_History_Audio_*.json, "
                "StreamingHistory_music_*.json, ListenBrainz listens (*.jsonl) or a Last.fm CSV."
            )
        budget = limits.max_uncompressed_bytes
        for info in sorted(wanted, key=lambda i: i.filename):
            with archive.open(info) as member:
                content = member.read(budget + 1)
            budget -= len(content)
            if budget < 0:
                raise HistoryFileError(
                    f"{name} unpacks to more than {limits.max_uncompressed_bytes // MB} MB."
                )
            history.add(info.filename, parse_file(info.filename, content), limits)


def _check_archive(name: str, members: list[zipfile.ZipInfo], limits: HistoryLimits) -> None:
    if len(members) > limits.max_archive_members:
        raise HistoryFileError(
            f"{name} has {len(members):,} files; at most {limits.max_archive_members:,} are read."
        )
    total = sum(info.file_size for info in members)
    if total > limits.max_uncompressed_bytes:
        raise HistoryFileError(
            f"{name} unpacks to {total // MB:,} MB; at most "
            f"{limits.max_uncompressed_bytes // MB:,} MB are read."
        )
    for info in members:
        # Tiny members compress absurdly well without being dangerous; judge the big ones.
        if info.file_size > MB and info.file_size > limits.max_compression_ratio * max(
            info.compress_size, 1
        ):
            raise HistoryFileError(
                f"{name}: {info.filename} is compressed more than "
                f"{limits.max_compression_ratio:g} to 1; refusing it as a zip bomb."
            )


def _is_history_member(path: str) -> bool:
    base = PurePosixPath(path).name
    if base.startswith("._") or path.startswith("__MACOSX/"):
        return False  # macOS resource forks that Finder adds to zips
    if _LISTENS_JSONL.search(path):
        return True
    return any(pattern.search(base) for pattern in (_EXTENDED, _ACCOUNT, _CSV, _LISTENBRAINZ_JSON))


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HistoryFileError(f"{name} is not UTF-8 text.") from None


def parse_file(name: str, data: bytes) -> ParsedRows:
    """One history file (not an archive), its format told by its name and content."""
    text = _decode(name, data)
    lower = name.lower()
    stripped = text.lstrip()
    if lower.endswith(".jsonl"):
        return listenbrainz.parse_jsonl(name, text)
    if lower.endswith(".csv") or not stripped.startswith(("[", "{")):
        if lower.endswith(".json"):
            raise HistoryFileError(f"{name} is not JSON.")
        return lastfm.parse_csv(name, text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if stripped.startswith("{") and "\n{" in stripped:
            return listenbrainz.parse_jsonl(name, text)  # JSON Lines saved as .json
        raise HistoryFileError(
            f"{name} is not valid JSON (line {error.lineno}: {error.msg}); "
            "was the download cut short?"
        ) from None
    return _parse_json(name, listenbrainz.unwrap(document))


def _parse_json(name: str, document: Any) -> ParsedRows:
    if not isinstance(document, list):
        raise HistoryFileError(f"{name}: expected a list of listens, found a JSON object.")
    first = next((entry for entry in document if isinstance(entry, dict)), None)
    if first is None:
        if document:
            raise HistoryFileError(f"{name}: expected a list of objects (listens).")
        return ParsedRows()  # Spotify writes empty yearly files; nothing to read, nothing wrong
    keys = set(first)
    if spotify.EXTENDED_SIGNATURE <= keys:
        return spotify.parse_extended(name, document)
    if spotify.ACCOUNT_SIGNATURE <= keys:
        return spotify.parse_account(name, document)
    if listenbrainz.SIGNATURE <= keys:
        return listenbrainz.parse_listens(name, document)
    raise HistoryFileError(
        f"{name} is not a listening history this app reads (Spotify Extended streaming history, "
        "Spotify Account data, ListenBrainz listens); its first entry has the fields "
        f"{', '.join(sorted(keys)[:8])}."
    )

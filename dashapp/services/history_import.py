"""Import a listener's history: files or listens -> matched catalogue tracks -> stored events.

``ingest_listens`` is the one way listens enter the database: history files here, and the Spotify
library and Last.fm username imports in ``spotify_account`` / ``lastfm_import``, which hand it
``Listen`` records with their own ``source`` (saved and top tracks carry ``kind`` like /
favourite). It matches everything first, then writes all new listens in one transaction, so a
failure leaves nothing half-imported. Big imports never run on a request: ``submit_upload`` (and
the integrations' ``submit_*``) queue a job and the worker runs it (see services/jobs.py).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

from sqlalchemy import select

from db.importers.history.listen import (
    ONCE_PER_TRACK_KINDS,
    HistoryFileError,
    Listen,
    utc_second,
)
from db.importers.history.matching import CatalogueMatcher
from db.importers.history.reader import HistoryLimits, read_history
from db.models import User
from db.queries import history as history_queries
from db.queries import jobs as job_queries
from db.queries.history import StoredListen
from db.queries.jobs import ClaimedJob, JobView
from db.session import session_scope
from music.schema import InteractionKind

log = logging.getLogger(__name__)

JOB_KIND = "history_import"
ProgressFn = Callable[[float, str], None]
UPLOAD_LIMIT_ENV = "MIXMAP_HISTORY_UPLOAD_MAX_BYTES"
# A browser upload travels base64-encoded (4/3 larger) inside one Dash callback, whose body is
# capped by MIXMAP_MAX_UPLOAD_BYTES (32 MiB): 23 MiB of file fits under it with room for the JSON.
# Spotify's whole-account zip of a decade of streams is well under that (it compresses ~10x).
DEFAULT_UPLOAD_LIMIT = 23 * 1024 * 1024
ACCEPTED_SUFFIXES = (".json", ".jsonl", ".csv", ".zip")
# Imports one person may have waiting at once: enough to queue several files, not to flood.
MAX_ACTIVE_IMPORTS = 3
TOP_UNMATCHED = 10
MATCH_PROGRESS_EVERY = 5_000


class HistoryImportError(ValueError):
    """The upload or the file cannot be imported; the message says why, in the user's terms."""


@dataclass
class ImportReport:
    """What an import did; stored on the job and printed by the CLI."""

    listens: int = 0  # music listens read from the files (or handed in)
    ignored: int = 0  # entries that are not music listens (podcasts, rows without a title)
    matched: int = 0
    unmatched: int = 0
    matched_by: dict[str, int] = field(default_factory=dict)  # spotify_id / name / fuzzy
    plays: int = 0  # distinct matched listens stored as plays (now or by an earlier import)
    skips: int = 0
    likes: int = 0  # saved tracks (Spotify library imports only)
    favourites: int = 0  # top tracks (Spotify library imports only)
    stored: int = 0  # new events written
    already_stored: int = 0  # matched listens that were in the database (or the files) already
    top_unmatched_artists: list[tuple[str, int]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def match_rate(self) -> float:
        return self.matched / self.listens if self.listens else 0.0

    def summary(self) -> str:
        return (
            f"{self.listens:,} listens: {self.matched:,} matched ({self.match_rate:.1%}; "
            f"{self.plays:,} plays, {self.skips:,} skips"
            + (f", {self.likes:,} likes" if self.likes else "")
            + (f", {self.favourites:,} favourites" if self.favourites else "")
            + f"), {self.unmatched:,} not in the "
            f"catalogue; {self.stored:,} new, {self.already_stored:,} already imported"
            + (f"; {self.ignored:,} podcast or incomplete entries ignored" if self.ignored else "")
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["top_unmatched_artists"] = [list(pair) for pair in self.top_unmatched_artists]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known["top_unmatched_artists"] = [
            (str(artist), int(count)) for artist, count in known.get("top_unmatched_artists", [])
        ]
        return cls(**known)


def _quiet(_fraction: float, _message: str) -> None:
    return None


def ingest_listens(
    user_id: int,
    listens: Iterable[Listen],
    *,
    progress: ProgressFn | None = None,
    ignored: int = 0,
    files: Sequence[str] = (),
) -> ImportReport:
    """Match ``listens`` against the catalogue and store the new ones for ``user_id``.

    Under 30 s played or marked skipped -> a skip, otherwise a play, at the listen's own time.
    A listen already stored (same user, track and second) is not stored again. A listen with a
    ``kind`` (a saved track: like; a top track: favourite) is stored once per track and source.
    All writes are one transaction. ``progress(fraction, message)`` is called while matching,
    never while the write transaction is open. Raises ``HistoryImportError`` when the user does
    not exist.
    """
    say = progress or _quiet
    listens = list(listens)
    report = ImportReport(listens=len(listens), ignored=ignored, files=list(files))
    say(0.25, "Reading the catalogue")
    with session_scope() as session:
        if session.get(User, user_id) is None:
            raise HistoryImportError("This account no longer exists.")
        matcher = CatalogueMatcher(history_queries.catalogue_entries(session))
    to_store: dict[tuple[str, Any], StoredListen] = {}
    unmatched: Counter[str] = Counter()
    methods: Counter[str] = Counter()
    for index, listen in enumerate(listens):
        if index and index % MATCH_PROGRESS_EVERY == 0:
            say(0.25 + 0.6 * index / len(listens), f"Matched {index:,} of {len(listens):,}")
        match = matcher.match(listen)
        if match is None:
            unmatched[listen.artist] += 1
            continue
        methods[match.method] += 1
        kind = listen.interaction_kind
        played_at = utc_second(listen.played_at)  # API callers may hand in microseconds
        once = kind in ONCE_PER_TRACK_KINDS
        key = (match.track_id, listen.source if once else played_at)
        to_store.setdefault(key, StoredListen(match.track_id, kind, played_at, listen.source))
    report.matched = sum(methods.values())
    report.unmatched = report.listens - report.matched
    report.matched_by = dict(sorted(methods.items()))
    report.top_unmatched_artists = unmatched.most_common(TOP_UNMATCHED)
    say(0.9, f"Saving {len(to_store):,} listens")
    rows = sorted(to_store.values(), key=lambda row: (row.at, row.track_id))
    with session_scope() as session:
        report.stored = history_queries.store_listens(session, user_id, rows)
    kinds = Counter(row.kind for row in rows)
    report.plays = kinds[InteractionKind.PLAY]
    report.skips = kinds[InteractionKind.SKIP]
    report.likes = kinds[InteractionKind.LIKE]
    report.favourites = kinds[InteractionKind.FAVOURITE]
    report.already_stored = report.matched - report.stored
    say(1.0, report.summary())
    return report


def read_files(
    files: Sequence[tuple[str, bytes]], limits: HistoryLimits | None = None
) -> tuple[list[Listen], int, list[str]]:
    """Every listen in every file, all validated before anything is returned."""
    listens: list[Listen] = []
    ignored = 0
    names: list[str] = []
    for name, data in files:
        try:
            parsed = read_history(name, data, limits)
        except HistoryFileError as error:
            raise HistoryImportError(str(error)) from None
        listens.extend(parsed.listens)
        ignored += parsed.ignored
        names.extend(parsed.files)
    return listens, ignored, names


def import_files(
    user_id: int, files: Sequence[tuple[str, bytes]], progress: ProgressFn | None = None
) -> ImportReport:
    """Read, validate and ingest files synchronously (the CLI, tests and the worker's job)."""
    say = progress or _quiet
    say(0.05, "Reading the file" if len(files) == 1 else f"Reading {len(files)} files")
    listens, ignored, names = read_files(files)
    say(0.2, f"Read {len(listens):,} listens")
    return ingest_listens(user_id, listens, progress=say, ignored=ignored, files=names)


def upload_limit() -> int:
    """Largest upload accepted, in bytes (``MIXMAP_HISTORY_UPLOAD_MAX_BYTES``, 23 MiB default)."""
    try:
        return max(int(os.environ.get(UPLOAD_LIMIT_ENV, DEFAULT_UPLOAD_LIMIT)), 1)
    except ValueError:
        return DEFAULT_UPLOAD_LIMIT


def decode_upload(contents: str, limit: int | None = None) -> bytes:
    """The bytes of a browser upload (a ``data:...;base64,`` URL), refused past ``limit``."""
    limit = limit or upload_limit()
    _, _, encoded = (contents or "").partition("base64,")
    if not encoded:
        raise HistoryImportError("The upload arrived empty; choose the file again.")
    if len(encoded) * 3 // 4 > limit + 3:
        raise HistoryImportError(f"The file is larger than {limit // (1024 * 1024)} MB.")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise HistoryImportError("The upload is damaged; choose the file again.") from None


def submit_upload(user_id: int, filename: str, data: bytes) -> JobView:
    """Queue an uploaded file for the worker; the bytes travel in the job row (no shared disk)."""
    name = PurePath(str(filename or "")).name[:200]
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise HistoryImportError(
            "Upload a Spotify or ListenBrainz .json/.jsonl file, a Last.fm .csv, or a .zip."
        )
    if not data:
        raise HistoryImportError(f"{name} is empty.")
    if len(data) > upload_limit():
        raise HistoryImportError(f"{name} is larger than {upload_limit() // (1024 * 1024)} MB.")
    return queue_import(user_id, JOB_KIND, {"filename": name}, upload=data)


def queue_import(
    user_id: int, kind: str, payload: dict[str, Any], upload: bytes | None = None
) -> JobView:
    """Queue an import job of ``kind`` for the worker (history uploads, the Spotify library,
    Last.fm scrobbles); ``payload["filename"]`` names it on the page. Refused past
    ``MAX_ACTIVE_IMPORTS`` waiting jobs of that kind."""
    with session_scope() as session:
        if session.get(User, user_id) is None:
            raise HistoryImportError("This account no longer exists.")
        if job_queries.active_count(session, user_id, kind) >= MAX_ACTIVE_IMPORTS:
            raise HistoryImportError(
                f"You already have {MAX_ACTIVE_IMPORTS} imports waiting; let them finish first."
            )
        job_id = job_queries.enqueue(
            session, kind=kind, user_id=user_id, payload=payload, upload=upload
        )
        view = job_queries.view(session, job_id, user_id)
    assert view is not None
    return view


def user_id_for_email(email: str) -> int | None:
    """The account with this email (the CLI names users by email), or None."""
    with session_scope() as session:
        return session.scalar(select(User.id).where(User.email == email.strip().lower()))


def latest_import(user_id: int, kind: str = JOB_KIND) -> JobView | None:
    """The user's most recent import job of ``kind`` (their own only), for the Profile page."""
    with session_scope() as session:
        return job_queries.latest_for_user(session, user_id, kind)


@dataclass(frozen=True)
class ImportStatus:
    """What the Profile page shows about the user's latest import."""

    filename: str
    status: str  # queued, running, done, failed
    progress: float  # 0..1
    message: str
    report: ImportReport | None  # when done

    @property
    def active(self) -> bool:
        return self.status in job_queries.ACTIVE


def import_status(user_id: int, kind: str = JOB_KIND) -> ImportStatus | None:
    """The user's latest import of ``kind`` with its progress and report, or None."""
    job = latest_import(user_id, kind)
    if job is None:
        return None
    report = ImportReport.from_dict(job.result) if job.result else None
    return ImportStatus(
        filename=str(job.payload.get("filename") or "upload"),
        status=job.status,
        progress=job.progress,
        message=job.message,
        report=report,
    )


def queue_and_show(
    user_id: int, kind: str, payload: dict[str, Any], upload: bytes | None = None
) -> ImportStatus:
    """Queue an import (``queue_import``) and return the status the page shows next."""
    queue_import(user_id, kind, payload, upload)
    status = import_status(user_id, kind)
    assert status is not None
    return status


def run_owned_import(
    job: ClaimedJob,
    run: Callable[[int], ImportReport],
    user_errors: tuple[type[Exception], ...] = (),
) -> tuple[str, dict[str, Any]]:
    """A job handler's body: ``run(owner)`` for the job's owner; (message, result). Errors in
    ``user_errors`` are written for the user, so they become the job's message."""
    if job.user_id is None:
        raise HistoryImportError("This import has no owner.")
    try:
        report = run(job.user_id)
    except user_errors as error:
        raise HistoryImportError(str(error)) from error
    return report.summary(), report.to_dict()


def submit_browser_upload(user_id: int, filename: str, contents: str) -> ImportStatus:
    """A ``dcc.Upload`` file (data URL) queued for the worker; the status the page shows next."""
    submit_upload(user_id, filename, decode_upload(contents))
    status = import_status(user_id)
    assert status is not None
    return status


def run_import_job(job: ClaimedJob, progress: ProgressFn) -> tuple[str, dict[str, Any]]:
    """The worker's handler for ``history_import`` jobs: (message, result) or an error."""
    if job.user_id is None:
        raise HistoryImportError("This import has no owner.")
    with session_scope() as session:
        data = job_queries.upload_of(session, job.id)
    if not data:
        raise HistoryImportError("The uploaded file is gone; upload it again.")
    name = str(job.payload.get("filename") or "upload")
    report = import_files(job.user_id, [(name, data)], progress)
    return report.summary(), report.to_dict()

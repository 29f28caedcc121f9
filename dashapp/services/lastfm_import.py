"""Import a Last.fm user's scrobbles (``user.getRecentTracks``, paged) as plays.

The pages are fetched first, then handed to ``history_import.ingest_listens`` (source
``lastfm_api``) like any history file: matched (normalised artist + title, then fuzzy within the
artist) and stored once each, so running the import again stores nothing twice. If Last.fm fails
after page 40, pages 1-39 are still ingested and the error says so. The Profile page queues a
``lastfm_import`` job for the worker (a bounded number of pages); the CLI can import a whole
history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dashapp.services.history_import import (
    ImportReport,
    ImportStatus,
    ProgressFn,
    import_status,
    ingest_listens,
    queue_and_show,
    run_owned_import,
)
from dashapp.services.integration_settings import current_settings
from db.importers.history.listen import LASTFM_API, Listen
from db.queries import integrations as queries
from db.queries.jobs import ClaimedJob
from db.session import session_scope
from integrations.errors import IntegrationError, NotConfigured, NotFound
from integrations.lastfm import LastfmClient, Scrobble

PROVIDER = "lastfm"
JOB_KIND = "lastfm_import"
# Pages of 200 scrobbles one Profile import asks for (10,000 scrobbles, about 50 calls at
# Last.fm's 5 per second): it runs in the worker; the CLI can import a whole history.
PROFILE_MAX_PAGES = 50
# Last.fm user names: 2-15 characters, a letter first, then letters, digits, "_" or "-".
USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{1,14}$")


class LastfmImportError(IntegrationError):
    """The import stopped; ``partial`` says what was stored before it did."""

    def __init__(self, message: str, partial: ImportReport | None = None) -> None:
        super().__init__(message)
        self.partial = partial


@dataclass(frozen=True)
class LastfmStatus:
    configured: bool
    username: str | None


def status(user_id: int) -> LastfmStatus:
    """Whether Last.fm is configured and which user name the user linked, if any."""
    configured = current_settings().lastfm_enabled
    with session_scope() as session:
        row = queries.account(session, user_id, PROVIDER)
        return LastfmStatus(configured, row.external_user_id if row is not None else None)


def check_username(username: str | None) -> str:
    """The trimmed Last.fm user name, or a ``LastfmImportError`` saying what a valid one is."""
    name = (username or "").strip()
    if not USERNAME.match(name):
        raise LastfmImportError(
            "A Last.fm user name has 2 to 15 characters: a letter, then letters, digits, _ or -."
        )
    return name


def import_scrobbles(
    user_id: int,
    username: str | None,
    max_pages: int | None = PROFILE_MAX_PAGES,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Import up to ``max_pages`` pages (200 scrobbles each; None: all), newest first.
    ``progress(fraction, message)`` is called after each page and while ingesting."""
    name = check_username(username)
    client = LastfmClient(current_settings())
    listens: list[Listen] = []
    try:
        for page in client.recent_tracks(name, max_pages=max_pages):
            listens.extend(_listen(scrobble) for scrobble in page.scrobbles)
            if progress is not None:
                pages = page.total_pages if max_pages is None else min(page.total_pages, max_pages)
                fraction = 0.2 * page.page / max(pages, 1)
                progress(fraction, f"Read page {page.page:,} of {max(pages, 1):,} from Last.fm")
    except NotFound:
        raise LastfmImportError(f"Last.fm has no user called {name!r}.") from None
    except IntegrationError as error:
        partial = ingest_listens(user_id, listens, files=[f"Last.fm: {name}"])
        raise LastfmImportError(
            f"{error} {partial.stored} new plays were stored before it stopped; "
            "import again to continue.",
            partial,
        ) from error
    report = ingest_listens(user_id, listens, progress=progress, files=[f"Last.fm: {name}"])
    with session_scope() as session:
        queries.save_account(session, user_id, PROVIDER, external_user_id=name, display_name=name)
    return report


def _listen(scrobble: Scrobble) -> Listen:
    return Listen(
        played_at=scrobble.played_at,
        artist=scrobble.artist,
        track=scrobble.track,
        source=LASTFM_API,
        album=scrobble.album or None,
    )


def submit_import(user_id: int, username: str | None) -> ImportStatus:
    """Queue a scrobble import for the worker (the request only enqueues); the status to show."""
    name = check_username(username)
    if not current_settings().lastfm_enabled:
        raise NotConfigured("Last.fm is not configured on this server.")
    payload = {"filename": f"Last.fm scrobbles of {name}", "username": name}
    return queue_and_show(user_id, JOB_KIND, payload)


def import_job_status(user_id: int) -> ImportStatus | None:
    """The user's latest Last.fm import, or None."""
    return import_status(user_id, JOB_KIND)


def run_import_job(job: ClaimedJob, progress: ProgressFn) -> tuple[str, dict[str, Any]]:
    """The worker's handler for ``lastfm_import`` jobs: (message, result) or an error."""
    username = str(job.payload.get("username") or "")
    return run_owned_import(
        job,
        lambda user_id: import_scrobbles(user_id, username, progress=progress),
        (IntegrationError,),
    )


def user_id_for_email(email: str) -> int:
    """For the CLI: the account an import is for."""
    with session_scope() as session:
        user_id = queries.user_id_by_email(session, email)
    if user_id is None:
        raise LastfmImportError(f"There is no account with the email {email!r}.")
    return user_id

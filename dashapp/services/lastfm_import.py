"""Import a Last.fm user's scrobbles (``user.getRecentTracks``, paged) as plays.

Each page is matched and stored in its own short transaction, so an outage after page 40 keeps
pages 1-39; scrobbles are keyed by their time and normalised artist + title, so running the import
again continues without storing anything twice. The Profile page imports a bounded number of
pages on its request; the CLI can import a whole history.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from dashapp.services.integration_settings import current_settings
from dashapp.services.listen_import import ImportReport, merge, store_scrobbles
from db.queries import integrations as queries
from db.session import session_scope
from integrations.errors import IntegrationError, NotFound
from integrations.lastfm import LastfmClient

PROVIDER = "lastfm"
PROFILE_MAX_PAGES = 5  # 1,000 scrobbles per click on the Profile page
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
    configured = current_settings().lastfm_enabled
    with session_scope() as session:
        row = queries.account(session, user_id, PROVIDER)
        return LastfmStatus(configured, row.external_user_id if row is not None else None)


def check_username(username: str | None) -> str:
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
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import up to ``max_pages`` pages (200 scrobbles each; None: all), newest first.
    ``progress(page, total_pages)`` is called after each stored page."""
    name = check_username(username)
    client = LastfmClient(current_settings())
    reports: list[ImportReport] = []
    try:
        for page in client.recent_tracks(name, max_pages=max_pages):
            reports.append(store_scrobbles(user_id, page.scrobbles))
            if progress is not None:
                progress(page.page, page.total_pages)
    except NotFound:
        raise LastfmImportError(f"Last.fm has no user called {name!r}.") from None
    except IntegrationError as error:
        partial = merge(reports, PROVIDER)
        raise LastfmImportError(
            f"{error} {partial.new} new plays were stored before it stopped; "
            "import again to continue.",
            partial,
        ) from error
    with session_scope() as session:
        queries.save_account(session, user_id, PROVIDER, external_user_id=name, display_name=name)
    return merge(reports, PROVIDER)


def user_id_for_email(email: str) -> int:
    """For the CLI: the account an import is for."""
    with session_scope() as session:
        user_id = queries.user_id_by_email(session, email)
    if user_id is None:
        raise LastfmImportError(f"There is no account with the email {email!r}.")
    return user_id

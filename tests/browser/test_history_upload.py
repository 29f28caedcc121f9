"""A listener uploads Last.fm scrobbles on Profile, watches the import, finds it in Insights."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from sqlalchemy import select

from dashapp.services import jobs
from db.models import Artist, Track
from db.session import session_scope
from tests.browser.accounts import new_email
from tests.browser.test_journeys import register, wait_for
from tests.unit.db.importers.history.history_files import Played, at, lastfm_csv


def catalogue_plays(count: int) -> list[Played]:
    with session_scope() as session:
        rows = session.execute(
            select(Artist.name, Track.name).join(Track.artist).order_by(Track.id).limit(count)
        ).all()
    return [
        Played(artist, title.upper(), at(1 + i % 28, 12, i % 60))
        for i, (artist, title) in enumerate(rows)
    ]


def test_upload_history_watch_progress_and_see_it_in_insights(mixmap, tmp_path: Path):
    duo = mixmap
    register(duo, new_email())
    plays = [*catalogue_plays(5), Played("Nobody In The Catalogue", "Demo", at(2))]
    scrobbles = tmp_path / "scrobbles.csv"
    scrobbles.write_bytes(lastfm_csv(plays))

    duo.driver.get(f"{duo.url}/profile")
    duo.wait_for_element("#history-upload", timeout=20)
    duo.driver.find_element(By.CSS_SELECTOR, "#history-upload input[type=file]").send_keys(
        str(scrobbles)
    )
    wait_for(duo, lambda: "Waiting for the worker" in duo.find_element("#history-status").text)

    assert jobs.run_pending_jobs() == 1  # what the worker process does on its next tick
    wait_for(duo, lambda: "Imported scrobbles.csv" in duo.find_element("#history-status").text)
    status = duo.find_element("#history-status").text
    assert "Nobody In The Catalogue (1)" in status

    duo.driver.get(f"{duo.url}/insights")
    wait_for(duo, lambda: "5 listens so far" in duo.find_element("#insights-summary").text)

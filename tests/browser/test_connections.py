"""Connect Spotify in a real browser: Profile → Spotify's consent page (the local fake, which
agrees at once) → back on Profile connected; import the library (queued, run by the worker,
progress then report on the page); disconnect."""

from __future__ import annotations

import pytest

from dashapp.services import jobs
from tests.browser.accounts import new_email
from tests.browser.test_journeys import WAIT, register, wait_for
from tests.fakes.music_services import FakeMusicServices

PORT = 8171  # inside this feature's port range, away from dash_duo's default 8050


@pytest.fixture
def connected_mixmap(trained_app, dash_duo, monkeypatch):
    with FakeMusicServices() as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        trained_app.activate()
        dash_duo.start_server(trained_app.dash, navigate=False, port=PORT)
        dash_duo.url = dash_duo.server.url.rstrip("/")
        dash_duo.driver.set_window_size(1280, 1000)
        yield dash_duo, fake


def test_connect_spotify_import_and_disconnect(trained_app, connected_mixmap):
    duo, fake = connected_mixmap
    register(duo, new_email())
    duo.driver.get(f"{duo.url}/profile")
    duo.wait_for_element("#spotify-connect", timeout=WAIT).click()

    duo.wait_for_text_to_equal("#spotify-notice", "Spotify is connected.", timeout=WAIT)
    assert "Ada L" in duo.find_element("#profile-connections").text
    assert fake.calls("/accounts/api/token")[0]["grant_type"] == "authorization_code"

    fake.state.top = [fake.add_track("notInTheDemoCatalogue", "someone")]
    duo.find_element("#spotify-import").click()
    status = "#spotify-import-status"
    wait_for(duo, lambda: "Waiting for the worker" in duo.find_element(status).text)
    with trained_app.server.app_context():  # the worker's process: same config, same key
        assert jobs.run_pending_jobs() == 1
    wait_for(duo, lambda: "Imported Spotify library" in duo.find_element(status).text)
    assert "Not in the catalogue" in duo.find_element(status).text

    duo.find_element("#spotify-disconnect").click()
    duo.wait_for_element("#spotify-connect", timeout=WAIT)


def test_refusing_at_spotify_connects_nothing(connected_mixmap):
    duo, fake = connected_mixmap
    fake.state.deny_consent = True
    register(duo, new_email())
    duo.driver.get(f"{duo.url}/profile")
    duo.wait_for_element("#spotify-connect", timeout=WAIT).click()
    wait_for(duo, lambda: "did not allow" in duo.find_element("#spotify-notice").text)
    assert duo.find_element("#spotify-connect")

"""The Profile page's history upload: queued on the request, run by the worker, polled back."""

from __future__ import annotations

import base64
import json

from flask_login import login_user

from dashapp.services import history_import, jobs
from tests.integration.dashapp.builders import register
from tests.integration.history.history_catalogue import interaction_count, seed_history_catalogue
from tests.unit.db.importers.history.history_files import Played, at, lastfm_csv

PLAYS = [Played("Coldplay", "Yellow", at(3)), Played("Nobody Known", "Demo", at(4))]


def upload_request(client, filename: str, data: bytes):
    contents = "data:text/csv;base64," + base64.b64encode(data).decode()
    return client.post(
        "/_dash-update-component",
        json={
            "output": "..history-status.children...history-poll.disabled..",
            "outputs": [
                {"id": "history-status", "property": "children"},
                {"id": "history-poll", "property": "disabled"},
            ],
            "inputs": [{"id": "history-upload", "property": "contents", "value": contents}],
            "state": [{"id": "history-upload", "property": "filename", "value": filename}],
            "changedPropIds": ["history-upload.contents"],
        },
    )


def poll_as(app, user_id: int):
    from dashapp.auth import SessionUser
    from dashapp.pages import profile as profile_page
    from dashapp.services import accounts

    with app.test_request_context("/"):
        login_user(SessionUser(accounts.get_account(user_id)))
        children, disabled = profile_page.poll_history_import(1)
        layout = json.dumps(profile_page.layout().to_plotly_json(), default=str)
    return json.dumps(children.to_plotly_json(), default=str), disabled, layout


def test_upload_is_queued_then_the_poll_shows_the_report(app) -> None:
    seed_history_catalogue()
    client = app.test_client()
    user_id = register(client)
    response = upload_request(client, "scrobbles.csv", lastfm_csv(PLAYS))
    assert response.status_code == 200, response.data
    body = response.get_data(as_text=True)
    assert "Waiting for the worker" in body
    assert '"disabled":false' in body.replace(" ", "")  # polling starts
    assert interaction_count() == 0  # the request only queued it

    status, disabled, layout = poll_as(app, user_id)
    assert not disabled and "Waiting for the worker" in status
    assert "history-upload" in layout

    jobs.run_pending_jobs()
    status, disabled, _ = poll_as(app, user_id)
    assert disabled  # done: polling stops
    assert "Imported scrobbles.csv" in status
    assert "Nobody Known (1)" in status
    assert interaction_count() == 1


def test_a_bad_upload_gets_a_message_and_no_job(app) -> None:
    client = app.test_client()
    user_id = register(client)
    response = upload_request(client, "notes.txt", b"hello")
    body = response.get_data(as_text=True)
    assert "Upload a Spotify or ListenBrainz" in body
    assert history_import.latest_import(user_id) is None


def test_a_failed_import_shows_why(app) -> None:
    seed_history_catalogue()
    client = app.test_client()
    user_id = register(client)
    upload_request(client, "scrobbles.csv", b"a,b,c,not a date\n")
    jobs.run_pending_jobs()
    status, disabled, _ = poll_as(app, user_id)
    assert disabled and "was not imported" in status and "is not a date" in status
    assert interaction_count() == 0

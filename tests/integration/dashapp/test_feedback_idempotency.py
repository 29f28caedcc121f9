"""Issue #9 finding 2: a feedback event named by the client is stored once, however often sent.

A client that times out and retries (or a double-delivered Dash callback) must not log two likes:
with an ``event_id`` the replay stores nothing and answers as success, on both databases.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from dashapp.services import feedback
from db.models import Ban, Interaction
from db.session import session_scope
from tests.integration.dashapp.builders import add_user, seed_catalogue


def count(model) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def users(db) -> tuple[int, int]:
    seed_catalogue()
    return add_user("ada@example.com"), add_user("bob@example.com")


def test_a_replayed_event_is_stored_once_and_answers_as_success(users):
    ada, _ = users
    first = feedback.record_feedback(ada, "trk00", "like", event_id="evt-1")
    again = feedback.record_feedback(ada, "trk00", "like", event_id="evt-1")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.message == first.message
    assert count(Interaction) == 1


def test_a_replayed_ban_adds_neither_a_second_event_nor_a_second_ban(users):
    ada, _ = users
    for _ in range(3):
        feedback.record_feedback(ada, "trk01", feedback.BAN_TRACK, event_id="ban-1")
    assert (count(Interaction), count(Ban)) == (1, 1)


def test_event_ids_are_per_user_and_events_without_one_are_all_kept(users):
    ada, bob = users
    feedback.record_feedback(ada, "trk00", "like", event_id="same")
    feedback.record_feedback(bob, "trk00", "like", event_id="same")
    feedback.record_feedback(ada, "trk02", "play")
    feedback.record_feedback(ada, "trk02", "play")
    assert count(Interaction) == 4


def test_concurrent_deliveries_of_one_event_store_one_row(users):
    ada, _ = users
    outcomes, errors = [], []
    start = threading.Barrier(6)

    def deliver() -> None:
        start.wait()
        try:
            outcomes.append(feedback.record_feedback(ada, "trk03", "like", event_id="race"))
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(o.replayed for o in outcomes) == [False] + [True] * 5
    assert count(Interaction) == 1


@pytest.mark.parametrize("bad", ["", "x" * 65, "tab\there", 12])
def test_a_malformed_event_id_is_a_clear_error(users, bad):
    ada, _ = users
    with pytest.raises(feedback.FeedbackError, match="event_id"):
        feedback.record_feedback(ada, "trk00", "like", event_id=bad)
    assert count(Interaction) == 0


def test_the_api_accepts_an_event_id_and_a_retry_stores_nothing(logged_in):
    client, _ = logged_in
    body = {"track_id": "trk00", "kind": "like", "event_id": "api-evt-1"}
    assert client.post("/api/v1/feedback", json=body).status_code == 201
    retry = client.post("/api/v1/feedback", json=body)
    assert retry.status_code in (200, 201)
    assert count(Interaction) == 1

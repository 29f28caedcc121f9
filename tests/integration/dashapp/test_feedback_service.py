"""Recording feedback and managing bans: one transaction, ids checked, only the user's own rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashapp.services import feedback
from db.models import Ban, Interaction
from db.session import session_scope
from music.schema import InteractionKind
from tests.integration.dashapp.builders import add_user


def count(model, **where) -> int:
    with session_scope() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return session.scalar(query)


def test_a_like_is_logged_with_its_context(catalogue, user_id):
    outcome = feedback.record_feedback(user_id, "trk00", "like", context="home")
    assert outcome.message == "Liked “Song 0-0”."
    with session_scope() as session:
        event = session.scalar(select(Interaction))
        assert (event.user_id, event.track_id, event.kind, event.context) == (
            user_id,
            "trk00",
            InteractionKind.LIKE,
            "home",
        )


def test_banning_a_track_logs_the_event_and_adds_one_standing_ban(catalogue, user_id):
    feedback.record_feedback(user_id, "trk01", feedback.BAN_TRACK)
    feedback.record_feedback(user_id, "trk01", feedback.BAN_TRACK)
    assert count(Interaction, kind=InteractionKind.BAN) == 2
    assert count(Ban, track_id="trk01") == 1


def test_banning_an_artist_bans_the_tracks_artist(catalogue, user_id):
    outcome = feedback.record_feedback(user_id, "trk12", feedback.BAN_ARTIST)
    assert outcome.artist_id == catalogue.artist_ids[1]
    assert count(Ban, artist_id=catalogue.artist_ids[1]) == 1
    assert "Artist 1" in outcome.message


@pytest.mark.parametrize(
    ("track", "kind", "message"),
    [
        ("nope", "like", "no track"),
        ("trk00", "love", "Unknown feedback"),
        ("", "like", "no track"),
    ],
)
def test_bad_ids_and_kinds_are_refused_and_nothing_is_written(
    catalogue, user_id, track, kind, message
):
    with pytest.raises(feedback.FeedbackError, match=message):
        feedback.record_feedback(user_id, track, kind)
    assert count(Interaction) == 0


def test_a_deleted_account_cannot_record_feedback(catalogue):
    with pytest.raises(feedback.FeedbackError, match="no longer exists"):
        feedback.record_feedback(9999, "trk00", "like")


def test_unban_only_lifts_the_users_own_bans(catalogue, user_id):
    other = add_user("eve@example.com")
    feedback.ban_artist(other, catalogue.artist_ids[0])
    feedback.ban_track(user_id, "trk00")
    theirs = feedback.list_bans(other)[0]
    mine = feedback.list_bans(user_id)[0]
    assert mine.label == "Song 0-0 — Artist 0"
    assert theirs.label == "Artist 0"

    assert feedback.unban(user_id, theirs.id) is False
    assert count(Ban, user_id=other) == 1
    assert feedback.unban(user_id, mine.id) is True
    assert feedback.list_bans(user_id) == []


def test_banning_an_unknown_artist_is_refused(catalogue, user_id):
    with pytest.raises(feedback.FeedbackError, match="no artist"):
        feedback.ban_artist(user_id, 424242)

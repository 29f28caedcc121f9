"""What one Home click changes in the shown list (dashapp.services.home_feed), without a browser."""

from __future__ import annotations

from dashapp.services import home_feed, recommendations


def shown_list(user_id: int) -> list[str]:
    return [t.track_id for t in recommendations.for_user(user_id, k=10).tracks]


def test_a_like_marks_its_card_and_counts_what_a_refresh_would_bring(fake_model, user_id):
    shown = shown_list(user_id)
    outcome, change = home_feed.record_and_update(user_id, shown, shown[3], "like")
    assert outcome.message.startswith("Liked")
    assert change.shown == shown and change.marked == {3: "like"} and not change.replaced
    # The liked track leaves the next list: at least one new pick.
    assert change.new_picks >= 1
    # A like needs no spare picks: the recommender is asked for the shown count only.
    assert fake_model.recommender.calls[-1]["k"] == len(shown)


def test_an_artist_ban_replaces_every_shown_card_of_the_artist_and_nothing_else(
    fake_model, user_id
):
    shown = shown_list(user_id)
    artist_of = dict(
        zip(
            fake_model.bundle.tracks["track_id"], fake_model.bundle.tracks["artist_id"], strict=True
        )
    )
    banned_artist = artist_of[shown[0]]
    theirs = {i for i, t in enumerate(shown) if artist_of[t] == banned_artist}
    assert len(theirs) >= 2  # the fake catalogue lists an artist's tracks together
    _, change = home_feed.record_and_update(user_id, shown, shown[0], "ban_artist")
    assert set(change.replaced) == theirs
    assert all(artist_of[t] != banned_artist for t in change.shown)
    assert [t for i, t in enumerate(change.shown) if i not in theirs] == [
        t for i, t in enumerate(shown) if i not in theirs
    ]


def test_a_forged_shown_list_is_ignored(fake_model, user_id):
    _, change = home_feed.record_and_update(user_id, ["x"] * 1000, "trk00", "skip")
    assert change.shown == [] and not change.replaced

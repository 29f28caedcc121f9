"""A banned artist is neither listed among the artists the user loves nor used as a chosen one."""

from __future__ import annotations

from dashapp.services import feedback, profile, recommendations


def test_a_banned_artist_leaves_artists_you_love(fake_model, catalogue, user_id):
    loved, banned = catalogue.artist_ids[:2]
    profile.save_preferences(user_id, artist_ids=[loved, banned])
    assert [c.value for c in profile.get_profile(user_id).artist_choices] == [loved, banned]

    feedback.ban_artist(user_id, banned)

    assert [c.value for c in profile.get_profile(user_id).artist_choices] == [loved]


def test_recommendations_do_not_treat_a_banned_artist_as_chosen(fake_model, catalogue, user_id):
    loved, banned = catalogue.artist_ids[:2]
    profile.save_preferences(user_id, artist_ids=[loved, banned])
    feedback.ban_artist(user_id, banned)

    result = recommendations.for_user(user_id)

    assert result.status == "ok"
    call = fake_model.recommender.calls[-1]
    assert tuple(call["preferences"].artist_ids) == (loved,)
    assert banned in call["exclusions"].artist_ids
    assert banned not in {t.artist_id for t in result.tracks}

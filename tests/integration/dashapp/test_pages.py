"""Page callbacks through Dash's own endpoint: what a logged-in browser would get back.

The access tests post to ``/_dash-update-component`` exactly as the browser does: without a
session nothing runs, and ids of another user's rows in the request never touch that user's data
because every callback takes the user from ``current_user``.
"""

from __future__ import annotations

import json

from plotly.utils import PlotlyJSONEncoder

from bench.dash_wire import Dependencies
from dashapp.components import track_card
from dashapp.services import feedback, profile
from tests.integration.dashapp.builders import add_user


def rendered_json(component) -> str:
    """A Dash component tree as the browser receives it."""
    return json.dumps(component, cls=PlotlyJSONEncoder)


def dash_update(client, output: str, inputs: list, state: list | None = None, changed=None):
    output_id, prop = output.rsplit(".", 1)
    payload = {
        "output": output,
        "outputs": {"id": output_id, "property": prop},
        "inputs": inputs,
        "state": state or [],
        "changedPropIds": changed or [],
    }
    return client.post("/_dash-update-component", json=payload)


def home_call(client, output: str, trigger: str, values: dict, changed: dict):
    """A Home callback as the renderer posts it, built from the app's own callback map."""
    dependencies = client.get("/_dash-dependencies")
    if dependencies.status_code != 200:  # no session: the map is guarded too; post bare
        body = {"output": output, "inputs": [], "changedPropIds": []}
        return client.post("/_dash-update-component", json=body)
    callback = Dependencies(dependencies.json).find(output, trigger=trigger)
    return client.post("/_dash-update-component", json=callback.body(values, changed))


def recommendations_request(client, adventurousness=0.5, refreshes=0):
    return home_call(
        client,
        "home-list.children",
        "home-refresh.n_clicks",
        {"adventurousness.value": adventurousness},
        {"home-refresh.n_clicks": refreshes},
    )


def feedback_click(client, track_id: str, kind: str, seq=1, page_view="view-1", shown=None):
    return home_call(
        client,
        "feedback-toast.children",
        "home-action.data",
        {
            "home-shown.data": shown or [],
            "home-page-view.data": page_view,
            "adventurousness.value": 0.5,
        },
        {"home-action.data": {"track": track_id, "kind": kind, "seq": seq}},
    )


def shown_after(response) -> list[str]:
    return response.json["response"]["home-shown"]["data"]


def test_home_lists_recommendations_and_a_like_keeps_and_marks_the_card(logged_in, fake_model):
    client, user_id = logged_in
    listed = recommendations_request(client)
    before = shown_after(listed)
    assert before[:3] == ["trk00", "trk01", "trk02"]
    clicked = feedback_click(client, "trk01", "like", shown=before)
    assert clicked.status_code == 200, clicked.data
    assert "Liked" in clicked.get_data(as_text=True)
    # The list keeps its order; only the liked card's class changes (a Patch, not a new list).
    assert shown_after(clicked) == before
    operations = clicked.json["response"]["home-list"]["children"]["operations"]
    assert [(op["location"], op["params"]["value"]) for op in operations] == [
        ([1, "props", "className"], track_card.card_class("like"))
    ]
    # A refresh on request leaves out what the user has rated.
    assert "trk01" not in shown_after(recommendations_request(client, refreshes=1))
    assert [e.track_id for e in profile_history(user_id)] == ["trk01"]


def test_a_skip_replaces_only_the_skipped_card(logged_in, fake_model):
    client, _ = logged_in
    before = shown_after(recommendations_request(client))
    clicked = feedback_click(client, before[2], "skip", shown=before)
    after = shown_after(clicked)
    assert len(after) == len(before)
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [2]
    assert after[2] not in before
    operations = clicked.json["response"]["home-list"]["children"]["operations"]
    assert [op["location"] for op in operations] == [[2]]


def test_a_home_click_delivered_twice_is_recorded_once(logged_in, fake_model):
    # Issue #9 finding 2: the page names each click, so a re-sent callback stores nothing twice.
    client, user_id = logged_in
    assert feedback_click(client, "trk00", "play").status_code == 200
    assert feedback_click(client, "trk00", "play").status_code == 200
    assert len(profile_history(user_id)) == 1
    assert feedback_click(client, "trk00", "play", seq=2).status_code == 200  # a new click
    assert len(profile_history(user_id)) == 2


def profile_history(user_id):
    from db.queries import listeners
    from db.session import session_scope

    with session_scope() as session:
        return listeners.history(session, user_id)


def test_home_explains_when_there_is_no_model(logged_in, no_model):
    client, _ = logged_in
    response = recommendations_request(client)
    assert response.status_code == 200
    assert "No recommendations yet" in response.get_data(as_text=True)


def test_a_feedback_click_for_an_unknown_track_shows_an_error_not_a_trace(logged_in, fake_model):
    client, _ = logged_in
    response = feedback_click(client, "no-such-track", "like")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "There is no track" in body and "danger" in body
    assert "Traceback" not in body


def test_insights_callback_renders_empty_states_for_a_new_user(logged_in, no_model):
    client, _ = logged_in
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "..insights-charts.children...insights-summary.children..",
            "outputs": [
                {"id": "insights-charts", "property": "children"},
                {"id": "insights-summary", "property": "children"},
            ],
            "inputs": [{"id": "insights", "property": "id", "value": "insights"}],
            "state": [],
            "changedPropIds": [],
        },
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.count("Nothing to show yet") == 8
    assert "No listening yet" in body


def test_dash_callbacks_refuse_a_request_without_a_session(client):
    response = client.post(
        "/_dash-update-component",
        json={"output": "home-list.children", "inputs": [], "changedPropIds": []},
    )
    assert response.status_code == 401
    assert b"track" not in response.data


def test_another_users_ban_id_in_a_callback_does_not_touch_their_bans(logged_in, catalogue):
    client, user_id = logged_in
    other = add_user("eve@example.com")
    feedback.ban_track(other, "trk10")
    feedback.ban_track(user_id, "trk20")
    their_ban = feedback.list_bans(other)[0].id
    button = {"ban": their_ban, "type": "unban"}
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "profile-bans.children",
            "outputs": {"id": "profile-bans", "property": "children"},
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [],
            "changedPropIds": [
                json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"
            ],
        },
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert len(feedback.list_bans(other)) == 1  # untouched
    assert "Song 2-0" in body and "Song 1-0" not in body  # only the user's own bans come back


def test_recommendations_callback_only_ever_uses_the_session_user(logged_in, fake_model):
    client, _ = logged_in
    other = add_user("eve@example.com")
    feedback.record_feedback(other, "trk00", feedback.BAN_ARTIST)
    profile.save_preferences(other, genres=["rap"])
    ids = shown_after(recommendations_request(client))
    assert "trk00" in ids  # Eve's ban is not applied to Ada
    assert fake_model.recommender.calls[-1]["preferences"].genres == ()


def as_user(app, user_id):
    """A request context with the user logged in, for calling layouts and callbacks directly."""
    from flask_login import login_user

    from dashapp.auth import SessionUser
    from dashapp.services import accounts

    context = app.test_request_context("/")
    context.push()
    login_user(SessionUser(accounts.get_account(user_id)))
    return context


def test_every_page_layout_renders_for_a_logged_in_user(app, logged_in, fake_model):
    from dashapp.pages import home, insights, onboarding
    from dashapp.pages import profile as profile_page

    _, user_id = logged_in
    feedback.ban_track(user_id, "trk00")
    context = as_user(app, user_id)
    try:
        for page in (home, insights, onboarding, profile_page):
            rendered = rendered_json(page.layout())
            assert rendered
        assert "onboarding-banner" in rendered_json(home.layout())
        bans = rendered_json(profile_page.layout())
        assert "Song 0-0" in bans
        panel = rendered_json(home.side_panel(user_id, []))
        assert "Listeners like you" in panel and "Your playlists" in panel
    finally:
        context.pop()


def test_onboarding_saves_the_taste_and_sends_the_user_home(app, logged_in):
    from dashapp.pages import onboarding

    _, user_id = logged_in
    context = as_user(app, user_id)
    try:
        href, error = onboarding.save_and_go_home(1, [], [], [])
        assert "Pick at least one" in rendered_json(error)
        href, error = onboarding.save_and_go_home(1, ["pop"], ["calm"], [])
        assert (href, error) == ("/", None)
    finally:
        context.pop()
    assert profile.preferences(user_id).genres == ("pop",)
    assert not profile.needs_onboarding(user_id)


def test_admin_page_is_for_admins_only(app, logged_in, no_model):
    from dashapp.pages import admin
    from dashapp.services import accounts

    _, user_id = logged_in
    context = as_user(app, user_id)
    try:
        assert "admin-refused" in rendered_json(admin.layout())
    finally:
        context.pop()
    accounts.set_admin("ada@example.com")
    context = as_user(app, user_id)
    try:
        page = rendered_json(admin.layout())
        assert "admin-refused" not in page
        assert "No model version yet" in page and "no model loaded" in page
    finally:
        context.pop()


def test_the_side_panel_is_drawn_on_arrival_not_on_every_refresh(logged_in, fake_model):
    client, _ = logged_in
    callback = Dependencies(client.get("/_dash-dependencies").json).find(
        "home-list.children", trigger="home-refresh.n_clicks"
    )
    values = {"adventurousness.value": 0.5}
    arrival = client.post("/_dash-update-component", json=callback.body(values)).json
    assert "Listeners like you" in json.dumps(arrival["response"]["home-side-panel"])
    refresh = recommendations_request(client, refreshes=1).json["response"]
    assert "home-side-panel" not in refresh and refresh["home-shown"]["data"]

"""Accounts over HTTP: register, log in and out, passwords, deletion, safe redirects, CSRF."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Ban, Interaction, User, UserPreference
from db.session import session_scope
from music.schema import InteractionKind

PASSWORD = "correct horse battery"
NEW = "a new long phrase"


def register(client, email="ada@example.com", password=PASSWORD, confirm=None, name="Ada"):
    return client.post(
        "/register",
        data={
            "display_name": name,
            "email": email,
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def login(client, email="ada@example.com", password=PASSWORD, next_url=None, remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    url = "/login" if next_url is None else f"/login?next={next_url}"
    return client.post(url, data=data)


def sign_up(client, email="ada@example.com", password=PASSWORD):
    """Register, then log in: a new account is not logged in by the sign-up answer itself."""
    assert register(client, email=email, password=password).status_code == 302
    response = login(client, email=email, password=password)
    assert response.status_code == 302, response.data
    return response


def logout(client):
    return client.post("/logout")


def test_register_then_log_in_leads_to_onboarding(client):
    response = register(client)
    assert response.status_code == 302
    assert response.location == "/login?next=/welcome"
    assert client.get("/").status_code == 302  # signing up does not log in (finding 9)
    logged_in = client.post(
        response.location, data={"email": "ada@example.com", "password": PASSWORD}
    )
    assert logged_in.location == "/welcome"
    assert client.get("/").status_code == 200
    with session_scope() as session:
        user = session.scalar(select(User).where(User.email == "ada@example.com"))
        assert user.display_name == "Ada"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_email_is_case_insensitive_and_a_taken_email_keeps_its_account(client):
    register(client, email="Ada@Example.com")
    register(client, email="ada@example.COM ", password="another long phrase")
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
    assert login(client, password="another long phrase").status_code == 401
    assert login(client).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", b"at least 10 characters"),
        ("aaaaaaaaaaaa", b"more different characters"),
        ("1234567890", b"too common"),
        ("grace's own secret", b"email address"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(client, password, message):
    response = register(client, email="grace@example.com", password=password)
    assert response.status_code == 400
    assert message in response.data
    assert client.get("/").status_code == 302  # not logged in


def test_mismatched_confirmation_is_refused(client):
    response = register(client, confirm=PASSWORD + "!")
    assert response.status_code == 400
    assert b"Passwords differ" in response.data


def test_invalid_email_is_refused(client):
    response = register(client, email="not-an-email")
    assert response.status_code == 400
    assert b"valid email" in response.data


def test_wrong_password_and_unknown_email_get_the_same_generic_answer(client):
    sign_up(client)
    logout(client)
    wrong = login(client, password="wrong password!!")
    unknown = login(client, email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert b"Email or password is wrong." in wrong.data
    assert b"Email or password is wrong." in unknown.data
    assert client.get("/").status_code == 302


def test_demo_listeners_cannot_log_in(client):
    with session_scope() as session:
        session.add(User(email="demo1@mixmap.invalid", display_name="Demo", is_demo=True))
    assert login(client, email="demo1@mixmap.invalid", password="").status_code == 400
    refused = login(client, email="demo1@mixmap.invalid", password="anything at all")
    assert refused.status_code == 401


def test_login_follows_a_local_next(client):
    sign_up(client)
    logout(client)
    response = login(client, next_url="/insights?period=month")
    assert response.location == "/insights?period=month"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/path",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/%0a//evil.example",
        "/logout",
    ],
)
def test_login_ignores_a_next_that_leaves_the_site(client, target):
    sign_up(client)
    logout(client)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "ada@example.com", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/"


def test_anonymous_page_visit_round_trips_through_login(client):
    sign_up(client)
    logout(client)
    first = client.get("/insights")
    assert first.status_code == 302
    login_url = first.location
    assert login_url.startswith("/login?next=")
    response = client.post(login_url, data={"email": "ada@example.com", "password": PASSWORD})
    assert response.location == "/insights"


def test_logout_ends_the_session_for_pages_dash_and_api(client):
    sign_up(client)
    assert client.get("/").status_code == 200
    assert logout(client).location == "/login"
    assert client.get("/").status_code == 302
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/api/v1/recommendations").status_code == 401


def test_remember_me_sets_a_long_lived_cookie_only_when_asked(client):
    sign_up(client)
    logout(client)
    login(client)
    assert client.get_cookie("remember_token") is None
    logout(client)
    login(client, remember=True)
    assert client.get_cookie("remember_token") is not None


def test_change_password_needs_the_current_one_and_ends_other_sessions(app, client):
    sign_up(client)
    other_browser = app.test_client()
    login(other_browser)
    assert other_browser.get("/").status_code == 200

    refused = client.post(
        "/account/password",
        data={"current_password": "not it at all", "new_password": NEW, "confirm": NEW},
    )
    assert refused.status_code == 400
    assert b"current password is wrong" in refused.data

    changed = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW},
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200  # this browser stays logged in
    assert other_browser.get("/").status_code == 302  # the other one is logged out
    logout(client)
    assert login(client).status_code == 401
    assert login(client, password=NEW).status_code == 302


def test_delete_account_needs_the_password_and_removes_every_trace(client):
    sign_up(client)
    with session_scope() as session:
        user_id = session.scalar(select(User.id).where(User.email == "ada@example.com"))
        session.add(UserPreference(user_id=user_id, favourite_genres=["rock"]))
    _add_feedback_rows(user_id)

    refused = client.post("/account/delete", data={"password": "wrong password"})
    assert refused.status_code == 400
    with session_scope() as session:
        assert session.get(User, user_id) is not None

    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.location == "/login"
    with session_scope() as session:
        assert session.get(User, user_id) is None
        for model in (UserPreference, Interaction, Ban):
            assert session.scalar(select(func.count()).select_from(model)) == 0
    assert client.get("/").status_code == 302
    assert login(client).status_code == 401


def _add_feedback_rows(user_id: int) -> None:
    from db.models import Artist, Track

    with session_scope() as session:
        artist = Artist(name="Band", name_key="band")
        session.add(artist)
        session.flush()
        track = Track(
            id="t1",
            name="Song",
            artist_id=artist.id,
            artist_names="Band",
            duration_ms=1000,
            danceability=0.5,
            energy=0.5,
            key=1,
            loudness=-5,
            mode=1,
            speechiness=0.1,
            acousticness=0.1,
            instrumentalness=0,
            liveness=0.1,
            valence=0.5,
            tempo=120,
            source="demo",
        )
        session.add(track)
        session.flush()
        session.add(Interaction(user_id=user_id, track_id="t1", kind=InteractionKind.LIKE))
        session.add(Ban(user_id=user_id, artist_id=artist.id))


def test_forms_reject_posts_without_a_csrf_token(sqlite_database_url, tmp_path):
    from app import create_app
    from dashapp.config import Config

    config = Config.for_testing(sqlite_database_url, tmp_path / "models")
    config.WTF_CSRF_ENABLED = True
    client = create_app(config).test_client()
    response = register(client)
    assert response.status_code == 403
    assert client.get("/").status_code == 302
    page = client.get("/register")
    assert b'name="csrf_token"' in page.data

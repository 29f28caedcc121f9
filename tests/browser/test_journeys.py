"""What a listener does in a real browser: sign up, pick a taste, react to recommendations, leave.

Waits are on what the user would see (cards, messages), never on fixed sleeps.
"""

from __future__ import annotations

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.accounts import PASSWORD, new_email

WAIT = 20  # seconds; the first recommendation request warms the model's caches


def wait_for(duo, condition, timeout: float = WAIT, message: str = ""):
    return WebDriverWait(duo.driver, timeout).until(lambda _: condition(), message)


def fill(duo, selector: str, text: str) -> None:
    field = duo.find_element(selector)
    field.clear()
    field.send_keys(text)


def register(duo, email: str) -> None:
    duo.driver.get(f"{duo.url}/register")
    fill(duo, "#display_name", "Browser Test")
    fill(duo, "#email", email)
    fill(duo, "#password", PASSWORD)
    fill(duo, "#confirm", PASSWORD)
    duo.find_element("#register-submit").click()
    # Signing up answers the same whether or not the email had an account, so it does not log
    # in: the login page comes next (and leads to onboarding).
    duo.wait_for_element("#login-submit", timeout=WAIT)
    fill(duo, "#email", email)
    fill(duo, "#password", PASSWORD)
    duo.find_element("#login-submit").click()
    # Logged in once the login page is gone: a caller navigating sooner would race the POST.
    wait_for(duo, lambda: "/login" not in duo.driver.current_url)


def log_in(duo, email: str, remember: bool = False) -> None:
    duo.driver.get(f"{duo.url}/login")
    fill(duo, "#email", email)
    fill(duo, "#password", PASSWORD)
    if remember:
        duo.find_element("#remember").click()
    duo.find_element("#login-submit").click()


def cards(duo) -> list[tuple[str, str]]:
    """(track id, artist id) of every recommendation card on screen, top first.

    Read in one script so a list being re-rendered cannot leave half-stale elements behind.
    """
    return [
        tuple(pair)
        for pair in duo.driver.execute_script(
            "return Array.from(document.querySelectorAll('.track-card')).map(card => ["
            "card.querySelector('.track-title').dataset.trackId,"
            "card.querySelector('.track-artist').dataset.artistId])"
        )
    ]


def click_feedback(duo, track_id: str, kind: str) -> None:
    duo.driver.find_element(
        By.XPATH,
        f"//div[contains(@class,'track-card')][.//*[@data-track-id='{track_id}']]"
        f"//button[contains(@class,'feedback-{kind}')]",
    ).click()


def test_register_onboard_like_ban_and_log_out(mixmap):
    duo = mixmap
    register(duo, new_email())
    duo.wait_for_element("#welcome", timeout=WAIT)
    assert duo.driver.current_url.endswith("/welcome")

    # Three clicks: a genre, a mood, "Show my recommendations".
    duo.wait_for_element("#pref-genres label", timeout=WAIT).click()
    duo.find_element("#pref-moods label").click()
    duo.find_element("#welcome-save").click()

    duo.wait_for_element(".track-card", timeout=WAIT)
    assert duo.driver.current_url.rstrip("/") == duo.url
    first = cards(duo)
    assert len(first) >= 5

    liked_track = first[0][0]
    click_feedback(duo, liked_track, "like")
    duo.wait_for_contains_text("#feedback-toast", "Liked", timeout=WAIT)
    # The liked card stays where it was, marked; a refresh on request moves on.
    duo.wait_for_element(f".track-card.is-like [data-track-id='{liked_track}']", timeout=WAIT)
    assert cards(duo) == first
    duo.find_element("#home-refresh").click()
    wait_for(
        duo,
        lambda: cards(duo) and liked_track not in [t for t, _ in cards(duo)],
        message="refresh kept the liked track",
    )

    banned_track, banned_artist = cards(duo)[0]
    click_feedback(duo, banned_track, "ban_artist")
    duo.wait_for_contains_text("#feedback-toast", "Banned", timeout=WAIT)
    wait_for(
        duo,
        lambda: cards(duo) and banned_artist not in {artist for _, artist in cards(duo)},
        message="banned artist still listed",
    )
    assert len(cards(duo)) >= 5

    # Log out through the user menu (a POST with the CSRF token).
    duo.find_element("#user-menu").click()
    duo.wait_for_element("#logout-button").click()
    wait_for(duo, lambda: "/login" in duo.driver.current_url, message="not sent to login")
    assert "You are logged out" in duo.find_element("body").text

    duo.driver.get(f"{duo.url}/insights")
    wait_for(duo, lambda: "/login" in duo.driver.current_url, message="page still reachable")
    cookies = {c["name"]: c["value"] for c in duo.driver.get_cookies()}
    refused = requests.post(
        f"{duo.url}/_dash-update-component",
        json={"output": "home-list.children", "inputs": [], "changedPropIds": []},
        cookies=cookies,
        timeout=10,
    )
    assert refused.status_code == 401


def test_log_in_with_remember_me_and_see_insights(mixmap):
    duo = mixmap
    email = new_email()
    register(duo, email)
    duo.wait_for_element("#welcome", timeout=WAIT)
    duo.find_element("#user-menu").click()
    duo.wait_for_element("#logout-button").click()
    wait_for(duo, lambda: "/login" in duo.driver.current_url)

    log_in(duo, email, remember=True)
    duo.wait_for_element("#home", timeout=WAIT)
    assert any(c["name"] == "remember_token" for c in duo.driver.get_cookies())

    # A couple of likes give the insights something to draw.
    duo.wait_for_element(".track-card", timeout=WAIT)
    for index in range(2):
        click_feedback(duo, cards(duo)[index][0], "like")
        wait_for(duo, lambda n=index + 1: len(duo.find_elements(".track-card.is-like")) == n)

    duo.find_element("#nav-insights").click()
    duo.wait_for_element("#chart-genres .js-plotly-plot", timeout=WAIT)
    duo.wait_for_contains_text("#insights-summary", "2 listens", timeout=WAIT)
    assert len(duo.driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot")) >= 6
    assert duo.get_logs() == [] or all("spotify" in str(entry) for entry in duo.get_logs())


def test_a_wrong_password_stays_on_the_login_page(mixmap):
    duo = mixmap
    duo.driver.get(f"{duo.url}/login?next=//evil.example")
    fill(duo, "#email", "nobody@example.com")
    fill(duo, "#password", "not the password")
    duo.find_element("#login-submit").click()
    duo.wait_for_contains_text("#form-error", "Email or password is wrong.", timeout=WAIT)
    assert duo.driver.current_url.startswith(duo.url)


PHONE = (390, 844)  # a common phone in portrait, CSS pixels
OVERFLOW = "return document.documentElement.scrollWidth - window.innerWidth"


def test_phone_width_pages_fit_the_screen_and_keep_their_actions(mixmap):
    """Responsive from phone to desktop: nothing scrolls sideways, the actions stay reachable."""
    duo = mixmap
    duo.driver.set_window_size(*PHONE)
    register(duo, new_email())
    duo.wait_for_element("#pref-genres label", timeout=WAIT).click()
    save = duo.find_element("#welcome-save")
    # On a phone the form is taller than the screen: scroll to the button as a thumb would
    # (at once: Bootstrap's smooth scrolling would still be moving when the click lands).
    duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", save
    )
    save.click()
    duo.wait_for_element(".track-card", timeout=WAIT)

    width = duo.driver.execute_script("return window.innerWidth")
    assert width <= PHONE[0]
    assert duo.driver.execute_script(OVERFLOW) <= 0, "Home scrolls sideways on a phone"
    like = duo.driver.find_element(By.CSS_SELECTOR, ".track-card .feedback-like")
    assert like.is_displayed() and like.rect["x"] + like.rect["width"] <= width
    # The menu folds behind the toggler on a phone (open, it took ~40 % of the first screen);
    # the toggler opens it, and following a link closes it again.
    explore = duo.driver.find_element(By.ID, "nav-explore")
    assert not explore.is_displayed()
    navbar_height = duo.driver.execute_script(
        "return document.querySelector('.navbar').getBoundingClientRect().height"
    )
    assert navbar_height < 0.15 * PHONE[1]
    duo.find_element("#navbar-toggler").click()
    wait_for(duo, explore.is_displayed, message="the toggler did not open the menu")
    explore.click()
    wait_for(duo, lambda: duo.driver.current_url.endswith("/explore"), message="no navigation")
    wait_for(
        duo,
        lambda: not duo.driver.find_element(By.ID, "nav-explore").is_displayed(),
        message="the menu stayed open after navigating",
    )

    for page, ready in (("insights", "#insights-charts"), ("playlists", "#playlists-page")):
        duo.driver.get(f"{duo.url}/{page}")
        duo.wait_for_element(ready, timeout=WAIT)
        assert duo.driver.execute_script(OVERFLOW) <= 0, f"/{page} scrolls sideways on a phone"

"""Home's list in a real browser: it stays put under the cursor, and more of it fits a screen."""

from __future__ import annotations

from tests.browser.accounts import new_email
from tests.browser.test_journeys import WAIT, cards, click_feedback, register, wait_for

DESKTOP = (1440, 900)
PHONE = (390, 844)


def open_home(duo, size: tuple[int, int]) -> list[tuple[str, str]]:
    duo.driver.set_window_size(*size)
    register(duo, new_email())
    duo.wait_for_element("#pref-genres", timeout=WAIT)
    duo.driver.get(f"{duo.url}/")
    duo.wait_for_element(".track-card", timeout=WAIT)
    return cards(duo)


def test_a_like_keeps_the_card_in_place_and_a_skip_replaces_only_its_card(mixmap):
    duo = mixmap
    before = open_home(duo, DESKTOP)
    liked = before[2][0]
    click_feedback(duo, liked, "like")
    duo.wait_for_element(f".track-card.is-like [data-track-id='{liked}']", timeout=WAIT)
    assert cards(duo) == before  # nothing moved, nothing was replaced
    duo.wait_for_contains_text("#home-changes", "since you liked", timeout=WAIT)

    skipped = before[4][0]
    click_feedback(duo, skipped, "skip")
    wait_for(duo, lambda: cards(duo)[4][0] != skipped, message="the skipped card stayed")
    after = cards(duo)
    assert [c for i, c in enumerate(after) if i != 4] == [c for i, c in enumerate(before) if i != 4]
    assert after[4][0] not in {track for track, _ in before}


def visible_cards(duo, height: int) -> int:
    return duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.track-card'))"
        ".filter(c => c.getBoundingClientRect().bottom <= arguments[0]).length",
        height,
    )


def test_compact_cards_put_more_picks_above_the_fold(mixmap):
    # Issue 12: a card was ~240 px tall, 2.5 picks above the fold at 1440x900.
    duo = mixmap
    open_home(duo, DESKTOP)
    heights = duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.track-card'))"
        ".map(c => c.getBoundingClientRect().height)"
    )
    assert max(heights) <= 110
    inner = duo.driver.execute_script("return window.innerHeight")
    assert visible_cards(duo, inner) >= 5
    duo.driver.set_window_size(*PHONE)
    inner = duo.driver.execute_script("return window.innerHeight")
    assert visible_cards(duo, inner) >= 3


def test_a_click_while_the_database_is_away_says_so_and_saves_nothing(mixmap, monkeypatch):
    # Issue 9: during a PostgreSQL restart callbacks answered 500 and the page said nothing.
    from sqlalchemy import exc

    from db.queries import listeners

    duo = mixmap
    before = open_home(duo, DESKTOP)

    def shutting_down(*_args, **_kwargs):
        raise exc.OperationalError(
            "SELECT ...", {}, Exception("the database system is shutting down")
        )

    monkeypatch.setattr(listeners, "history", shutting_down)  # the server runs in this process
    click_feedback(duo, before[0][0], "like")
    alert = duo.wait_for_element("#mixmap-unavailable", timeout=WAIT)
    assert "try again in a moment" in alert.text
    assert cards(duo) == before and not duo.find_elements(".track-card.is-like")

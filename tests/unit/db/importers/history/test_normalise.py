"""Artist and title keys: the ways services spell one recording meet on one key."""

import pytest

from db.importers.history.normalise import artist_key, artist_keys, base_title_key, title_key


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("HEY JUDE", "Hey Jude"),
        ("Déjà Vu", "Deja Vu"),
        ("Song (feat. Someone Else)", "Song"),
        ("Song [ft. Someone]", "Song"),
        ("Song feat. Someone", "Song"),
        ("Song (with Justin Bieber)", "Song"),
        ("Don\u2019t Stop", "Don't Stop"),
        ("Rock & Roll", "Rock and Roll"),
        ("Hello, Goodbye!", "Hello Goodbye"),
    ],
)
def test_light_title_key_folds_spelling(spelling: str, canonical: str) -> None:
    assert title_key(spelling) == title_key(canonical)


def test_light_title_key_keeps_versions_apart() -> None:
    assert title_key("Song (Live)") != title_key("Song")
    assert title_key("Song - Remastered 2011") != title_key("Song")


@pytest.mark.parametrize(
    "version",
    [
        "Hey Jude - Remastered 2011",
        "Hey Jude (Live)",
        "Hey Jude \u2013 2015 Mix",
        "Hey Jude [Mono]",
    ],
)
def test_base_title_key_drops_version_suffixes_and_brackets(version: str) -> None:
    assert base_title_key(version) == base_title_key("Hey Jude") == "hey jude"


def test_titles_made_only_of_brackets_or_other_scripts_keep_a_key() -> None:
    assert base_title_key("(Intro)") == "intro"
    assert title_key("愛してる") == "愛してる"
    assert title_key("Dancing with Myself") == "dancing with myself"


def test_artist_key_folds_case_accents_the_and_ampersand() -> None:
    assert artist_key("The Beatles") == artist_key("beatles")
    assert artist_key("Beyoncé") == artist_key("BEYONCE")
    assert artist_key("Simon & Garfunkel") == artist_key("Simon and Garfunkel")


def test_artist_keys_fall_back_to_the_first_credited_artist() -> None:
    assert artist_keys("Drake feat. Rihanna") == ["drake feat rihanna", "drake"]
    assert artist_keys("Ed Sheeran, Justin Bieber")[-1] == "ed sheeran"
    assert artist_keys("Adele") == ["adele"]

"""Matching listens to tracks: id, normalised names, fuzzy titles, never another artist."""

from datetime import UTC, datetime

from db.importers.history.listen import Listen
from db.importers.history.matching import (
    BY_FUZZY,
    BY_NAME,
    BY_SPOTIFY_ID,
    CatalogueEntry,
    CatalogueMatcher,
    max_edits,
)

WHEN = datetime(2021, 1, 31, 18, 20, tzinfo=UTC)
CATALOGUE = [
    CatalogueEntry("0000000000000000000001", "Hey Jude - Remastered 2015", "The Beatles", "", 80),
    CatalogueEntry("0000000000000000000002", "Yesterday", "The Beatles", "", 70),
    CatalogueEntry("0000000000000000000003", "Halo", "Beyoncé", "", 75),
    CatalogueEntry("0000000000000000000004", "Hello", "Adele", "", 85),
    CatalogueEntry("0000000000000000000005", "Hello (Live)", "Adele", "", 30),
    CatalogueEntry("0000000000000000000006", "Yellow", "Coldplay", "", 82),
    CatalogueEntry("0000000000000000000007", "Yesterday", "Muse", "", 10),
    CatalogueEntry("0000000000000000000008", "Hell", "Adele", "", 5),
    CatalogueEntry(
        "0000000000000000000009", "Shallow", "Lady Gaga", "Lady Gaga, Bradley Cooper", 90
    ),
]


def listen(artist: str, track: str, spotify_id: str | None = None) -> Listen:
    return Listen(WHEN, artist, track, "test", spotify_track_id=spotify_id)


def matcher() -> CatalogueMatcher:
    return CatalogueMatcher(CATALOGUE)


def test_spotify_id_wins_over_names() -> None:
    found = matcher().match(listen("Someone Else", "Other Title", "0000000000000000000006"))
    assert found is not None
    assert (found.track_id, found.method) == ("0000000000000000000006", BY_SPOTIFY_ID)


def test_unknown_spotify_id_falls_back_to_names() -> None:
    found = matcher().match(listen("Coldplay", "Yellow", "ZZZZZZZZZZZZZZZZZZZZZZ"))
    assert found is not None and found.track_id == "0000000000000000000006"


def test_normalised_names_match_versions_case_and_accents() -> None:
    m = matcher()
    assert m.match(listen("the beatles", "HEY JUDE")).track_id == "0000000000000000000001"
    assert m.match(listen("Beyonce", "Halo (feat. Nobody)")).method == BY_NAME
    assert m.match(listen("Lady Gaga, Bradley Cooper", "Shallow")).method == BY_NAME


def test_a_version_in_the_catalogue_is_preferred_when_the_listen_names_it() -> None:
    m = matcher()
    assert m.match(listen("Adele", "Hello (Live)")).track_id == "0000000000000000000005"
    assert m.match(listen("Adele", "Hello")).track_id == "0000000000000000000004"


def test_fuzzy_titles_stay_within_the_artist() -> None:
    m = matcher()
    found = m.match(listen("Coldplay", "Yelow"))
    assert found is not None and (found.track_id, found.method) == (
        "0000000000000000000006",
        BY_FUZZY,
    )
    # "Yelow" is close to Coldplay's "Yellow" but The Beatles have no such song.
    assert m.match(listen("The Beatles", "Yelow")) is None


def test_same_title_by_another_artist_is_never_taken() -> None:
    m = matcher()
    assert m.match(listen("Unknown Band", "Yesterday")) is None
    assert m.match(listen("Muse", "Yesterday")).track_id == "0000000000000000000007"


def test_an_artist_typo_is_forgiven_only_with_the_title() -> None:
    m = matcher()
    assert m.match(listen("Coldplai", "Yellow")).track_id == "0000000000000000000006"
    assert m.match(listen("Coldplai", "Something Else Entirely")) is None


def test_short_names_get_no_typo_tolerance() -> None:
    assert max_edits("abc") == 0
    assert max_edits("adele") == 1
    assert max_edits("red hot chili peppers") == 2
    assert matcher().match(listen("Mux", "Yesterday")) is None


def test_equally_close_titles_are_ambiguous() -> None:
    # "Sta" is as close to "Stay" as to "Star": guessing would be a coin toss.
    catalogue = [
        *CATALOGUE,
        CatalogueEntry("000000000000000000000a", "Stay", "Adele", "", 50),
        CatalogueEntry("000000000000000000000b", "Star", "Adele", "", 50),
    ]
    assert CatalogueMatcher(catalogue).match(listen("Adele", "Sta")) is None
    assert CatalogueMatcher(catalogue).match(listen("Adele", "Stay")) is not None


def test_results_are_cached_per_distinct_listen() -> None:
    m = matcher()
    first = m.match(listen("Coldplay", "Yellow"))
    assert m.match(listen("Coldplay", "Yellow")) is first


def test_short_titles_allow_one_edit_within_the_artist() -> None:
    catalogue = [*CATALOGUE, CatalogueEntry("000000000000000000000c", "Miami", "Adele", "", 40)]
    found = CatalogueMatcher(catalogue).match(listen("Adele", "Miagi"))
    assert found is not None and found.track_id == "000000000000000000000c"
    assert CatalogueMatcher(catalogue).match(listen("Coldplay", "Miagi")) is None


def test_a_typo_in_a_whole_credit_is_tried_before_the_first_artist_alone() -> None:
    catalogue = [
        CatalogueEntry("000000000000000000000d", "City of Dreams", "Dirty South & Alesso", "", 0),
        CatalogueEntry("000000000000000000000e", "City of Dreams - Radio Edit", "Dirty South"),
    ]
    m = CatalogueMatcher(catalogue)
    assert m.match(listen("Dirty South & Aleso", "City of Dreams")).track_id == (
        "000000000000000000000d"
    )
    # A credit we do not know at all falls back to its first artist.
    assert m.match(listen("Dirty South feat. Someone", "City of Dreams")).track_id == (
        "000000000000000000000e"
    )

import numpy as np
import pandas as pd
import pytest

from ml.cluster_cards import build_atlas
from ml.cluster_names import NAME_MIN_SHARE, TermTable, display_genre, name_groups


def tracks_with(genres: list[tuple[str, ...]], **audio: list[float]) -> pd.DataFrame:
    n = len(genres)
    frame = pd.DataFrame(
        {
            "genre": [g[0] for g in genres],
            "genres": genres,
            "subgenres": [()] * n,
            "artist_name": [f"Artist {i % 3}" for i in range(n)],
            "tempo": np.full(n, 120.0),
        }
    )
    for column in ("energy", "valence", "danceability", "acousticness"):
        frame[column] = audio.get(column, np.full(n, 0.5))
    return frame


def one_cluster(frame: pd.DataFrame):
    return name_groups(frame, np.zeros(len(frame), dtype=int), 1)[0]


def test_a_genre_covering_forty_percent_names_the_cluster_alone():
    frame = tracks_with([("reggaeton",)] * 45 + [(f"g{i}",) for i in range(55)])
    named = one_cluster(frame)
    assert named.name == "Reggaeton" and named.rule == "genre"
    assert named.coverage == pytest.approx(0.45)


def test_a_mixed_cluster_never_gets_a_single_genre_name():
    # The top genre holds 35 %: below the 40 % rule, so it may only appear beside others that
    # together cover the cluster, never alone.
    genres = [("techno",)] * 35 + [("house",)] * 30 + [("trance",)] * 20 + [("ambient",)] * 15
    named = one_cluster(tracks_with(genres))
    assert named.rule == "genres"
    assert len(named.terms) >= 2 and "techno" in named.terms
    assert named.coverage >= 0.5
    assert named.name in ("Techno & House", "Techno, House & Trance")


def test_a_cluster_no_genre_set_covers_is_named_by_its_sound_with_an_honest_coverage():
    # Twelve genres of about 8 % each: no genre word may name it.
    genres = [(f"genre{i % 12}",) for i in range(120)]
    loud = tracks_with(genres, energy=np.r_[np.full(120, 0.9)])
    quiet_rest = tracks_with([(f"other{i % 5}",) for i in range(200)], energy=np.full(200, 0.3))
    frame = pd.concat([loud, quiet_rest], ignore_index=True)
    labels = np.r_[np.zeros(120, int), np.ones(200, int)]
    named = name_groups(frame, labels, 2)
    assert named[0].rule == "sound" and named[0].terms == ()
    assert "High-energy" in named[0].name and not any(
        f"Genre{i}" in named[0].name for i in range(12)
    )
    assert named[0].coverage == pytest.approx(1.0)  # every member is above the median energy


def test_names_never_use_a_genre_word_below_the_rule_on_random_mixtures():
    rng = np.random.default_rng(3)
    pool = ["rock", "pop", "jazz", "metal", "salsa", "techno", "soul", "folk"]
    frame = tracks_with([(pool[i],) for i in rng.integers(0, len(pool), 600)])
    labels = rng.integers(0, 6, 600)
    table = TermTable.build(frame)
    for cluster, named in enumerate(name_groups(frame, labels, 6, table=table)):
        members = labels == cluster
        shares = table.counts(members) / members.sum()
        for term in named.terms:
            share = shares[table.terms.index(term)]
            if named.rule == "genre":
                assert share >= NAME_MIN_SHARE
            else:
                assert named.coverage >= 0.5


def test_a_word_shared_by_several_genres_can_name_a_family():
    genres = [("heavy-metal",)] * 30 + [("death-metal",)] * 30 + [("black-metal",)] * 30
    genres += [("grunge",)] * 10
    named = one_cluster(tracks_with(genres))
    assert named.name == "Metal" and named.terms == ("~metal",)
    assert named.coverage == pytest.approx(0.9)


def test_scenes_prefer_the_subgenre_and_clashing_names_are_told_apart():
    frame = tracks_with([("rock",)] * 80, energy=np.r_[np.full(40, 0.9), np.full(40, 0.2)])
    frame["subgenres"] = [("rock/hard rock",)] * 80
    families = name_groups(frame, np.zeros(80, int), 1)
    labels = np.r_[np.zeros(40, int), np.ones(40, int)]
    names = name_groups(frame, labels, 2, parents=families, parent_of=np.array([0, 0]))
    assert families[0].name == "Rock"
    assert all(n.name.startswith("Hard Rock") for n in names)
    assert len({n.name for n in names}) == 2


def test_cards_carry_genre_shares_artists_and_ranges():
    frame = tracks_with([("reggaeton",)] * 58 + [("latin",)] * 22 + [("pop",)] * 20)
    labels = np.zeros(100, int)
    names = name_groups(frame, labels, 1)
    atlas = build_atlas(frame, labels, np.array([0]), names, names)
    card = atlas.card(0)
    assert card.size == 100 and card.name == "Reggaeton"
    assert card.top_genres[0] == ("Reggaeton", 0.58)
    assert card.genre_summary(2) == "58 % Reggaeton, 22 % Latin"
    assert card.top_artists[0][1] == 34
    low, median, high = card.feature_ranges["energy"]
    assert low <= median <= high
    assert atlas.coverage_summary()["name_coverage_min"] == pytest.approx(0.58)


def test_display_genre():
    assert display_genre("edm") == "EDM"
    assert display_genre("r-n-b") == "R&B"
    assert display_genre("rock/hard rock") == "Hard Rock"
    assert display_genre("heavy-metal") == "Heavy Metal"
    assert display_genre("k-pop") == "K-Pop"
    assert display_genre("k-pop/k-pop boy group") == "K-Pop Boy Group"

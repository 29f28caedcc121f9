import numpy as np
import pytest

from ml.filters import FilterError, FilterIndex, TrackFilter
from ml.moods import assign_moods


def test_empty_filter_keeps_everything(make_catalogue):
    catalogue = make_catalogue(50)
    assert TrackFilter().is_empty
    assert TrackFilter().mask(catalogue).all()


def test_genre_include_and_exclude_by_top_level_and_subgenre(make_catalogue):
    catalogue = make_catalogue(80)
    genre = catalogue["genre"].to_numpy()
    rock = TrackFilter(genres_include=("Rock",)).mask(catalogue)
    assert (rock == (genre == "rock")).all()
    no_rock_or_pop = TrackFilter(genres_exclude=("rock", "pop")).mask(catalogue)
    assert (no_rock_or_pop == ~np.isin(genre, ["rock", "pop"])).all()
    modern = TrackFilter(genres_include=("rock/modern rock",)).mask(catalogue)
    expected = catalogue["subgenres"].map(lambda s: "rock/modern rock" in s).to_numpy()
    assert modern.any() and (modern == expected).all()


def test_moods_use_precomputed_moods_or_derive_them(make_catalogue):
    catalogue = make_catalogue(120)
    derived = TrackFilter(moods=("acoustic",)).mask(catalogue)
    _, moods = assign_moods(catalogue)
    stored = TrackFilter(moods=("acoustic",)).mask(catalogue.assign(moods=moods))
    assert derived.any() and (derived == stored).all()
    assert (derived == moods.map(lambda m: "acoustic" in m).to_numpy()).all()


def test_ranges_tempo_activity_and_explicit_combine(make_catalogue):
    catalogue = make_catalogue(200)
    index = FilterIndex(catalogue)
    energetic = TrackFilter(energy=(0.7, 1.0)).mask(index)
    assert (catalogue["energy"].to_numpy()[energetic] >= 0.7).all()
    recent_clean = TrackFilter(release_year=(2000, 2020), allow_explicit=False).mask(index)
    years = catalogue["release_year"].to_numpy(dtype=float)
    explicit = catalogue["explicit"].to_numpy(dtype=bool)
    assert (recent_clean == ((years >= 2000) & (years <= 2020) & ~explicit)).all()
    slow = TrackFilter(tempo=(140, 160), half_double_time=True).mask(index)
    tempo = catalogue["tempo"].to_numpy()
    in_range = lambda t: (t >= 140) & (t <= 160)  # noqa: E731
    assert (slow == (in_range(tempo) | in_range(tempo * 2) | in_range(tempo / 2))).all()
    assert slow[catalogue["genre"].to_numpy() == "ambient"].any()  # 75 BPM, felt double
    workout = TrackFilter(activity="workout").mask(index)
    both = TrackFilter(activity="workout", energy=(0.9, 1.0)).mask(index)
    assert (both <= workout).all()


def test_round_trip_through_a_json_friendly_dict():
    original = TrackFilter(
        genres_include=("rock",),
        moods=("happy",),
        activity="running",
        tempo=(150, 180),
        popularity=(10, 90),
        allow_explicit=False,
    )
    data = original.to_dict()
    assert data["genres_include"] == ["rock"] and data["activity"]["name"] == "running"
    assert TrackFilter.from_dict(data) == original
    assert TrackFilter.from_dict(None) == TrackFilter()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"energy": [0.9, 0.1]}, "empty"),
        ({"moods": ["groovy"]}, "unknown mood"),
        ({"genres_include": ["rock"], "genres_exclude": ["Rock"]}, "both included and excluded"),
        ({"colour": "blue"}, "unknown filter field"),
        ({"activity": "yoga"}, "unknown activity"),
        ({"popularity": [0, 500]}, "within"),
    ],
)
def test_bad_filters_raise_a_filter_error_a_user_can_read(data, message):
    with pytest.raises(FilterError, match=message):
        TrackFilter.from_dict(data)

"""The Explore map figure: compact typed arrays, one trace per category, 2D and 3D."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashapp.components.map_figure import (
    LEGEND_CHARS,
    build_map_figure,
    category_colour,
    rows_from_event,
    short_name,
    trace_rows,
    typed_array,
)
from dashapp.services import explore
from tests.unit.dashapp.explore_frames import loaded_model


def decode(spec: dict) -> np.ndarray:
    dtypes = {"f4": "<f4", "u4": "<u4", "u1": "<u1", "i4": "<i4"}
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=dtypes[spec["dtype"]])


@pytest.fixture
def base():
    return explore.map_base(loaded_model(300, version="figure-test"))


def test_typed_array_round_trips():
    values = np.array([1.5, -2.25, 3.0], dtype=np.float32)
    spec = typed_array(values)
    assert spec["dtype"] == "f4"
    np.testing.assert_array_equal(decode(spec), values)
    with pytest.raises(TypeError):
        typed_array(np.array(["a"]))


def test_one_trace_per_present_category_with_stable_colours(base):
    points = explore.map_points(base, colour_by="cluster")
    figure = build_map_figure(points)
    *traces, highlight = figure["data"]
    assert highlight["name"] == "Selected track" and highlight["x"] == []
    _, names = base.categories["cluster"]
    present = sorted(set(points.codes.tolist()))
    assert [t["name"] for t in traces] == [names[c] for c in present]
    assert all(t["type"] == "scattergl" for t in traces)
    per_trace = trace_rows(points)
    for trace, code, rows in zip(traces, present, per_trace, strict=True):
        assert (base.categories["cluster"][0][rows] == code).all()
        assert trace["marker"]["color"] == category_colour(code)
        np.testing.assert_array_equal(decode(trace["x"]), base.coords2[rows, 0])
        np.testing.assert_array_equal(decode(trace["y"]), base.coords2[rows, 1])
    assert sorted(np.concatenate(per_trace).tolist()) == list(range(300))
    assert all("customdata" not in trace for trace in traces)


def test_click_and_selection_events_map_back_to_catalogue_rows(base):
    from ml.filters import TrackFilter

    points = explore.map_points(base, track_filter=TrackFilter(genres_include=("pop",)))
    per_trace = trace_rows(points)
    event = {
        "points": [
            {"curveNumber": 1, "pointNumber": 2},
            {"curveNumber": 0, "pointIndex": 0},
            {"curveNumber": 99, "pointNumber": 0},  # the highlight trace or a stale event
            {"curveNumber": 0, "pointNumber": 10_000},
            "junk",
        ]
    }
    rows = rows_from_event(points, event)
    assert rows.tolist() == [per_trace[1][2], per_trace[0][0]]
    assert set(base.tracks["genre"].iloc[rows]) == {"pop"}
    assert rows_from_event(points, None).tolist() == []


def test_filtering_keeps_each_categorys_colour(base):
    from ml.filters import TrackFilter

    full = {
        t["name"]: t["marker"]["color"] for t in build_map_figure(explore.map_points(base))["data"]
    }
    only_rock = explore.map_points(base, track_filter=TrackFilter(genres_include=("rock",)))
    for trace in build_map_figure(only_rock)["data"]:
        assert trace["marker"]["color"] == full[trace["name"]]


def test_feature_colouring_is_one_trace_with_a_colour_scale(base):
    figure = build_map_figure(explore.map_points(base, colour_by="valence"))
    trace, _highlight = figure["data"]
    marker = trace["marker"]
    assert marker["showscale"] and (marker["cmin"], marker["cmax"]) == (0, 255)
    assert marker["colorbar"]["ticktext"][0] == "0" and marker["colorbar"]["ticktext"][-1] == "1"
    points = explore.map_points(base, colour_by="valence")
    (rows,) = trace_rows(points)
    # uint8 steps on the fixed 0..1 scale: within half a step of the true value.
    np.testing.assert_allclose(
        decode(marker["color"]) / 255,
        base.tracks["valence"].to_numpy()[rows],
        atol=0.5 / 255 + 1e-9,
    )


def test_3d_map_is_scatter3d_with_z(base):
    figure = build_map_figure(explore.map_points(base, dims=3, colour_by="mood"))
    assert {t["type"] for t in figure["data"]} == {"scatter3d"}
    trace = figure["data"][0]
    rows = trace_rows(explore.map_points(base, dims=3, colour_by="mood"))[0]
    np.testing.assert_array_equal(decode(trace["z"]), base.coords3[rows, 2])
    assert "scene" in figure["layout"] and "xaxis" not in figure["layout"]


def test_uirevision_kept_and_the_map_pans_unless_asked_to_select(base):
    layout = build_map_figure(explore.map_points(base), uirevision="keep-me")["layout"]
    assert layout["uirevision"] == "keep-me"
    assert layout["dragmode"] == "pan" and layout["showlegend"] is True
    chosen = build_map_figure(explore.map_points(base), dragmode="lasso", showlegend=False)
    assert chosen["layout"]["dragmode"] == "lasso" and chosen["layout"]["showlegend"] is False
    assert build_map_figure(explore.map_points(base), dragmode="rotate")["layout"]["dragmode"] == (
        "pan"
    )


def test_legend_names_are_short_and_hover_keeps_the_full_name(base):
    long = "Contemporary Country Crossover Ballads"
    assert short_name("Rock") == "Rock"
    assert short_name(long) == "Contemporary…" and len(short_name(long)) <= LEGEND_CHARS
    points = explore.map_points(base)
    named = replace(points, category_names=(long, *points.category_names[1:]))
    trace = build_map_figure(named)["data"][0]
    assert trace["name"] == short_name(long)
    assert long in trace["hovertemplate"]


def test_hover_labels_only_for_small_views(base, monkeypatch):
    small = build_map_figure(explore.map_points(base, only_rows=np.arange(10)))
    texts = [text for trace in small["data"] for text in trace["text"]]
    assert sorted(texts) == sorted(f"Song {i} · Artist {i % 50}" for i in range(10))
    monkeypatch.setattr(explore.view, "HOVER_TEXT_LIMIT", 5)
    *large, _highlight = build_map_figure(explore.map_points(base))["data"]
    assert all("text" not in trace for trace in large)
    assert all("click for details" in trace["hovertemplate"] for trace in large)


def test_highlight_values_patch_the_last_trace(base):
    from dashapp.components.map_figure import highlight_values

    points = explore.map_points(base, dims=3, highlight_row=4)
    marker = build_map_figure(points)["data"][-1]
    values = highlight_values(3, tuple(base.coords3[4]), "Song 4 · Artist 4")
    assert {key: marker[key] for key in values} == values
    assert highlight_values(2, None) == {"x": [], "y": [], "text": []}


def test_highlight_adds_a_marker_and_centres_the_2d_view(base):
    clicked = build_map_figure(explore.map_points(base, highlight_row=7))
    assert "range" not in clicked["layout"]["xaxis"]  # a click marks the track, keeps the zoom
    window = explore.centre_window(base, 7)
    figure = build_map_figure(explore.map_points(base, highlight_row=7), window=window)
    marker = figure["data"][-1]
    assert marker["name"] == "Selected track"
    x, y = base.coords2[7]
    assert marker["x"] == [pytest.approx(x)] and marker["y"] == [pytest.approx(y)]
    x0, x1 = figure["layout"]["xaxis"]["range"]
    assert x0 < x < x1 and x1 - x0 < np.ptp(base.coords2[:, 0])


def test_plotly_accepts_the_figure(base):
    # Plotly's own validators must accept every property we send (catches typos in names).
    figure = build_map_figure(explore.map_points(base, colour_by="energy", highlight_row=1))
    go.Figure(figure)
    go.Figure(build_map_figure(explore.map_points(base, dims=3)))


def test_payload_is_compact(base):
    figure = build_map_figure(explore.map_points(base))
    payload = len(pio.to_json(figure, validate=False))
    # Per point: 2 float32 coordinates and a uint8 size (base64: x4/3), plus small hover labels
    # at this size; far below the ~100 bytes per point of JSON lists.
    per_point = payload / 300
    assert per_point < 50, per_point
    assert json.loads(pio.to_json(figure, validate=False))["layout"]["dragmode"] == "pan"


def test_cluster_legend_groups_clusters_under_their_families_and_labels_the_islands():
    from tests.unit.dashapp.explore_frames import loaded_model_with_families

    model = loaded_model_with_families(300, version="figure-families")
    base = explore.map_base(model)
    atlas = model.bundle.atlas
    figure = build_map_figure(explore.map_points(base, colour_by="cluster"))
    points = [t for t in figure["data"] if t["name"] != "Selected track"]
    assert [t["name"] for t in points] == model.bundle.cluster_names
    for cluster, trace in enumerate(points):
        family = int(atlas.family_of[cluster])
        assert trace["legendgroup"] == f"family-{family}"
        assert trace["legendgrouptitle"]["text"] == atlas.families[family].name
    # Families in order in the legend, and one label per family on the 2D map.
    ranks = [t["legendrank"] for t in points]
    assert ranks[0] < ranks[1] < ranks[2] < ranks[3]
    labels = figure["layout"]["annotations"]
    assert [a["text"] for a in labels] == [f"<b>{f.name}</b>" for f in atlas.families]
    # Colouring by family: one trace per family, labels kept; 3D has no annotations.
    by_family = build_map_figure(explore.map_points(base, colour_by="family"))
    assert [t["name"] for t in by_family["data"][:-1]] == [f.name for f in atlas.families]
    assert "annotations" not in build_map_figure(explore.map_points(base, dims=3))["layout"]


def test_models_without_families_keep_a_flat_legend(base):
    figure = build_map_figure(explore.map_points(base, colour_by="cluster"))
    assert all("legendgroup" not in t for t in figure["data"])
    assert "annotations" not in figure["layout"]

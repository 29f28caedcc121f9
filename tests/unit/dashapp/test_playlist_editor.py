"""The playlist editor's rows, sparkline and the generator form's spec, without a browser."""

from __future__ import annotations

import pandas as pd

from dashapp.components.playlist_editor import grid_rows, track_grid
from dashapp.components.sparkline import sparkline_figure
from ml.ordering import flow_series


def items() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_id": [11, 12, 13],
            "position": [0, 1, 2],
            "track_id": ["a", "b", "a"],
            "locked": [False, True, False],
            "name": ["One", "Two", "One"],
            "artist_names": ["X", "Y", "X"],
            "duration_ms": [61_000, 185_999, 600_000],
            "tempo": [120.4, 90.6, 120.0],
            "energy": [0.5, 0.812, 0.5],
            "valence": [0.1, 0.2, 0.3],
            "key": [0, 9, -1],
            "mode": [1, 0, 1],
        }
    )


def test_grid_rows_are_keyed_by_item_and_readable():
    rows = grid_rows(items())
    assert [r["row_id"] for r in rows] == ["11", "12", "13"]  # the same track twice stays apart
    assert [r["number"] for r in rows] == [1, 2, 3]
    assert [r["length"] for r in rows] == ["1:01", "3:05", "10:00"]
    assert [r["camelot"] for r in rows] == ["8B", "8A", "?"]  # C major, A minor, unknown
    assert [r["locked"] for r in rows] == [False, True, False]
    assert rows[1]["tempo"] == 91 and rows[1]["energy"] == 0.81


def test_read_only_grid_has_no_drag_or_editing():
    editable = track_grid(items())
    read_only = track_grid(items(), editable=False)
    assert editable.dashGridOptions["rowDragManaged"] is True
    assert "rowDragManaged" not in read_only.dashGridOptions
    assert not any(c.get("rowDrag") or c.get("editable") for c in read_only.columnDefs)


def test_sparkline_plots_energy_and_tempo_by_position():
    figure = sparkline_figure(flow_series(items()))
    energy, tempo = figure.data
    assert list(energy.x) == [1, 2, 3] and list(energy.y) == [0.5, 0.812, 0.5]
    assert tempo.yaxis == "y2" and list(tempo.y) == [120.4, 90.6, 120.0]

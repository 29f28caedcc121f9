"""The adventurousness dial's number box commits on Enter and mirrors the slider."""

from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import pytest
from plotly.utils import PlotlyJSONEncoder

from tests.integration.dashapp.test_shell import _find

pytestmark = pytest.mark.usefixtures("fake_model")


def test_the_dial_number_box_commits_on_enter(logged_in, monkeypatch):
    client, user_id = logged_in
    home = sys.modules["dashapp.pages.home"]
    # The page's layout for this user, as Dash renders it when the browser opens Home.
    monkeypatch.setattr(home, "current_user", SimpleNamespace(is_authenticated=True, id=user_id))
    with client.application.test_request_context("/"):
        layout = json.loads(json.dumps(home.layout(), cls=PlotlyJSONEncoder))
    box = _find(layout, "adventurousness-input")
    slider = _find(layout, "adventurousness")
    # dcc.Input with debounce sends its value on Enter (and on blur), not on every keystroke.
    assert box["props"]["debounce"] is True and box["props"]["type"] == "number"
    # The slider's own box commits on blur only, so it is replaced by ours.
    assert slider["props"]["allow_direct_input"] is False
    assert box["props"]["value"] == slider["props"]["value"]

    dependencies = client.get("/_dash-dependencies").get_json()
    mirror = next(d for d in dependencies if "adventurousness-input.value" in d["output"])
    assert mirror.get("clientside_function")
    assert {(i["id"], i["property"]) for i in mirror["inputs"]} == {
        ("adventurousness", "value"),
        ("adventurousness-input", "value"),
    }
    assert "..adventurousness.value..." in mirror["output"]

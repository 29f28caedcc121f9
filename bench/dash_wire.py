"""Replay Dash callbacks the way the renderer posts them, built from the app's own callback map.

A bench that hand-writes ``/_dash-update-component`` bodies breaks silently when a callback gains an
input (bench/load.py once answered 500 to every like click for that reason). Here the body comes
from ``/_dash-dependencies`` (the list the renderer itself reads) and the values from the page's
own layout, so only the values a user changes are written by hand:

    deps = Dependencies(session.get(host + "/_dash-dependencies").json())
    values = layout_values(page_layout(...))
    body = deps.find("home-list.children").body(values, changed={"home-action.data": action})

Plain ids only: a callback with a pattern-matching input or state must be given the concrete
entries (``{"id": {...}, "property": ..., "value": ...}`` lists) under its pattern's key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

UPDATE_PATH = "/_dash-update-component"
DEPENDENCIES_PATH = "/_dash-dependencies"
PAGES_OUTPUT = "_pages_content.children"


def _split(spec: str) -> tuple[str, str]:
    """``"id.prop@hash"`` → ``("id", "prop")``; ids may be JSON holding dots, props never do."""
    component, prop = spec.rsplit(".", 1)
    return component, prop.split("@")[0]


def _wire_id(component: str) -> Any:
    return json.loads(component) if component.startswith("{") else component


def key(component: Any, prop: str) -> str:
    """How a value is named in ``values`` / ``changed``: ``"id.prop"`` (pattern ids as JSON)."""
    if isinstance(component, dict):
        component = json.dumps(component, sort_keys=True, separators=(",", ":"))
    return f"{component}.{prop}"


@dataclass(frozen=True)
class Callback:
    """One entry of ``/_dash-dependencies``."""

    spec: dict[str, Any]

    @property
    def output(self) -> str:
        return self.spec["output"]

    def outputs(self) -> list[dict[str, Any]] | dict[str, Any]:
        text = self.output
        if text.startswith("..") and text.endswith(".."):
            parts = text[2:-2].split("...")
            return [dict(zip(("id", "property"), _wire(part), strict=True)) for part in parts]
        return dict(zip(("id", "property"), _wire(text), strict=True))

    def body(
        self, values: Mapping[str, Any], changed: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The request body: every input and state from ``values`` (missing ones are None), the
        ``changed`` ones overriding it and listed as what triggered the call."""
        changed = dict(changed or {})
        merged = {**values, **changed}

        def entries(kind: str) -> list[Any]:
            out = []
            for dep in self.spec.get(kind, []):
                name = key(_wire_id(dep["id"]), dep["property"])
                if dep["id"].startswith("{") and '["' in dep["id"]:  # a wildcard: ALL/MATCH
                    out.append(merged.get(name, []))
                    continue
                out.append(
                    {
                        "id": _wire_id(dep["id"]),
                        "property": dep["property"],
                        "value": merged.get(name),
                    }
                )
            return out

        return {
            "output": self.output,
            "outputs": self.outputs(),
            "inputs": entries("inputs"),
            "state": entries("state"),
            "changedPropIds": list(changed),
        }


def _wire(part: str) -> tuple[Any, str]:
    component, prop = _split(part)
    return _wire_id(component), prop


class Dependencies:
    """The app's callback map as the renderer sees it."""

    def __init__(self, specs: list[dict[str, Any]]) -> None:
        self.specs = specs

    def find(self, output: str, *, trigger: str | None = None) -> Callback:
        """The server callback writing ``output`` ("id.prop"), optionally the one that ``trigger``
        ("id.prop") feeds when several write it (``allow_duplicate``)."""
        found = []
        for spec in self.specs:
            if spec.get("clientside_function"):
                continue
            outputs = spec["output"].strip(".").split("...")
            if not any(_same(part, output) for part in outputs):
                continue
            inputs = [f"{dep['id']}.{dep['property']}" for dep in spec.get("inputs", [])]
            if trigger is None or trigger in inputs:
                found.append(spec)
        if len(found) != 1:
            raise LookupError(f"{len(found)} server callbacks write {output} (trigger {trigger})")
        return Callback(found[0])


def _same(part: str, output: str) -> bool:
    component, prop = _split(part)
    return f"{component}.{prop}" == output


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every component (a ``{"type", "namespace", "props"}`` dict) in a serialised layout."""
    if isinstance(node, list):
        for child in node:
            yield from walk(child)
    elif isinstance(node, dict):
        if "props" in node and "type" in node:
            yield node
            yield from walk(node["props"].get("children"))
        else:
            for value in node.values():
                yield from walk(value)


def layout_values(layout: Any) -> dict[str, Any]:
    """``"id.prop" -> value`` for every prop of every component with an id in ``layout``."""
    values: dict[str, Any] = {}
    for component in walk(layout):
        props = component["props"]
        if "id" not in props:
            continue
        for prop, value in props.items():
            if prop != "children":
                values[key(props["id"], prop)] = value
    return values


def page_request(dependencies: Dependencies, pathname: str) -> dict[str, Any]:
    """The body that asks Dash's pages plugin for ``pathname``'s layout (a navigation)."""
    callback = dependencies.find(PAGES_OUTPUT)
    values = {
        "_pages_location.pathname": pathname,
        "_pages_location.search": "",
        "_pages_location.hash": "",
        "_pages_location.href": pathname,
    }
    return callback.body(values, changed={"_pages_location.pathname": pathname})


def response_props(answer: dict[str, Any], component: Any, prop: str) -> Any:
    """One output's value in a ``/_dash-update-component`` answer."""
    name = component if isinstance(component, str) else json.dumps(component, sort_keys=True)
    return answer["response"][name][prop]

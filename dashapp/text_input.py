"""Checks on text a client sends, shared by the pages, the forms and the JSON API.

PostgreSQL cannot store a NUL character in text: a query or insert with one fails (a 500 if
nothing catches it), and SQLite would store it and confuse everything downstream. So any NUL byte
anywhere in a request is refused with a 400 and this message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NUL_MESSAGE = "Text must not contain NUL characters (\\u0000); remove them and try again."


def contains_nul(value: Any) -> bool:
    """True when a string anywhere in ``value`` (JSON-like: str, list, tuple, dict keys and
    values) has a NUL character. Walks with a stack: linear in the size, any nesting depth."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False

"""Accounts the browser journeys register: one fresh email per test, one shared password."""

from __future__ import annotations

import uuid

PASSWORD = "correct horse battery"


def new_email() -> str:
    return f"listener-{uuid.uuid4().hex[:10]}@example.com"

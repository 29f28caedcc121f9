"""Throttling across two workers: counts live in Redis, so a second worker sees the first's.

Two app instances stand in for two gunicorn workers (each has its own Flask-Limiter and its own
Redis connection; they share only the database and Redis). Keys carry a unique prefix and are
deleted afterwards, since the Redis on 127.0.0.1:6379 is shared.
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.integration.security.apps import log_in, make_app, sign_up

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"mixmap-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def workers(url, tmp_path, storage: str, prefix: str):
    return [
        make_app(
            url, tmp_path / f"worker{n}", RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix
        )
        for n in range(2)
    ]


def test_failed_logins_on_two_workers_add_up_in_redis(sqlite_database_url, tmp_path, redis_prefix):
    first, second = workers(sqlite_database_url, tmp_path, REDIS_URL, redis_prefix)
    sign_up(first.test_client())
    attacker_on_first, attacker_on_second = first.test_client(), second.test_client()
    for _ in range(3):
        assert log_in(attacker_on_first, password="wrong password!!").status_code == 401
    for _ in range(2):
        assert log_in(attacker_on_second, password="wrong password!!").status_code == 401
    # Five failures in all: both workers refuse the sixth attempt.
    assert log_in(attacker_on_first).status_code == 429
    assert log_in(attacker_on_second).status_code == 429


def test_the_in_memory_fallback_counts_per_process_only(sqlite_database_url, tmp_path):
    # Why REDIS_URL matters in production: without it each worker keeps its own counts.
    first, second = workers(sqlite_database_url, tmp_path, "memory://", "unused")
    sign_up(first.test_client())
    for app in (first, second):
        for _ in range(3):
            assert log_in(app.test_client(), password="wrong password!!").status_code == 401
    assert log_in(second.test_client()).status_code == 302


def test_an_unreachable_redis_degrades_to_per_process_limits(sqlite_database_url, tmp_path):
    # Port 9 (discard) on loopback: nothing listens, so every Redis call fails at once.
    app = make_app(sqlite_database_url, tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")
    sign_up(app.test_client())
    attacker = app.test_client()
    for _ in range(5):
        assert log_in(attacker, password="wrong password!!").status_code == 401
    assert log_in(attacker).status_code == 429  # still throttled, from memory

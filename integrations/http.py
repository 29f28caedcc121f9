"""One HTTP policy for every outside call: timeouts, bounded retries with backoff, Retry-After.

Both clients run on ``requests`` sessions (spotipy is built on requests, so the Last.fm client uses
the same stack rather than a second one). urllib3's ``Retry`` already implements exponential
backoff and honours ``Retry-After`` on 429/503; we only cap how long a server may make us sleep,
because a request thread must not hang for an hour on one header.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

USER_AGENT = "Mixmap/0.1 (+https://github.com/mixmap)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    connect_timeout: float = 3.05  # seconds; just over a TCP retransmit window
    read_timeout: float = 15.0
    retries: int = 3  # after the first attempt
    backoff_factor: float = 0.5  # urllib3: sleeps factor * 2**(n-1) s between retries
    max_retry_after: float = 30.0  # cap on a server's Retry-After, in seconds

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> RetryPolicy:
        default = cls()
        return cls(
            connect_timeout=float(env.get("MIXMAP_HTTP_CONNECT_TIMEOUT", default.connect_timeout)),
            read_timeout=float(env.get("MIXMAP_HTTP_READ_TIMEOUT", default.read_timeout)),
            retries=int(env.get("MIXMAP_HTTP_RETRIES", default.retries)),
            backoff_factor=float(env.get("MIXMAP_HTTP_BACKOFF", default.backoff_factor)),
            max_retry_after=float(env.get("MIXMAP_HTTP_MAX_RETRY_AFTER", default.max_retry_after)),
        )


class _BoundedRetry(Retry):
    max_retry_after: float = RetryPolicy.max_retry_after

    def parse_retry_after(self, retry_after: str) -> float:
        return min(super().parse_retry_after(retry_after), self.max_retry_after)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        # A POST that met a 500/502/504 may have been applied (a playlist created, items added):
        # replaying it could duplicate them. 429 and 503 mean "not processed", safe to repeat.
        if method == "POST" and status_code not in (429, 503):
            return False
        return super().is_retry(method, status_code, has_retry_after)


def build_session(policy: RetryPolicy) -> requests.Session:
    """A session that retries 429 and 5xx (honouring Retry-After) and connection errors.

    Each spotipy object closes its session when garbage collected, so callers build one per client.
    """
    retry_class = type(
        "BoundedRetry", (_BoundedRetry,), {"max_retry_after": policy.max_retry_after}
    )
    retry = retry_class(
        total=policy.retries,
        connect=policy.retries,
        read=False,  # a read timeout on a POST may have been applied: never replay it
        status=policy.retries,
        backoff_factor=policy.backoff_factor,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "POST", "PUT", "DELETE"}),
        respect_retry_after_header=True,
        raise_on_status=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session

"""What can go wrong talking to an outside service, as messages a user can act on."""

from __future__ import annotations


class IntegrationError(RuntimeError):
    """A call to Spotify or Last.fm failed; ``str(error)`` is fit to show to the user."""


class NotConfigured(IntegrationError):
    """The keys this integration needs are not set in the environment."""


class AuthorizationError(IntegrationError):
    """The service refused our credentials (expired, revoked, wrong key): connect again."""


class UpstreamError(IntegrationError):
    """The service kept failing (5xx, 429, timeouts) after our retries; try again later."""


class MalformedResponse(IntegrationError):
    """The service answered something that is not the documented shape."""


class NotFound(IntegrationError):
    """The service does not know the user or item asked for."""

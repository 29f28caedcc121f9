"""Clients for the optional outside services (Spotify, Last.fm): HTTP only, no Flask, no database.

Services in ``dashapp.services`` build these clients from ``IntegrationSettings`` and own the
transactions; nothing here imports ``db``, ``ml`` or ``dashapp``.
"""

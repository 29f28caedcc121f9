"""Listening-history files (Spotify, Last.fm, ListenBrainz) -> ``Listen`` -> catalogue tracks.

Pure: no Flask, no database session. ``reader`` turns uploaded bytes into listens (validating the
whole file first), ``normalise`` and ``matching`` find each listen's catalogue track.
"""

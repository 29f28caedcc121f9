"""The music data vocabulary and source-file shapes that ``ml`` and ``db`` both speak.

Interaction kinds, audio-feature names, the catalogue frame's columns and the artist/genre keys
(``schema``), mood names and labels (``moods``), keys on the Camelot wheel (``keys``), a track's
Spotify links (``links``), the normalised frames every catalogue source is parsed into
(``catalogue_frames``) and the HetRec Last.fm files' frames (``hetrec``). Storage writes these
shapes and learning reads them, so they belong to neither: nothing here imports ``ml``, ``db``,
``dashapp`` or ``integrations``; only numpy and pandas.
"""

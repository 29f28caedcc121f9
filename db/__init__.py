"""Storage: SQLAlchemy models, sessions, queries, importers and migrations."""

"""Reads that return data frames or plain rows for ml/ and the services; one module per subject."""

"""Learning code: pure numpy/pandas/scikit-learn. No Flask, no SQLAlchemy, no global state."""

"""Which library versions a pickled model needs, and whether the running ones are those.

A pickle of scikit-learn, numpy, scipy or pandas objects is only promised to load in the
versions that wrote it, so the registry stores them beside each blob and refuses a mismatch
before unpickling (``ml.artifact.bundle_from_bytes``).
"""

from __future__ import annotations

import platform

# Libraries whose pickles the bundle contains; a mismatch is logged (scikit-learn warns too).
_LIBRARIES = ("numpy", "pandas", "scipy", "sklearn", "joblib")
# Versions that must match exactly before a blob from the registry is unpickled: a pickle of
# scikit-learn/numpy/scipy/pandas objects is only promised to load in the versions that wrote it.
# Python must match in major.minor (pickle protocols and builtins change there, not in patches).
STRICT_LIBRARIES = ("numpy", "pandas", "scipy", "sklearn")


def library_versions() -> dict[str, str]:
    """The running versions of python and of every library the pickled bundle holds objects of."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        module = __import__(name)
        versions[name] = str(getattr(module, "__version__", "unknown"))
    return versions


def library_mismatches(saved: dict[str, str] | None) -> list[str]:
    """What differs between the versions a blob was written with and the running ones."""
    saved = saved or {}
    running = library_versions()
    problems = []
    if ".".join(str(saved.get("python", "")).split(".")[:2]) != ".".join(
        running["python"].split(".")[:2]
    ):
        problems.append(f"python {saved.get('python')} (running {running['python']})")
    for name in STRICT_LIBRARIES:
        if saved.get(name) != running[name]:
            problems.append(f"{name} {saved.get(name)} (running {running[name]})")
    return problems

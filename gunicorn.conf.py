"""Gunicorn settings, overridable from the environment the way Heroku-style platforms expect."""

import os

# Before the app (and NumPy) loads: one BLAS thread per web process. A request's matrix products
# take a few ms; with WEB_CONCURRENCY workers x threads already using every core, a threaded BLAS
# call waits (spinning) for cores the other workers hold, several times slower than one thread.
# The training worker is another process and keeps its threads. The platform may override these.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

bind = f"0.0.0.0:{os.environ['PORT']}" if "PORT" in os.environ else "127.0.0.1:8050"
# Each worker holds its own copy of the model; threads share it. On a 512 MB dyno two workers fit.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# No keep-alive by default: a kept-alive connection stays with the worker that accepted it, so
# the clients pile up unevenly on the two workers and a click waits behind its worker's queue
# while the other worker idles. Closed after each request, the next one goes to whichever worker
# accepts first (bench/load.py, 20 clients: like-click server p99 97-286 ms with 5 s, 94-105 ms
# with 0; docs/benchmarks/load.md). A platform router in front holds the browsers' connections.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
# Load the app (and the model) once in the master and fork: workers share pages copy-on-write.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")


def post_fork(server, worker):
    # A pooled connection opened in the master must not be shared by forked workers.
    from db.session import database

    database.dispose_after_fork()

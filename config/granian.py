"""Granian settings for production: ``python -m config.granian`` serves ``config.wsgi``
(chosen over gunicorn by ``python -m bench servers``: bench/SERVERS.md).

Granian reads every option from a ``GRANIAN_*`` environment variable (``granian --help``
names them); this module sets the project's defaults for the ones not set, then runs
Granian, so any of them can still be changed per deployment. ``GUNICORN_BIND`` and
``GUNICORN_WORKERS``, which the deployment docs and scripts used before, are still read.

- WSGI over HTTP/1.1 with keep-alive (a client that sends several requests keeps its
  connection) and no websockets: the API has none.
- Workers: one per core, Granian's advice and what bench/SERVERS.md measured (2 workers on
  2 cores). A worker runs the application in 4 blocking threads and takes 4 requests at
  once: the GIL lets one thread run Python at a time, and the others wait on the database
  meanwhile, where a gunicorn sync worker sat idle.
- No request timeout, unlike gunicorn's sync worker: Granian has no heartbeat that a long
  streamed export would miss, so a 1M-row CSV is never cut after its 200. A worker that
  does not stop within ``GRANIAN_WORKERS_KILL_TIMEOUT`` (30 s, gunicorn's graceful timeout)
  of a shutdown is killed; a worker that dies is started again.
- The access log is on, in the combined log format as far as Granian's fields go.
"""

import os
import sys

# Granian's access log fields: no response size, and the query string apart from the path.
ACCESS_LOG_FORMAT = (
    '%(addr)s - - [%(time)s] "%(method)s %(path)s?%(query_string)s %(protocol)s" '
    '%(status)d "%(header{referer})s" "%(header{user-agent})s" %(dt_ms).1fms'
)


def defaults(environ) -> dict[str, str]:
    """The project's ``GRANIAN_*`` settings, for those ``environ`` does not set."""
    bind = environ.get("GUNICORN_BIND", "127.0.0.1:8000")
    if bind.startswith("unix:"):
        address = {"GRANIAN_UDS": bind.removeprefix("unix:")}
    else:
        host, _, port = bind.rpartition(":")
        address = {"GRANIAN_HOST": host or "127.0.0.1", "GRANIAN_PORT": port}
    settings = {
        "GRANIAN_INTERFACE": "wsgi",
        **address,
        "GRANIAN_WORKERS": environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 1)),
        "GRANIAN_HTTP": "1",
        "GRANIAN_HTTP1_KEEP_ALIVE": "true",
        "GRANIAN_WEBSOCKETS": "false",
        # A few requests at once per worker (Granian's WSGI default is hundreds): Python
        # runs one thread at a time, so more would only queue requests inside the worker.
        "GRANIAN_BLOCKING_THREADS": "4",
        "GRANIAN_BACKPRESSURE": "4",
        "GRANIAN_LOG_ACCESS_ENABLED": "true",
        "GRANIAN_LOG_ACCESS_FMT": ACCESS_LOG_FORMAT,
        "GRANIAN_WORKERS_KILL_TIMEOUT": "30",
        "GRANIAN_RESPAWN_FAILED_WORKERS": "true",
    }
    return {key: value for key, value in settings.items() if key not in environ}


def main() -> None:
    env = {**os.environ, **defaults(os.environ)}
    # Replaces this process: signals (SIGTERM from a supervisor) go to Granian itself.
    os.execve(
        sys.executable, [sys.executable, "-m", "granian", "config.wsgi:server_application"], env
    )


if __name__ == "__main__":
    main()

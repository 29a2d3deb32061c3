"""Granian settings for production: ``python -m config.granian`` serves ``config.wsgi``.

Granian reads every option from a ``GRANIAN_*`` environment variable (``granian --help``
names them); this module sets the project's defaults for the ones not set, then runs
Granian, so any of them can still be changed per deployment. ``GUNICORN_BIND`` and
``GUNICORN_WORKERS``, which the deployment docs and scripts used before, are still read.

- WSGI over HTTP/1.1 with keep-alive (a client that sends several requests keeps its
  connection) and no websockets: the API has none.
- Workers: 2 per core. A worker runs the application in a few blocking threads; the GIL
  lets one of them run Python at a time, so a second worker per core keeps the core busy
  while the other one waits on the database.
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
    host, _, port = environ.get("GUNICORN_BIND", "127.0.0.1:8000").rpartition(":")
    settings = {
        "GRANIAN_INTERFACE": "wsgi",
        "GRANIAN_HOST": host or "127.0.0.1",
        "GRANIAN_PORT": port,
        "GRANIAN_WORKERS": environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))),
        "GRANIAN_HTTP": "1",
        "GRANIAN_HTTP1_KEEP_ALIVE": "true",
        "GRANIAN_WEBSOCKETS": "false",
        # One request at a time per worker thread, a few threads per worker: Python runs
        # one of them at a time anyway, and more only queue requests inside the worker.
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

"""gunicorn settings: ``gunicorn config.wsgi`` reads this file.

Production runs Granian (``make serve``, ``python -m config.granian``: config/granian.py,
chosen by bench/SERVERS.md); this file keeps gunicorn working for deployments that use it
and for ``python -m bench run --server gunicorn``.

Sync workers, because exports stream from a database cursor in constant memory. A sync
worker does not signal it is alive while it streams, so the whole export must finish
within ``timeout``: gunicorn's default (30 s) would kill a worker in the middle of a large
export, after the 200 was sent, and the client would get a truncated file. bench/RESULTS.md
measured a 1M-row CSV at 10–40 s; 300 s leaves room for busy machines and slow clients and
still ends a hung worker within 5 minutes.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Sync workers (see above) whose own refusals (414, 431, 400) are problem documents.
worker_class = "config.gunicorn_worker.ProblemSyncWorker"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
# gunicorn's own limit (4094 bytes) answers a longer request line with an HTML 414 that
# Django never sees; at its maximum, Django's checks answer such URLs with a problem.
limit_request_line = 8190

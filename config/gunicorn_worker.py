"""gunicorn's sync worker, answering the requests it refuses itself in the API's one error
shape (RFC 9457 problem details) instead of its own HTML page.

gunicorn parses the request before Django sees it: a request line over
``limit_request_line`` (414), headers over ``limit_request_field_size`` or
``limit_request_fields`` (431), or a request that is not HTTP (400) is answered by the worker.
It writes that answer with ``gunicorn.util.write_error``; this worker writes a problem
instead, with the status gunicorn chose. ``gunicorn.conf.py`` names it as ``worker_class``.
"""

import json

from gunicorn import util
from gunicorn.workers.sync import SyncWorker

TITLES = {
    414: ("uri-too-long", "URI too long"),
    431: ("request-header-fields-too-large", "Request header fields too large"),
}


def write_problem(sock, status_int, reason, mesg):
    # Imported when answering: the worker class is loaded before Django's apps are.
    from config.api.errors import PROBLEM_CONTENT_TYPE, problem

    body = problem(status_int, mesg or reason)
    if status_int in TITLES:
        slug, body["title"] = TITLES[status_int]
        body["type"] = body["type"].rsplit("/", 1)[0] + f"/{slug}"
    data = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_CONTENT_TYPE}\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + data)


class ProblemSyncWorker(SyncWorker):
    """The sync worker, with gunicorn's own refusals written as problems."""

    def init_process(self):
        # gunicorn reads ``util.write_error`` when it answers; this process is one worker.
        util.write_error = write_problem
        super().init_process()

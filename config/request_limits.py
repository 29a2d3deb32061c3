"""The request limits gunicorn enforced, kept under Granian, and answered as problems.

gunicorn refused a request line over 8,190 bytes (414) and a header over 8,190 bytes (431)
before Django saw them, and ``config.gunicorn_worker`` wrote those refusals as problem
documents. Granian (hyper) lets far larger ones through (a request head up to
``GRANIAN_HTTP1_BUFFER_SIZE``, 408 KiB), so this WSGI middleware enforces gunicorn's limits
itself, in the API's one error shape, before Django's handler runs. What hyper refuses
itself never reaches Python and gets hyper's empty answer: more than 100 headers (431), a
request head over the buffer (431), a request that is not HTTP (400).
"""

import json

from config.api.errors import PROBLEM_CONTENT_TYPE, problem

#: gunicorn's ``limit_request_line`` (gunicorn.conf.py) and its defaults for the headers.
MAX_REQUEST_LINE = 8190
MAX_FIELD_SIZE = 8190

TITLES = {
    414: ("uri-too-long", "URI Too Long", "URI too long"),
    431: (
        "request-header-fields-too-large",
        "Request Header Fields Too Large",
        "Request header fields too large",
    ),
}


def refusal(environ) -> tuple[int, str] | None:
    """(status, detail) if ``environ``'s request is over gunicorn's limits, else None."""
    target = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    query = environ.get("QUERY_STRING", "")
    # "METHOD target?query HTTP/1.1", as gunicorn measured it (the path as sent, unquoted
    # by the server: its percent-encoded form is longer, hence never under this count).
    line = len(environ.get("REQUEST_METHOD", "")) + len(target) + len(query) + 11
    line += 1 if query else 0
    if line > MAX_REQUEST_LINE:
        return 414, f"The request line is longer than {MAX_REQUEST_LINE} bytes."
    fields = [key for key in environ if key.startswith("HTTP_")]
    fields += [key for key in ("CONTENT_TYPE", "CONTENT_LENGTH") if environ.get(key)]
    for key in fields:
        # "Name: value": the CGI name is as long as the header's name.
        size = len(key.removeprefix("HTTP_")) + 2 + len(str(environ[key]))
        if size > MAX_FIELD_SIZE:
            return 431, f"A header field is longer than {MAX_FIELD_SIZE} bytes."
    return None


class RequestLimits:
    """WSGI middleware: a request over gunicorn's limits gets a 414 or 431 problem."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        refused = refusal(environ)
        if refused is None:
            return self.application(environ, start_response)
        status, detail = refused
        slug, reason, title = TITLES[status]
        body = problem(status, detail)
        body["title"] = title
        body["type"] = body["type"].rsplit("/", 1)[0] + f"/{slug}"
        data = json.dumps(body).encode()
        start_response(
            f"{status} {reason}",
            [
                ("Content-Type", PROBLEM_CONTENT_TYPE),
                ("Content-Length", str(len(data))),
                ("Connection", "close"),
            ],
        )
        return [data]

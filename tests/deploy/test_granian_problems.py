"""Granian, as ``make serve`` runs it (``python -m config.granian``), keeps gunicorn's limits:
a request line over 8,190 bytes is a 414 and a header over 8,190 bytes a 431, each in the
API's one error shape (``config.request_limits``); a real server, asked over a socket."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    env = {
        **os.environ,
        "GRANIAN_HOST": "127.0.0.1",
        "GRANIAN_PORT": str(port),
        "GRANIAN_WORKERS": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "config.granian"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if (
                    ask(
                        port,
                        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                        parse=False,
                    )[0]
                    == 200
                ):
                    break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def ask(port, raw: bytes, parse: bool = True) -> tuple[int, dict, object]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(raw)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, json.loads(body) if parse else body


CLOSE = b"Host: localhost\r\nConnection: close\r\n"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /api/v1/?q=" + b"x" * 9000 + b" HTTP/1.1\r\n" + CLOSE + b"\r\n", 414),
        (b"GET /api/v1/ HTTP/1.1\r\n" + CLOSE + b"X-Big: " + b"y" * 9000 + b"\r\n\r\n", 431),
    ],
)
def test_refused_as_a_problem(server, raw, status):
    code, headers, body = ask(server, raw)
    assert code == status
    assert headers["content-type"] == "application/problem+json"
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"].startswith("https://")


@pytest.mark.parametrize(
    "raw",
    [
        b"HELLO THERE\r\n\r\n",
        b"GET /api/v1/ HTTP/1.1\r\n" + CLOSE + b"".join(b"X-H%d: 1\r\n" % n for n in range(120)),
    ],
)
def test_refused_by_the_server_itself(server, raw):
    """What hyper refuses never reaches Python: a 4xx without a body (documented)."""
    code, _, body = ask(server, raw + b"\r\n", parse=False)
    assert code in (400, 431)
    assert body == b""


def test_within_the_limits_is_served(server):
    raw = b"GET /api/v1/?format=json&x=" + b"x" * 7000 + b" HTTP/1.1\r\n" + CLOSE + b"\r\n"
    code, headers, body = ask(server, raw, parse=False)
    # Django's answer (an unknown parameter is a 400 problem), not the server's refusal.
    assert code == 400, body[:300]
    assert headers["content-type"] == "application/problem+json"
    assert "unknown" in json.loads(body)["detail"].lower() or json.loads(body)["errors"]


def test_keeps_the_connection_alive(server):
    """Two requests on one connection: what sync gunicorn could not do."""
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    try:
        for _ in range(2):
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            assert response.status == 200
            assert response.getheader("Connection") != "close"
            response.read()
        # Still the first socket: http.client reconnects only after a close.
        assert conn.sock is not None
    finally:
        conn.close()

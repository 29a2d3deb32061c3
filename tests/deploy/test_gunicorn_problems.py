"""What gunicorn refuses before Django sees it (a request line too long, headers too large,
a request that is not HTTP) is answered in the API's one error shape, not gunicorn's HTML:
a real gunicorn, started with ``gunicorn.conf.py``, asked over a socket."""

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
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=30)


def ask(port, raw: bytes) -> tuple[int, dict, dict]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(raw)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /api/v1/?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
        (b"GET /api/v1/ HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"y" * 9000 + b"\r\n\r\n", 431),
        (b"HELLO THERE\r\n\r\n", 400),
    ],
)
def test_refused_as_a_problem(server, raw, status):
    code, headers, body = ask(server, raw)
    assert code == status
    assert headers["Content-Type"] == "application/problem+json"
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"].startswith("https://")

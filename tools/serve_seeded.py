"""A throwaway, production-like server over the seed release, for the tools in this folder.

``seeded_server(database_url, port)`` resets the database (a SQLite file is deleted, a
PostgreSQL database dropped and created again: never point it at data you want to keep),
migrates it, loads and registers ``fixtures/release`` and collects the static files as
``make db`` does, creates a curator with a knox token, and serves the app with Granian,
``config.settings.production`` and ``config/granian.py`` as ``make serve`` does, over plain
HTTP on 127.0.0.1. It yields the base URL and the curator's token, and stops the server
(and only it) on the way out.
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RELEASE = ROOT / "fixtures" / "release"

CREATE_CURATOR = """
from django.contrib.auth.models import Group, User
from knox.models import AuthToken
user = User.objects.create_user("fuzz-curator", is_staff=True)
user.groups.add(Group.objects.get(name="curators"))
print(AuthToken.objects.create(user)[1])
"""


def reset_database(url: str) -> None:
    """An empty database at ``url``: a SQLite file removed, a PostgreSQL one recreated."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"DATABASE_URL: sqlite or postgres only, not {parts.scheme}")
    import psycopg  # the app's own PostgreSQL driver

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def seeded_server(database_url: str, port: int, extra_env: dict | None = None) -> Iterator:
    """Yields (base URL, curator token) of a fresh server over the seed release."""
    work = Path(tempfile.mkdtemp(prefix="seeded-server-"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # Release files and static files in the temporary folder, not the checkout.
        "MEDIA_ROOT": str(work / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "GRANIAN_HOST": "127.0.0.1",
        "GRANIAN_PORT": str(port),
        "GRANIAN_WORKERS": os.environ.get("GRANIAN_WORKERS", "2"),
        **(extra_env or {}),
    }
    env.pop("REDIS_URL", None)  # each worker's own cache: no shared state between runs
    reset_database(database_url)
    manage(env, "migrate", "--no-input")
    manage(env, "load_dataset", str(RELEASE))
    manage(env, "register_release", str(RELEASE))
    # The manifest the production settings read (into STATIC_ROOT, as `make db` does): without
    # it, any page that links a static file (the HTML 404 of a path outside the API) is a 500.
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    token = manage(env, "shell", "-c", CREATE_CURATOR).strip().splitlines()[-1]
    log = open(work / "server.log", "w")  # noqa: SIM115  (open while the server runs)
    process = subprocess.Popen(
        [PYTHON, "-m", "config.granian"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        print(f"serving {database_url} on {url} (log: {log.name})", file=sys.stderr)
        yield url, token
    finally:
        process.send_signal(signal.SIGTERM)  # Granian stops its own workers
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()

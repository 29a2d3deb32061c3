"""The servers under test: the API under gunicorn, and Datasette as its peer.

Both are started with this interpreter (``python -m gunicorn``, ``python -m datasette``), so
the benchmark runs from whatever virtualenv runs it, with no path of this machine in it.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT

API = "/api/v1/trade/shipments/"


def free_port() -> int:
    """A free port: the first of ``$BENCH_PORTS`` (``8150-8159``) if set (a shared machine
    gives each user a range), else any."""
    first, _, last = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


def get(port: int, target: str, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The ppid is the 2nd field after the parenthesised command name.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            pids.append(int(entry.name))
    return sorted(pids)


class Server:
    """A server process in its own session, up once ``ready_path`` answers 200."""

    name = "server"
    ready_path = "/"

    def __init__(self, command: list[str], env: dict, log: Path, ready=lambda s: True):
        self.port = free_port()
        self.command = [part.replace("{port}", str(self.port)) for part in command]
        self.log = log.open("w")
        self.process = subprocess.Popen(
            self.command,
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} exited; see {log}")
            try:
                status, _ = get(self.port, self.ready_path, timeout=30)
                if status == 200 and ready(self):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        sys.exit(f"{self.name} did not come up; see {log}")

    @property
    def pids(self) -> list[int]:
        """The processes that serve requests (for RSS and CPU accounting)."""
        return [self.process.pid, *children(self.process.pid)]

    def display_command(self) -> str:
        """The command without this machine's interpreter path or port."""
        return " ".join(["python", *self.command[1:]]).replace(str(self.port), "<port>")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the process we started; it stops its own
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def bench_env(url: str) -> dict:
    """The API's environment under either server: the bench settings and database."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "1000000/minute",  # throttling out of the way
    }


class Gunicorn(Server):
    """``config.wsgi`` on 2 sync workers, with the bench settings (bench DB only)."""

    name = "gunicorn"
    ready_path = API + "?limit=1"

    def __init__(self, url: str, timeout: int, log: Path, options: tuple[str, ...] = ()):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            "2",
            "--worker-class",
            "sync",
            "-b",
            "127.0.0.1:{port}",
            "--timeout",
            str(timeout),
            *options,
        ]
        super().__init__(command, bench_env(url), log, ready=lambda s: len(s.workers()) == 2)

    def workers(self) -> list[int]:
        return children(self.process.pid)


class Granian(Server):
    """``config.wsgi`` on 2 Granian workers, with the bench settings (bench DB only).

    The production settings (``config/granian.py``) but the worker count (2, as gunicorn's)
    and the port: HTTP/1.1 with keep-alive, no websockets, the access log on; ``options``
    are more command-line options (they override those settings). ``timeout`` has no
    counterpart: no heartbeat kills a Granian worker while it streams an export.
    """

    name = "granian"
    ready_path = API + "?limit=1"

    def __init__(self, url: str, timeout: int, log: Path, options: tuple[str, ...] = ()):
        from config.granian import defaults

        env = bench_env(url)
        env = {**env, **defaults(env), "GRANIAN_WORKERS": "2"}  # as gunicorn's, always
        command = [
            sys.executable,
            "-m",
            "granian",
            "config.wsgi:server_application",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
            *options,
        ]
        super().__init__(command, env, log, ready=lambda s: len(s.workers()) == 2)

    def workers(self) -> list[int]:
        # Granian's workers are spawned by multiprocessing, beside its resource tracker.
        return [
            pid
            for pid in children(self.process.pid)
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]


API_SERVERS = {"granian": Granian, "gunicorn": Gunicorn}


class Datasette(Server):
    """Datasette 0.65 serving the bench SQLite file, as PRODUCT.md measured it.

    - ``-i`` (immutable): Datasette opens the file read-only and caches the table's row
      count, as the API caches its counts per dataset version; both are fair for a
      published, read-only dataset. Filtered counts are still computed per request
      ("count on": no ``_nocount``).
    - ``suggest_facets off``: otherwise every table page runs a facet-suggestion query per
      column, which the API has no counterpart of.
    - ``max_csv_mb 0``: no 100 MB cap on ``_stream=on``, so the full CSV is complete.
    Everything else is Datasette's default (3 SQL threads, one uvicorn process).
    """

    name = "datasette"

    def __init__(self, sqlite_path: Path, log: Path):
        self.database = sqlite_path.stem  # Datasette names a database after its file
        self.ready_path = f"/{self.database}.json"
        command = [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            "-i",
            str(sqlite_path),
            "-h",
            "127.0.0.1",
            "-p",
            "{port}",
            "--setting",
            "suggest_facets",
            "off",
            "--setting",
            "max_csv_mb",
            "0",
        ]
        super().__init__(command, dict(os.environ), log)

    def display_command(self) -> str:
        return super().display_command().replace(str(ROOT) + "/", "")

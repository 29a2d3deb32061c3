"""Shared by the bench scripts: paths, and the guard that keeps synthetic data out of real DBs.

Synthetic rows may only ever go to ``bench/bench.sqlite3`` (or another SQLite file inside
``bench/``) or to a PostgreSQL database whose name ends in ``_bench``. Everything else is
refused before Django opens a connection.
"""

import os
import sys
from pathlib import Path

import dj_database_url

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SQLITE_PATH = BENCH_DIR / "bench.sqlite3"
SQLITE_URL = f"sqlite:///{SQLITE_PATH}"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/tradediplomacy_bench"
OUT_DIR = BENCH_DIR / "out"
SYNTHETIC = "SYNTHETIC benchmark data"


class NotABenchDatabase(SystemExit):
    pass


def bench_database(url: str | None = None) -> dict:
    """The parsed bench database of ``url`` (default: $DATABASE_URL); refuses any other."""
    url = url if url is not None else os.environ.get("DATABASE_URL", "")
    if not url:
        raise NotABenchDatabase(
            f"Set DATABASE_URL to the bench database ({SQLITE_URL} or {POSTGRES_URL})."
        )
    config = dj_database_url.parse(url)
    engine, name = config["ENGINE"], str(config["NAME"])
    if engine == "django.db.backends.sqlite3":
        path = Path(name).resolve()
        if BENCH_DIR not in path.parents:
            raise NotABenchDatabase(
                f"Refusing SQLite file {path}: bench data lives in {BENCH_DIR}."
            )
    elif engine == "django.db.backends.postgresql":
        if not name.endswith("_bench"):
            raise NotABenchDatabase(
                f"Refusing PostgreSQL database {name!r}: its name must end in _bench."
            )
    else:
        raise NotABenchDatabase(f"Unsupported engine {engine}.")
    return config


def vendor(config: dict) -> str:
    return "sqlite" if config["ENGINE"].endswith("sqlite3") else "postgresql"


def setup_django() -> None:
    """Django on the bench settings (base settings + the baseline URL), bench DB only."""
    bench_database()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def bench_url(db: str) -> str:
    """``sqlite``, ``postgresql`` or a URL, as a bench database URL; refuses any other DB."""
    url = {"sqlite": SQLITE_URL, "postgresql": POSTGRES_URL}.get(db, db)
    bench_database(url)
    return url

"""Bench settings: ``config.settings.base`` unchanged, plus the baseline view's URL.

Refuses to load unless DATABASE_URL names a bench database (see ``bench.common``), so that
the gunicorn serving the benchmark can never touch the real data.
"""

from bench.common import bench_database
from config.settings.base import *  # noqa: F403

bench_database()

ROOT_URLCONF = "bench.baseline_urls"

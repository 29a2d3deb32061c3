"""Twelve-factor settings: production values pass Django's deployment checks."""

import os
import subprocess
import sys

from django.conf import settings


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_values():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "x7Gq2" * 10,
        ALLOWED_HOSTS="api.example.org",
        CSRF_TRUSTED_ORIGINS="https://api.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment for production." in result.stderr


def test_local_defaults_are_safe():
    assert settings.DEBUG is False
    assert set(settings.ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "testserver"}

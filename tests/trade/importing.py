"""The statistics importer run as a curator runs it, for tests."""

from io import StringIO

from django.core.management import call_command


def run_import(*args) -> str:
    """``manage.py import_trade_statistics ARGS``: what it printed."""
    out = StringIO()
    call_command("import_trade_statistics", *map(str, args), stdout=out)
    return out.getvalue()

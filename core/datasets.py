"""Checks of the files behind dataset sources, which the apps that import them provide.

``core`` knows no app built on it, so ``verify_citations`` asks this registry: an app (as
``trade`` for official statistics) registers a check in its ``AppConfig.ready``. A check
appends one line per problem to the list it is given and returns how many citations it
checked against their files.
"""

_checks = []


def register_file_check(check) -> None:
    """Add ``check(problems: list[str]) -> int`` to what ``verify_citations`` runs (once)."""
    if check not in _checks:
        _checks.append(check)


def file_checks() -> tuple:
    return tuple(_checks)

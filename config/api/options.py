"""How every boolean option of a request is read: one parser for all of them.

``brief``, ``include_retracted``, ``with_references`` and the boolean filters take
``true``/``false`` or ``1``/``0``, in any case (``True``, ``FALSE``); anything else is a
400 that names the parameter, never a silent "false".
"""

TRUE = frozenset({"true", "1"})
FALSE = frozenset({"false", "0"})
MESSAGE = "true or false."


def parse_boolean(value: str | None, default: bool | None = None) -> bool | None:
    """``value`` as a boolean; ``default`` when absent or empty; ValueError if neither."""
    if value is None or value == "":
        return default
    folded = value.strip().lower()
    if folded in TRUE:
        return True
    if folded in FALSE:
        return False
    raise ValueError(MESSAGE)


def is_boolean(value: str | None) -> bool:
    try:
        parse_boolean(value)
    except ValueError:
        return False
    return True

"""Which values a citation stands for: support is per value, not per field.

The one question every reader of evidence asks (publishing checks, corroboration, the
evidence pages, the release tables): does this citation still support the value this
record's field holds now?
"""


def supports_value(citation, name: str, record) -> bool:
    """Whether ``citation`` supports the current value of ``record``'s field ``name``."""
    return name in citation.supports

"""Figures as a reader expects them on a page: digits grouped, no exponent.

``Decimal.normalize()`` writes 1000 as ``1E+3``, and a bare amount of money as
``6804128143.00``: fine for the API, hard to read on a page.
"""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def quantity(value) -> str:
    """1000.000 → ``1,000``; 1234.500 → ``1,234.5``: as many decimals as the figure has."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def money(value) -> str:
    """6804128143 → ``6,804,128,143.00``: cents always shown."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"

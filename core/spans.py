"""Where a quote may start and end: between words and numbers, never inside one."""

#: Characters that join the digits of one number: "12,500", "3.2", "500 000" (no-break, thin).
NUMBER_JOINERS = ",.\u00a0\u202f\u2009"


def _inside(text: str, i: int) -> bool:
    """Whether offset ``i`` falls inside a word or a number (not between two of them)."""
    if i <= 0 or i >= len(text):
        return False
    before, after = text[i - 1], text[i]
    if before.isalnum() and after.isalnum():
        return True
    if before.isdigit() and after in NUMBER_JOINERS:
        return i + 1 < len(text) and text[i + 1].isdigit()
    return after.isdigit() and before in NUMBER_JOINERS and i >= 2 and text[i - 2].isdigit()


def _token_at(text: str, i: int) -> tuple[int, int]:
    """The span of the word or number that offset ``i`` falls inside."""

    def joined(k: int) -> bool:
        char = text[k]
        if char.isalnum():
            return True
        return (
            char in NUMBER_JOINERS
            and 0 < k < len(text) - 1
            and text[k - 1].isdigit()
            and text[k + 1].isdigit()
        )

    start, end = i, i
    while start > 0 and joined(start - 1):
        start -= 1
    while end < len(text) and joined(end):
        end += 1
    return start, end


def span_problem(text: str, start: int, end: int) -> str:
    """Why the span ``[start, end)`` cuts a word or a number ("" if it does not)."""
    for at, which in ((start, "starts"), (end, "ends")):
        if _inside(text, at):
            a, b = _token_at(text, at)
            edge = f"start it at {a}" if which == "starts" else f"end it at {b}"
            return (
                f"The quote {which} inside “{text[a:b]}” (at [{a}, {b})): a quote holds whole "
                f"words and numbers. Quote the whole of “{text[a:b]}”: {edge}."
            )
    return ""

"""Logging filters that know nothing of the domain apps."""

import logging
import time


class OncePerInterval(logging.Filter):
    """Lets one record through per ``seconds``: an outage is logged, not every request in it."""

    def __init__(self, seconds: float = 60):
        super().__init__()
        self.seconds = seconds
        self._last = float("-inf")

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self._last < self.seconds:
            return False
        self._last = now
        return True

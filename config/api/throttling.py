"""Anonymous throttling, counted in the shared cache (Redis when ``REDIS_URL`` is set)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle as DRFAnonRateThrottle


class AnonRateThrottle(DRFAnonRateThrottle):
    """Per-client limit for anonymous requests; the rate is read from settings at run time."""

    def get_rate(self):
        return settings.API_ANON_RATE

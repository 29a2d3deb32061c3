"""WSGI entry points: ``application`` (Django's), and ``server_application``, what Granian
serves (``python -m config.granian``): gunicorn's request limits, then ``application``.
gunicorn (``gunicorn config.wsgi``) enforces those limits itself."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# After Django's setup: the limits answer in the API's problem shape (config.api.errors).
from config.request_limits import RequestLimits  # noqa: E402

server_application = RequestLimits(application)

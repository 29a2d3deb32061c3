"""Request-wide middleware that knows nothing of the domain apps."""

from config.db_routers import SAFE_METHODS, _current_request, pin_user_to_primary, resolved_user


class ReadYourWritesMiddleware:
    """Lets the database router see the request, and pins a writer's reads to the primary.

    After any non-safe request by an authenticated user (a curator's write through the API
    or the admin), that user's reads go to the primary for ``READ_YOUR_WRITES_SECONDS``
    (see ``config.db_routers``). The pin is set even when the write failed: it is cheap, and
    a failure that reached the database may still have changed something the user reads next.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        if request.method not in SAFE_METHODS:
            # After the view, DRF has put the token's user on the request too.
            user = resolved_user(request)
            if user is not None and user.is_authenticated:
                pin_user_to_primary(user.pk)
        return response

from audit.context import current_request


class AuditActorMiddleware:
    """Remembers the request so audit entries written while serving it name who acted (the API's token
    users too: DRF sets the user on the underlying request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)

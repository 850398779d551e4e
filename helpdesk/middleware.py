"""Latitude's own middleware."""

from __future__ import annotations


class HtmxMessagesMiddleware:
    """Flash messages queued while answering an htmx request are shown in that answer (an out-of-band swap
    into #flash) instead of waiting for, and surprising, the next full page load. The answer also carries
    HX-Trigger `latitude:changed`, so parts of the page that show counts can refresh themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or request.method == "GET":
            return response
        if response.status_code >= 300 or not response.get("Content-Type", "").startswith("text/html"):
            return response
        if getattr(response, "streaming", False):
            return response
        from django.contrib.messages import get_messages
        from django.template.loader import render_to_string

        storage = get_messages(request)
        pending = list(storage)  # iterating marks them used: they are not shown again
        triggers = [t for t in response.get("HX-Trigger", "").split(",") if t.strip()]
        response["HX-Trigger"] = ", ".join([*triggers, "latitude:changed"])
        if pending:
            fragment = render_to_string("_messages.html", {"messages": pending, "oob": True}, request=request)
            response.content = response.content + fragment.encode(response.charset or "utf-8")
        return response


class RefdataScopeMiddleware:
    """One request is one `refdata.request_scope`: the reference data's generations are read in one
    round trip to the cache, not one per cached value (helpdesk/refdata.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from helpdesk import refdata

        with refdata.request_scope():
            return self.get_response(request)

"""Activates the signed-in user's language and time zone for the request."""

import zoneinfo

from django.utils import timezone, translation

from tickets.selectors import cached_profile


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        profile = cached_profile(user) if user is not None and user.is_authenticated else None
        if profile is not None:
            try:
                timezone.activate(zoneinfo.ZoneInfo(profile.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if profile.language and not request.path.startswith("/survey/"):
                translation.activate(profile.language)
                request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        return self.get_response(request)

"""Optional context provider: `unread_required_announcements` for every page (the inbox banner).

The include `recognition/_unread_announcements.html` works without it (it asks a template tag); add
"recognition.context_processors.announcements" to TEMPLATES only if another page wants the list too.
"""

from recognition import selectors


def announcements(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_required_announcements": list(selectors.unread_required_announcements(user)[:5])}

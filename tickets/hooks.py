"""The boundary where the ticket app announces things to the apps built on it.

Later apps (mailroom, agents, feedback) register here in their AppConfig.ready(); tickets never
imports them. This is the one exception to "no signals": dependencies stay one-way.
"""

from django.dispatch import Signal

# Sent inside the service's transaction; receivers queue their side effects with on_commit.
ticket_created = Signal()  # ticket, by
ticket_solved = Signal()  # ticket, by
ticket_reopened = Signal()  # ticket, by, from_status
ticket_closed = Signal()  # ticket, by (e.g. feedback surveys queues whose trigger is "closed")
public_reply_created = Signal()  # message
customer_message_created = Signal()  # message


def send_each(signal: Signal, *, sender: type, tickets: list, **named) -> None:
    """`signal` for each of many tickets (a bulk change), as `signal.send(sender, ticket=…, **named)` ticket by
    ticket would; a receiver that offers a batch form, `receiver.many(sender, tickets=[…], **named)`, is called
    once with all of them instead (e.g. feedback schedules 500 surveys in a few queries)."""
    if not tickets:
        return
    # Django has no public way to list a signal's receivers: `_live_receivers` is what `send` itself uses.
    sync_receivers, async_receivers = signal._live_receivers(sender)
    if async_receivers:
        for ticket in tickets:
            signal.send(sender=sender, ticket=ticket, **named)
        return
    for receiver in sync_receivers:
        many = getattr(receiver, "many", None)
        if many is not None:
            many(sender, tickets=tickets, **named)
            continue
        for ticket in tickets:
            receiver(signal=signal, sender=sender, ticket=ticket, **named)


# Callables (ticket, new_status) -> str | None: a message refusing the transition, or None.
# E.g. agents refuses closing a ticket that has a pending off-script request. A guard may offer a batch
# form for bulk changes, `guard.many(tickets, new_status) -> {ticket id: message}` (one query for all).
transition_guards: list = []

# Panels on the ticket page contributed by later apps: callables (request, ticket) -> dict | None with
# {"template": "...", "context": {...}, "order": int}. The ticket page renders them in its side column.
ticket_panels: list = []

# Navigation entries contributed by later apps: callables (request) -> list of {"label", "url"} plus
# optional "count" (a badge, refreshed after htmx actions), "key" and "group" (a menu dropdown:
# "me", "team", "reports" or "admin"; see tickets.context_processors.NAV_GROUPS).
nav_items: list = []

# Where a person lands after signing in: callables (request) -> a URL or None; the first URL wins, else the
# inbox (which opens on the team's tickets for leads and managers). E.g. agents: approvals that wait.
landing_pages: list = []

# The ticket page's thread, shaped by later apps: callables (queryset of Message) -> queryset, e.g. mailroom
# joins each message's e-mail so its renderer costs no query per message.
thread_queryset_hooks: list = []

# Rendering one thread message: callables (message) -> safe HTML, or None to leave it to the next one;
# mailroom folds quoted e-mail history and signatures. The default shows the sanitised HTML or the text.
message_body_renderers: list = []

# Labels of a history row's raw values, in the viewer's language: callables (event) -> (old, new) or None
# to leave it to the next one. E.g. agents labels its off-script codes ("approval_requested").
event_labelers: list = []

# Counts the menu shows (badges), contributed by later apps: callables (user) -> {name: queryset}. The
# navigation runs every app's queryset as one SQL query per page (tickets.selectors.badge_counts); a
# provider reads its number back with badge_counts(request)[name].
badge_queries: list = []
# Panels on the customer page contributed by later apps: callables (request, customer) -> dict | None, shaped
# like ticket_panels. E.g. privacy offers admins the export and the erasure of the customer's data.
customer_panels: list = []

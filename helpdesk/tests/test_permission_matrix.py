"""The permission matrix: every URL pattern of the URL conf (pages and API) × every persona → allowed or
denied, checked on real responses. Generated from the URL conf, so a new view without a rule FAILS here.

Where a view's rule comes from:
  1. RULES below (one line per URL name), when the view checks inside (object visibility, several roles);
  2. else the metadata the view declares: `@role_required(...)` / `@staff_required` record
     `.required_roles`, `portal.access.customer_required` records ("customer",), and DRF views their
     `permission_classes` (PERMISSION_RULES);
  3. else the test fails naming the view: classify it in RULES (or declare a role decorator).
On top of the role rule, the object in the path restricts further: a ticket (or its attachment, customer,
off-script action) of Support is denied to the agent of Billing (OBJECT_VISIBILITY).

Allowed: 2xx, a redirect that is not to a sign-in page, 400 (the view answered: bad input), or 405 for a
GET on a POST-only view. Denied: 401, 403, 404, 405, or a redirect to the staff or portal sign-in page.
Every denied cell is also tried with POST, PATCH and DELETE: refused (401/403/404/405, a form error 400, or a
redirect), and nothing in the database changed (row counts of every table, every ticket's state).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PERSONAS = ("anon", "customer", "agent", "other_agent", "lead", "manager", "admin")
Y, N = "Y", "N"

# Role rules, one letter per persona:    anon customer agent other lead manager admin
PUBLIC = (Y, Y, Y, Y, Y, Y, Y)
STAFF = (N, N, Y, Y, Y, Y, Y)
LEAD_UP = (N, N, N, N, Y, Y, Y)
MANAGER_UP = (N, N, N, N, N, Y, Y)
ADMIN = (N, N, N, N, N, N, Y)
CUSTOMER = (N, Y, N, N, N, N, N)
SIGNED_IN = (N, N, Y, Y, Y, Y, Y)  # any staff account (notices, preferences); customers have no account

ROLE_RULES = {
    frozenset({"agent", "lead", "manager", "admin"}): STAFF,
    frozenset({"lead", "manager", "admin"}): LEAD_UP,
    frozenset({"manager", "admin"}): MANAGER_UP,
    frozenset({"admin"}): ADMIN,
    frozenset({"customer"}): CUSTOMER,
}
PERMISSION_RULES = {
    "AllowAny": PUBLIC,
    "IsStaffMember": STAFF,
    "IsStaff": STAFF,
    "IsManagerOrAbove": MANAGER_UP,
    "IsAdmin": ADMIN,
}

# Views whose rule is not (only) their decorator: classified here. A NEW VIEW GOES HERE if it declares nothing.
RULES: dict[str, tuple] = {
    # public pages and endpoints
    "login": PUBLIC,
    "logout": PUBLIC,
    "healthz": PUBLIC,
    "livez": PUBLIC,
    "set_language": PUBLIC,
    "api-token": PUBLIC,
    "password_reset": PUBLIC,  # the same answer whether or not the address is known
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,  # the token in the path is the key
    "password_reset_complete": PUBLIC,
    "api-not-found": (N, N, N, N, N, N, N),  # any other address under /api/: a JSON 404 for everyone
    "feedback:survey": PUBLIC,  # the unguessable token is the key
    "feedback:thanks": PUBLIC,
    "feedback:unsubscribe": PUBLIC,
    "portal:start": PUBLIC,
    "portal:sign_in": PUBLIC,
    "portal:sign_out": PUBLIC,
    "tickets:public_form": PUBLIC,
    "tickets:public_form_sent": PUBLIC,
    "kb:help": PUBLIC,
    "kb:article": PUBLIC,  # a published public article
    "kb:feedback": PUBLIC,
    "kb:solved": PUBLIC,
    "kb-articles": PUBLIC,
    "kb-article": PUBLIC,
    "kb-suggest": PUBLIC,
    # any signed-in staff account
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "notices:list": SIGNED_IN,
    "notices:read": SIGNED_IN,
    "notices:email": SIGNED_IN,
    # mail: admins only (mailroom.access)
    "mailroom:outbox": ADMIN,
    "mailroom:outbox_message": ADMIN,
    "mailroom:outbox_message_html": ADMIN,
    "mailroom:outbox_message_raw": ADMIN,
    "mailroom:quarantine": ADMIN,
    "mailroom:quarantine_detail": ADMIN,
    "mailroom:quarantine_raw": ADMIN,
    "mailroom:quarantine_retry": ADMIN,
    "mailroom:quarantine_discard": ADMIN,
    "mailroom:ignored": ADMIN,
    "mailroom:ignored_to_ticket": ADMIN,
    "mailroom:ignored_allow": ADMIN,
    "mailroom:inline_attachment": STAFF,  # then the ticket's visibility (OBJECT_VISIBILITY)
    # off-script latitude
    "agents:approvals": LEAD_UP,
    "agents:delegate": LEAD_UP,
    "agents:mark_read": STAFF,
    "agents:audit": LEAD_UP,
    "agents:record": STAFF,
    "agents:approve": LEAD_UP,
    "agents:reject": LEAD_UP,
    "agents:cancel": STAFF,
    "discretion-me": STAFF,
    "offscript-action-list": STAFF,
    "offscript-action-detail": STAFF,
    "offscript-action-approve": STAFF,  # then "a lead or manager other than the requester" (400/403)
    "offscript-action-reject": STAFF,
    # surveys and reports
    "api-surveys": LEAD_UP,
    "api-reports-csat": LEAD_UP,
    "api-reports-operations": LEAD_UP,
    "feedback:mine": STAFF,
    "feedback:mark_read": STAFF,
    "feedback:list": LEAD_UP,
    "insights:dashboard": LEAD_UP,
    "insights:surveys": LEAD_UP,
    "insights:export": LEAD_UP,
    "insights:me": STAFF,
    "insights:operations": LEAD_UP,
    "insights:operations-tickets": LEAD_UP,
    "insights:operations-export": LEAD_UP,
    "insights:scorecard": STAFF,
    "insights:scorecard-agent": (N, N, Y, N, Y, Y, Y),  # the agent themselves, their lead, managers
    # colleagues
    "recognition:reviews_prepare": LEAD_UP,
    "recognition:review": (N, N, Y, N, Y, Y, Y),  # the agent, their lead, the department's manager, admins
    "recognition:review_reflection": (N, N, Y, N, N, N, N),
    "recognition:review_lead": (N, N, N, N, Y, Y, Y),
    "recognition:review_answer": (N, N, Y, N, N, N, N),
    "recognition:review_sign": (N, N, Y, N, Y, Y, Y),
    "recognition:review_pdf": (N, N, Y, N, Y, Y, Y),
    "recognition:announcement_new": LEAD_UP,
    "recognition:announcement_readers": LEAD_UP,
    "recognition:internal_rate": (N, N, N, N, N, N, N),  # only the requester of an internal request
    "recognition:internal_department": (N, N, Y, N, Y, Y, Y),  # Support's requests: its people and managers
    # integrations
    "api-automations": STAFF,  # agents may GET; writes need a manager (checked with POST below)
    "api-automation": STAFF,
    "api-me": STAFF,
    "api-ticket-fields": STAFF,
    "api-ticket-field": STAFF,
    "kb:report": LEAD_UP,
    "kb:composer_search": STAFF,
    # The matrix's article asks no department to confirm it: nobody has a list to see (kb/tests cover the rest).
    "kb:confirmations": (N, N, N, N, N, N, N),
    # Someone's out-of-office (the path names user 1, in Support): themselves, their lead, managers, admins.
    "automations:away-for": (N, N, Y, N, Y, Y, Y),
    "automations:away-cancel": (N, N, Y, N, Y, Y, Y),
    # The agent's personal saved view: theirs alone (others get a 404).
    "tickets:view_edit": (N, N, Y, N, N, N, N),
    "tickets:view_delete": (N, N, Y, N, N, N, N),
    # Single sign-on is not configured in the suite: its hand-shake sends everyone back to the sign-in page
    # (identity/tests drive it against a real provider).
    "oidc_authentication_init": (N, N, N, N, N, N, N),
    "oidc_authentication_callback": (N, N, N, N, N, N, N),
    "oidc_logout": PUBLIC,
}
# Views that must never be reached from the matrix's GET (they would change something on GET): none.

# What the object in the path is, by URL-name prefix (the longest prefix wins), and who may see it.
PK_SOURCES = {
    "api-ticket": "ticket",
    "offscript-action": "offscript",
    "kb-article": "article",
    "api-webhook": "webhook",
    "api-automation": "rule",
    "automations:": "rule",
    "api-ticket-field": "field",
    "mailroom:outbox": "outbox",
    "mailroom:quarantine": "quarantine",
    "mailroom:ignored": "ignored",
    "mailroom:inline": "attachment",
    "agents:": "offscript",
    "recognition:kudos": "kudos",
    "recognition:react": "kudos",
    "recognition:comment": "kudos",
    "recognition:review": "review",
    "recognition:announcement": "announcement",
    "portal:": "ticket",
    "portal:attachment": "attachment",
    "kb:": "article",
    "webhooks:": "webhook",
    "tickets:": "ticket",
    "tickets:attachment": "attachment",
    "tickets:customer": "customer",
    "tickets:view_": "saved_view",
    "api-customer": "customer",
    "privacy:": "customer",
}
# Support's objects: the agent of Billing may not see them (404), whatever the role rule says.
OBJECT_VISIBILITY = {"ticket", "attachment", "customer", "offscript"}
OTHER_AGENT = PERSONAS.index("other_agent")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), (namespace + entry.name) if entry.name else None, entry


def url_patterns():
    """Every pattern of the URL conf but Django's admin (its own permission system, tested by Django)."""
    for route, name, entry in _walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "^admin/")):
            continue
        if entry.callback.__module__ == "helpdesk.urls" and entry.callback.__name__ == "api_not_found":
            name = "api-not-found"
        yield route, name, entry


def declared_rule(entry) -> tuple | None:
    view = entry.callback
    roles = getattr(view, "required_roles", None)
    if roles:
        return ROLE_RULES.get(frozenset(str(r) for r in roles))
    cls = getattr(view, "cls", None)
    if cls is not None:
        names = {p.__name__ for p in getattr(cls, "permission_classes", ())} - {"IsAuthenticated"}
        for name in names:
            if name in PERMISSION_RULES:
                return PERMISSION_RULES[name]
    return None


def rule_for(name: str, entry) -> tuple | None:
    rule = RULES.get(name) or declared_rule(entry)
    if rule is None:
        return None
    kwargs = _kwarg_names(entry)
    if ("pk" in kwargs and _pk_source(name) in OBJECT_VISIBILITY) or "ticket_pk" in kwargs:
        rule = tuple(N if i == OTHER_AGENT else cell for i, cell in enumerate(rule))
    return rule


def _kwarg_names(entry) -> dict:
    return dict(entry.pattern.regex.groupindex)


def _pk_source(name: str) -> str | None:
    matches = [prefix for prefix in PK_SOURCES if name.startswith(prefix)]
    return PK_SOURCES[max(matches, key=len)] if matches else None


# --- the world the matrix runs in ----------------------------------------------------------------------


@pytest.fixture
def world(
    db,
    django_capture_on_commit_callbacks,
    agent,
    teammate,
    other_agent,
    lead,
    manager,
    admin_user,
    customer,
    ticket,
    support,
    billing_queue,
):
    from django.core.files.base import ContentFile

    from agents.models import OffscriptAction
    from automations.models import Rule
    from feedback.models import Survey, SurveySettings
    from feedback.tests.conftest import token_from_email
    from kb.models import Article
    from mailroom.models import InboundEmail, OutboxMessage, QuarantinedEmail
    from recognition.models import Review
    from recognition.tests.factories import AnnouncementFactory, KudosFactory
    from tickets.models import Attachment, Macro, SavedView, TicketField
    from tickets.services import add_message, solve_ticket
    from tickets.tests.factories import TicketFactory
    from webhooks.models import Webhook

    SurveySettings.objects.create(queue=ticket.queue, delay_seconds=0)
    solved = TicketFactory(queue=ticket.queue, customer=customer, assignee=agent, status="open")
    with django_capture_on_commit_callbacks(execute=True):
        solve_ticket(ticket=solved, by=agent)
    survey = Survey.objects.get(ticket=solved)
    token = token_from_email(survey.outbound)
    message = add_message(ticket=ticket, by=agent, body="We are on it.")
    attachment = Attachment(message=message, filename="a.txt", size=1, content_type="text/plain")
    attachment.file.save("a.txt", ContentFile(b"a"), save=False)
    attachment.save()
    from agents.tests.factories import kind

    objects = {
        "ticket": ticket,
        "attachment": attachment,
        "customer": customer,
        "macro": Macro.objects.create(name="Hello", body="Hello {{ customer.name }}") if _has(Macro) else None,
        "offscript": OffscriptAction.objects.create(
            ticket=ticket,
            agent=agent,
            kind=kind("refund"),
            amount="10.00",
            currency="EUR",
            reason="x",
            status="pending",
        ),
        "kudos": KudosFactory(giver=teammate, recipient=agent, message="Thanks"),
        "review": Review.objects.create(agent=agent, quarter="2026Q3", department=support, figures={}),
        "announcement": AnnouncementFactory(author=lead),
        "article": Article.objects.create(
            title="Refunds", body="<p>How</p>", language="en", visibility="public", published=True
        ),
        "webhook": Webhook.objects.create(url="https://hooks.example/x", events=["ticket.created"], secret="s" * 32),
        "outbox": OutboxMessage.objects.create(from_email="a@x", recipients="b@x", subject="s", raw="Subject: s\n\nhi"),
        "quarantine": QuarantinedEmail.objects.create(digest="d" * 64, raw=b"x", error="bad"),
        "ignored": InboundEmail.objects.create(message_id="<i@x>", status="ignored", from_email="noreply@x.example"),
        "survey": survey,
        "survey_token": token,
        "field": TicketField.objects.create(key="order-number", label="Order number"),
        "rule": Rule.objects.create(name="r", event="ticket_created", conditions=[], actions=[]),
        "saved_view": SavedView.objects.create(owner=agent, name="Mine, urgent", query={"view": "mine"}),
    }
    return objects


def _has(model) -> bool:
    return model is not None


def kwargs_for(name: str, entry, world) -> dict:
    values = {}
    for kwarg in _kwarg_names(entry):
        if kwarg == "pk":
            obj = world.get(_pk_source(name) or "")
            values[kwarg] = obj.pk if obj is not None else 1
        elif kwarg == "ticket_pk":
            values[kwarg] = world["ticket"].pk
        elif kwarg == "macro_pk":
            values[kwarg] = world["macro"].pk if world["macro"] else 1
        elif kwarg == "user_id":
            values[kwarg] = world["ticket"].assignee_id
        elif kwarg == "survey_pk":
            values[kwarg] = world["survey"].pk if world["survey"] else 1
        elif kwarg == "slug":
            values[kwarg] = world["ticket"].queue.department.slug
        elif kwarg == "key":
            values[kwarg] = "order-number"
        elif kwarg == "token" and name.startswith("feedback:"):
            values[kwarg] = world["survey_token"]
        elif kwarg in ("token", "delivery_id"):
            values[kwarg] = "x" * 32
        else:
            values[kwarg] = "1"
    return values


def path_for(route: str, name: str | None, entry, world) -> str:
    if name == "api-not-found":
        return "/api/no-such-thing/"
    kwargs = kwargs_for(name or "", entry, world)
    if name:
        try:
            return reverse(name, kwargs=kwargs or None)
        except Exception:  # noqa: BLE001 - a regex route without reverse(): filled in below
            pass
    path = "/" + route.lstrip("^").rstrip("$")
    for key, value in kwargs.items():
        path = path.replace(f"(?P<{key}>[0-9]{{1,18}})", str(value))
    return path


@pytest.fixture
def clients(world, agent, other_agent, lead, manager, admin_user, customer):
    from portal.access import SESSION_KEY

    out = {"anon": Client()}
    portal = Client()
    session = portal.session
    session[SESSION_KEY] = customer.pk
    session.save()
    out["customer"] = portal
    for persona, user in (
        ("agent", agent),
        ("other_agent", other_agent),
        ("lead", lead),
        ("manager", manager),
        ("admin", admin_user),
    ):
        client = Client()
        client.force_login(user)
        out[persona] = client
    return out


def _allowed(response, method: str) -> bool:
    code = response.status_code
    if 200 <= code < 300 or code == 400:
        return True
    if code in (301, 302, 303):
        return not _to_sign_in(response)
    return code == 405 and method == "GET"


def _denied(response) -> bool:
    code = response.status_code
    if code in (401, 403, 404, 405):
        return True
    return code in (301, 302, 303) and _to_sign_in(response)


def _to_sign_in(response) -> bool:
    location = response.get("Location", "")
    return "/accounts/login/" in location or location.rstrip("/").endswith("/portal") or "/portal/?" in location


def _snapshot():
    """Row counts of every table, and the ticket-shaped fields a write would change."""
    from tickets.models import Ticket

    counts = {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
    counts.pop("sessions.Session", None)
    counts.pop("axes.AccessAttempt", None)
    counts.pop("axes.AccessLog", None)
    counts.pop("axes.AccessFailureLog", None)
    tickets = list(Ticket.objects.order_by("pk").values_list("pk", "status", "assignee_id", "priority", "queue_id"))
    return counts, tickets


# --- the matrix -----------------------------------------------------------------------------------------


def test_every_view_has_a_permission_rule():
    unclassified = [
        f"{name or '(unnamed)'}  {route}  ({entry.callback.__module__}.{entry.callback.__name__})"
        for route, name, entry in url_patterns()
        if rule_for(name or "", entry) is None
    ]
    assert unclassified == [], (
        "Views without a permission rule: declare @role_required/@staff_required on the view, or add a line to "
        "RULES in helpdesk/tests/test_permission_matrix.py:\n  " + "\n  ".join(unclassified)
    )


def test_the_matrix_of_every_url_and_persona(world, clients, settings):
    from django.core.cache import cache

    settings.RATELIMIT_ENABLE = False
    wrong = []
    table = []
    for route, name, entry in url_patterns():
        rule = rule_for(name or "", entry)
        if rule is None:
            continue  # reported by test_every_view_has_a_permission_rule
        path = path_for(route, name, entry, world)
        row = []
        for persona, expected in zip(PERSONAS, rule, strict=True):
            cache.clear()
            response = clients[persona].get(path)
            ok = _allowed(response, "GET") if expected == Y else _denied(response)
            row.append(f"{expected}{response.status_code}")
            if not ok:
                wrong.append(
                    f"GET {path} as {persona}: expected {'allowed' if expected == Y else 'denied'}, got "
                    f"{response.status_code} {response.get('Location', '')}"
                )
        table.append(f"{name or route:<45} " + " ".join(f"{c:<5}" for c in row))
    header = f"{'view':<45} " + " ".join(f"{p[:5]:<5}" for p in PERSONAS)
    assert wrong == [], "\n".join(wrong) + "\n\n" + header + "\n" + "\n".join(table)


def test_denied_personas_cannot_write_anything(world, clients, settings):
    from django.core.cache import cache

    settings.RATELIMIT_ENABLE = False
    before = _snapshot()
    wrong = []
    for route, name, entry in url_patterns():
        rule = rule_for(name or "", entry)
        if rule is None:
            continue
        path = path_for(route, name, entry, world)
        for persona, expected in zip(PERSONAS, rule, strict=True):
            if expected == Y:
                continue
            for method in ("post", "patch", "delete"):
                cache.clear()
                response = getattr(clients[persona], method)(path, {}, content_type="application/json")
                # Refused: a denied status, a form error (400) or a redirect back with a message; the
                # snapshot below proves that nothing was written either way.
                if not (_denied(response) or response.status_code in (302, 400)):
                    wrong.append(f"{method.upper()} {path} as {persona}: got {response.status_code}")
    after = _snapshot()
    changed = {k: (before[0][k], after[0].get(k)) for k in before[0] if before[0][k] != after[0].get(k)}
    assert wrong == [] and changed == {} and before[1] == after[1], "\n".join(wrong) + f"\nchanged: {changed}"

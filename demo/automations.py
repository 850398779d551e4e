"""The three example time rules, off by default (idempotent)."""

from automations.models import Rule

EXAMPLES = [
    {
        "name": "Pending 3 business days: remind the customer",
        "event": "hourly",
        "conditions": [{"field": "hours_pending", "operator": "at_least", "value": 24}],
        "actions": [{"type": "email_customer", "value": "pending_reminder"}],
    },
    {
        "name": "Pending 7 business days: solve with a note",
        "event": "hourly",
        "conditions": [{"field": "hours_pending", "operator": "at_least", "value": 56}],
        "actions": [
            {"type": "email_customer", "value": "solved_notice"},
            {"type": "set_status", "value": "solved"},
        ],
    },
    {
        "name": "First response due within 1 hour and unassigned: notify the lead",
        "event": "hourly",
        "conditions": [
            {"field": "first_response_due_within", "operator": "within", "value": 1},
            {"field": "status", "operator": "is", "value": "new"},
        ],
        "actions": [{"type": "notify", "value": "lena"}],
    },
]


def seed(stdout=None) -> None:
    for position, example in enumerate(EXAMPLES, start=1):
        Rule.objects.get_or_create(
            name=example["name"], defaults={**example, "active": False, "position": 100 + position}
        )

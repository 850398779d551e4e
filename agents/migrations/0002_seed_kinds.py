"""The kinds of off-script action every installation starts with, and their reason codes (admins edit them)."""

from decimal import Decimal

from django.db import migrations

KINDS = [
    # slug, name, has_amount, hard ceiling, reason codes
    ("refund", "Refund", True, "2000.00", [("service-failure", "Service failure"), ("double-charge", "Charged twice"), ("late-delivery", "Late delivery")]),
    ("account-credit", "Account credit", True, "1000.00", [("inconvenience", "Inconvenience"), ("outage", "Outage compensation")]),
    ("fee-waiver", "Fee waiver", True, "500.00", [("late-fee", "Late fee"), ("cancellation-fee", "Cancellation fee")]),
    ("replacement", "Replacement or upgrade", True, "1500.00", [("defective", "Defective item"), ("wrong-item", "Wrong item sent"), ("upgrade", "Goodwill upgrade")]),
    ("goodwill", "Goodwill gesture", True, "300.00", [("loyal-customer", "Loyal customer"), ("bad-experience", "Bad experience")]),
    ("policy-exception", "Policy exception", False, "0.00", [("return-window", "Return window passed"), ("one-off", "One-off exception")]),
]


def seed(apps, schema_editor):
    Kind = apps.get_model("agents", "OffscriptKind")
    ReasonCode = apps.get_model("agents", "ReasonCode")
    for position, (slug, name, has_amount, ceiling, codes) in enumerate(KINDS):
        kind, _ = Kind.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "has_amount": has_amount,
                "currency": "EUR" if has_amount else "",
                "hard_ceiling": Decimal(ceiling),
                "position": position,
            },
        )
        for code, label in codes:
            ReasonCode.objects.get_or_create(kind=kind, code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("agents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

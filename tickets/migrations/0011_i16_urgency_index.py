"""The inbox's default order, most urgent first, as an index: a page of 25 reads the first matching rows in
order instead of sorting every match (330 ms for a filtered page at 1,000,000 tickets). The expressions are
tickets.models.sla_due_expression and priority_rank_expression, as tickets.ordering sorts by them
(tickets/tests/test_ordering.py checks PostgreSQL reads this index for that order). PostgreSQL only: SQLite
cannot hold NULLS LAST in an index."""

import django.db.models.functions.comparison
from django.db import migrations, models


def urgency_index():
    return models.Index(models.OrderBy(models.Case(models.When(models.Q(('status__in', ['new', 'open']), ('first_response_at__isnull', True), ('first_response_due__isnull', False), ('resolution_due__isnull', False)), then=django.db.models.functions.comparison.Least('first_response_due', 'resolution_due')), models.When(models.Q(('status__in', ['new', 'open']), ('first_response_at__isnull', True), ('first_response_due__isnull', False)), then=models.F('first_response_due')), models.When(models.Q(('status__in', ['new', 'open'])), then=models.F('resolution_due')), default=models.Value(None), output_field=models.DateTimeField()), nulls_last=True), models.OrderBy(models.Case(models.When(priority='low', then=models.Value(0)), models.When(priority='normal', then=models.Value(1)), models.When(priority='high', then=models.Value(2)), models.When(priority='urgent', then=models.Value(3)), default=models.Value(0), output_field=models.IntegerField()), descending=True), models.OrderBy(models.F('updated_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='ticket_urgency_idx')


def add_urgency_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("tickets", "Ticket"), urgency_index())


def drop_urgency_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticket_urgency_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0010_merge_20261202_1705"),
    ]

    operations = [
        migrations.RunPython(add_urgency_index, drop_urgency_index),
    ]

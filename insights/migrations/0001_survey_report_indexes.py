"""Moved (h11): the survey report indexes are feedback's (feedback/migrations/0003_h11_report_indexes.py
renames the ones this migration created on existing databases). Kept, empty, so migration history holds.

Originally:
Covering indexes for the satisfaction reports, on feedback's survey table (PostgreSQL only).

The feedback app owns the table; these indexes serve only the dashboards, so they live here. Each
report filters surveys by `sent_at` (the period) and optionally by department or agent, and reads only
agent, department, queue and rating: with those INCLUDEd, PostgreSQL answers from the index alone.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = []

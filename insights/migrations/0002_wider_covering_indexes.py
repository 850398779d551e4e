"""Moved (h11): the survey report indexes are feedback's (feedback/migrations/0003_h11_report_indexes.py
renames the ones this migration created on existing databases). Kept, empty, so migration history holds.

Originally:
Wider covering indexes, so the whole dashboard (not only the per-agent table) reads the index alone.

- the period index also carries id, ticket_id and solved_at (off-script comparison, reopen rate);
- partial indexes for the comment lists (answered surveys with a comment) and the low-rating reasons.

PostgreSQL only; SQLite (development, quick tests) has no INCLUDE and needs none at its sizes.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_survey_report_indexes")]

    operations = []

from django.core.management.base import BaseCommand, CommandError

from helpdesk.errors import DomainError
from recognition import services
from recognition.quarters import Quarter


class Command(BaseCommand):
    help = "Prepare every agent's quarterly review from the data (idempotent), e.g. --quarter 2026Q3."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", help="e.g. 2026Q3; default: the quarter that ended last")
        parser.add_argument("--only-missing", action="store_true", help="leave existing reviews as they are")

    def handle(self, *args, quarter=None, only_missing=False, **options):
        try:
            q = Quarter.parse(quarter) if quarter else Quarter.current().previous
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        counts = services.prepare_reviews(quarter=q, only_missing=only_missing)
        self.stdout.write(
            f"Reviews for {q}: {counts['created']} created, {counts['refreshed']} refreshed, {counts['kept']} kept."
        )

"""`python manage.py poll_imap [--url imap://user:pass@host/INBOX]`: one IMAP poll now (beat runs it every minute)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mailroom.imap import poll_mailbox, redact


class Command(BaseCommand):
    help = "Fetch unseen mail from the IMAP mailbox, store it, then mark or move it."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="defaults to IMAP_URL")
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, **options):
        url = options["url"] or settings.IMAP_URL
        if not url:
            raise CommandError("Set IMAP_URL (imap://user:pass@host:143/INBOX) or pass --url.")
        try:
            report = poll_mailbox(url=url, limit=options["limit"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"{redact(url)}: {exc}") from exc
        except Exception as exc:  # imaplib.IMAP4.error and friends
            raise CommandError(f"{redact(url)}: {type(exc).__name__}: {exc}") from exc
        self.stdout.write(f"{report.fetched} fetched: {report.outcomes or '-'}")
        for error in report.errors:
            self.stderr.write(error)

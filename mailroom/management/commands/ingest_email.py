"""`python manage.py ingest_email < message.eml` (a mail server's pipe) or `--file message.eml [...]`."""

import sys

from django.core.management.base import BaseCommand, CommandError

from mailroom.ingest import ingest_email
from mailroom.models import InboundSource


class Command(BaseCommand):
    help = "Ingest raw e-mail: one message on standard input, or one message per --file."

    def add_arguments(self, parser):
        parser.add_argument("--file", action="append", default=[], help="a .eml file (repeatable)")

    def handle(self, *args, **options):
        if options["file"]:
            sources = []
            for path in options["file"]:
                try:
                    with open(path, "rb") as handle:
                        sources.append((path, handle.read(), InboundSource.FILE))
                except OSError as exc:
                    raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        else:
            sources = [("stdin", sys.stdin.buffer.read(), InboundSource.PIPE)]
        for name, raw, source in sources:
            result = ingest_email(raw=raw, source=source)
            if result.inbound is not None:
                ticket = result.inbound.ticket
                where = f" → {ticket.reference}" if ticket else ""
                detail = f" ({result.inbound.ignore_reason})" if result.inbound.ignore_reason else ""
                self.stdout.write(f"{name}: {result.outcome}{where}{detail}")
            else:
                # Quarantined is stored, not lost: the mail server must not bounce it, so exit 0.
                self.stdout.write(f"{name}: quarantined ({result.quarantined.error})")

"""Demo e-mail: a few customers write in (several languages, a reply with quoted history, an inline
image, an auto-reply that is ignored, one unreadable message in quarantine), and an agent answers one
of them, so the outbox holds a threaded reply to click through. Idempotent: Message-IDs dedupe."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.models import User

from mailroom.ingest import ingest_email
from mailroom.models import InboundEmail, InboundSource, InboundStatus, OutboundEmail, OutboundKind
from mailroom.samples import SampleMail
from tickets import services as ticket_services

DEMO_MESSAGES = 16
REPLY = "Thank you for writing to us. We have found your order and the refund is on its way: you will see it within three working days."


def seed(stdout) -> None:
    samples = SampleMail(seed=31, customers=60)
    outcomes: Counter[str] = Counter()
    for i in range(DEMO_MESSAGES):
        raw = samples.message(i).replace(b"sample-", b"demo-mail-")
        outcomes[ingest_email(raw=raw, source=InboundSource.FILE).outcome] += 1
    outcomes[ingest_email(raw=samples._malformed(DEMO_MESSAGES), source=InboundSource.FILE).outcome] += 1

    agent = User.objects.filter(username="ana").first()
    first = (
        InboundEmail.objects.filter(status=InboundStatus.CREATED, message_id__startswith="<demo-mail-")
        .select_related("ticket")
        .order_by("id")
        .first()
    )
    if (
        agent is not None
        and first is not None
        and not OutboundEmail.objects.filter(ticket=first.ticket, kind=OutboundKind.REPLY).exists()
    ):
        ticket_services.add_message(ticket=first.ticket, by=agent, body=REPLY)
    summary = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
    stdout.write(f"Mail: {DEMO_MESSAGES + 1} demo e-mails ingested ({summary}).")

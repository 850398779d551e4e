"""The demo's e-mail: tickets from e-mail, an ignored auto-reply, a quarantined message, a reply in the outbox."""

import io

import pytest

from demo import mailroom as demo
from mailroom.models import InboundEmail, OutboundEmail, QuarantinedEmail
from tickets.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_mail_is_seeded_once(queues, django_capture_on_commit_callbacks):
    UserFactory(username="ana", role="agent", department=queues[0].department)

    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(io.StringIO())
    counts = (InboundEmail.objects.count(), QuarantinedEmail.objects.count(), OutboundEmail.objects.count())
    demo.seed(io.StringIO())

    assert counts[0] >= 10
    assert counts[1] >= 1
    assert OutboundEmail.objects.filter(kind="reply").count() == 1
    assert OutboundEmail.objects.filter(kind="acknowledgement").count() == counts[2] - 1 >= 1
    assert (InboundEmail.objects.count(), QuarantinedEmail.objects.count(), OutboundEmail.objects.count()) == counts
    assert InboundEmail.objects.filter(status="created").exists()
    assert OutboundEmail.objects.get(kind="reply").status == "sent"  # into the local outbox

"""Real-world mail from another project's test suite: every message of CPython's `Lib/test/test_email/data/`
(copied into corpus/cpython, PSF licence) is stored, ignored or quarantined — none lost, never a traceback."""

from pathlib import Path

import pytest

from mailroom.ingest import ingest_email
from mailroom.models import InboundEmail, InboundSource, QuarantinedEmail

pytestmark = pytest.mark.django_db

CPYTHON = sorted((Path(__file__).parent / "corpus" / "cpython").glob("msg_*.txt"))


def test_the_corpus_is_there():
    assert len(CPYTHON) >= 40


@pytest.mark.parametrize("path", CPYTHON, ids=[p.name for p in CPYTHON])
def test_every_message_of_cpythons_email_corpus_is_kept(queues, path, caplog):
    raw = path.read_bytes()

    result = ingest_email(raw=raw, source=InboundSource.TEST)

    assert result.outcome in ("created", "appended", "ignored", "duplicate", "quarantined")
    assert result.stored
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    if result.quarantined is not None:
        assert bytes(QuarantinedEmail.objects.get(pk=result.quarantined.pk).raw) == raw
        assert result.quarantined.error
    else:
        assert bytes(InboundEmail.objects.get(pk=result.inbound.pk).raw) == raw


def test_the_whole_corpus_in_one_mailbox_loses_nothing(queues):
    outcomes = [ingest_email(raw=p.read_bytes(), source=InboundSource.TEST).outcome for p in CPYTHON]

    kept = InboundEmail.objects.count() + QuarantinedEmail.objects.count()
    assert kept == len(CPYTHON) - outcomes.count("duplicate")
    # The copies of msg_01 share a Message-ID; those whose content differs are each stored.
    assert InboundEmail.objects.filter(message_id="<15090.61304.110929.45684@aaa.zzz.org>").count() >= 2
    # Only MIME fragments with no sender at all are held, and each says so.
    for item in QuarantinedEmail.objects.all():
        assert item.error.startswith(("no valid sender address", "no e-mail headers found")), item.error

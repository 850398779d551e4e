"""Mailroom's test helpers: the corpus of e-mails, a private media folder, ingest shortcuts."""

from pathlib import Path

import pytest

from mailroom.ingest import ingest_email
from mailroom.models import InboundSource

CORPUS = Path(__file__).parent / "corpus"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def ingest(name: str, **replace: str):
    raw = corpus(name)
    for old, new in replace.items():
        raw = raw.replace(old.encode(), new.encode())
    return ingest_email(raw=raw, source=InboundSource.TEST)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def queues(support_queue, billing_queue):
    """Support is the default queue (first created); billing@latitude.example routes to Billing."""
    return support_queue, billing_queue

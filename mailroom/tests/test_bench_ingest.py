"""`python -m bench ingest --quick` runs end to end (speed is reported by the benchmark, never asserted)."""

import subprocess
import sys
from pathlib import Path

import pytest

from bench import ingest as bench_ingest
from mailroom.parsing import parse_email
from mailroom.samples import SampleMail

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_quick_ingest_benchmark_stores_its_folder_and_prints_the_figure():
    result = subprocess.run(
        [sys.executable, "-m", "bench", "ingest", "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=900
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert "e-mails parsed and stored" in result.stdout
    assert "300 mixed messages" in result.stdout
    for outcome in ("created", "appended", "ignored", "duplicate"):
        assert outcome in result.stdout


def test_the_sample_mail_mixes_every_kind_and_parses():
    samples = SampleMail(seed=5)
    raws = [samples.message(i) for i in range(400)]

    parsed = [parse_email(raw) for raw in raws if b"\r\nFrom: " in b"\r\n" + raw]
    assert any(p.in_reply_to for p in parsed)
    assert any(p.automated for p in parsed)
    assert any(p.html and not p.text for p in parsed)
    assert any(a.content_id for p in parsed for a in p.attachments)
    assert len({p.from_email.rsplit(".", 1)[-1] for p in parsed}) >= 5  # several countries' senders


def test_the_benchmark_uses_a_database_of_its_own(monkeypatch, tmp_path):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.example:5432/latitude")
    assert bench_ingest.bench_database_url(tmp_path) == "postgres://app@db.example:5432/latitude_ingest_bench"
    monkeypatch.delenv("DATABASE_URL")
    assert bench_ingest.bench_database_url(tmp_path).startswith("sqlite:///")

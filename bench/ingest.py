"""E-mail ingestion: `python -m bench ingest [--quick] [--messages N]`.

Writes a folder of N mixed messages (default 10,000; 300 with --quick) built from the test corpus's
patterns (mailroom.samples: eight charsets, QP and base64, HTML-only, alternative and related parts,
encoded attachment names, replies with quotes, auto-replies, bounces, bulk, malformed mail and
duplicates), then reads the folder and stores every message with `mailroom.ingest.ingest_email`, one
transaction per message as in production, and reports messages per second parsed and stored.

The database is one of its own: with DATABASE_URL on PostgreSQL, `<name>_ingest_bench` (dropped and
created afresh; BENCH_DATABASE_URL overrides), else a SQLite file in a temporary folder. The work
runs in a child process so that Django is set up for that database only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = 10_000
QUICK = 300


def extra_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument("--child", default="")
    known, _rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return known


def bench_database_url(workdir: Path) -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'ingest.sqlite3'}"
    if os.environ.get("BENCH_DATABASE_URL"):
        return url
    parts = urllib.parse.urlsplit(url)
    name = (parts.path.lstrip("/") or "latitude") + "_ingest_bench"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def recreate_postgres(url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def drop_postgres(url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    connection = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')
    connection.close()


def run(args) -> list[dict]:
    count = extra_options().messages or (QUICK if args.quick else FULL)
    workdir = Path(tempfile.mkdtemp(prefix="latitude-ingest-bench-"))
    url = bench_database_url(workdir)
    postgres = url.startswith("postgres")
    try:
        if postgres and not os.environ.get("BENCH_DATABASE_URL"):
            recreate_postgres(url)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "LATITUDE_VAR_DIR": str(workdir / "var"),
            "MEDIA_ROOT": str(workdir / "media"),
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        }
        env.pop("EMAIL_URL", None)
        env.pop("IMAP_URL", None)
        result = subprocess.run(
            [sys.executable, "-m", "bench.ingest", "--child", str(workdir), "--messages", str(count)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            raise SystemExit(f"ingest benchmark: the child process failed ({result.returncode})")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if postgres and not os.environ.get("BENCH_DATABASE_URL"):
            drop_postgres(url)
    database = "PostgreSQL" if postgres else "SQLite"
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(figures["outcomes"].items()))
    return [
        {
            "benchmark": "ingest",
            "measure": f"e-mails parsed and stored ({database})",
            "value": f"{figures['stored_per_second']:.0f}",
            "unit": "messages/s",
            "note": f"{figures['messages']} mixed messages in {figures['stored_seconds']:.1f} s: {outcomes}; "
            f"{figures['cpu_ms_per_message']:.1f} ms of Python CPU each; load average {figures['load']:.1f}",
        },
        {
            "benchmark": "ingest",
            "measure": "e-mails parsed only (no database)",
            "value": f"{figures['parsed_per_second']:.0f}",
            "unit": "messages/s",
            "note": f"{figures['megabytes']:.1f} MB read from {figures['messages']} files",
        },
    ]


def child(workdir: Path, count: int) -> dict:
    """Runs in the child process: set up the database, write the folder, then parse and store it."""
    import django

    django.setup()
    from django.core.management import call_command

    from mailroom.ingest import ingest_email
    from mailroom.models import InboundSource
    from mailroom.parsing import UnparseableEmail, parse_email
    from mailroom.samples import SampleMail
    from tickets.models import Department, Queue

    call_command("migrate", verbosity=0)
    support = Department.objects.get_or_create(slug="support", defaults={"name": "Support"})[0]
    billing = Department.objects.get_or_create(slug="billing", defaults={"name": "Billing"})[0]
    Queue.objects.get_or_create(
        slug="general", defaults={"name": "General", "department": support, "email_address": "support@latitude.example"}
    )
    Queue.objects.get_or_create(
        slug="billing", defaults={"name": "Billing", "department": billing, "email_address": "billing@latitude.example"}
    )

    folder = workdir / "messages"
    folder.mkdir(parents=True, exist_ok=True)
    samples = SampleMail(seed=2026)
    for i in range(count):
        (folder / f"{i:06d}.eml").write_bytes(samples.message(i))
    files = sorted(folder.iterdir())

    size = 0
    started = time.perf_counter()
    for path in files:
        raw = path.read_bytes()
        size += len(raw)
        try:
            parse_email(raw)
        except UnparseableEmail:
            pass
    parsed_seconds = time.perf_counter() - started

    outcomes: Counter[str] = Counter()
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in files:
        outcomes[ingest_email(raw=path.read_bytes(), source=InboundSource.TEST).outcome] += 1
    stored_seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    return {
        "messages": len(files),
        "megabytes": size / 1e6,
        "parsed_per_second": len(files) / parsed_seconds,
        "stored_seconds": stored_seconds,
        "stored_per_second": len(files) / stored_seconds,
        "cpu_ms_per_message": 1000 * cpu_seconds / len(files),
        "load": os.getloadavg()[0],
        "outcomes": dict(outcomes),
    }


if __name__ == "__main__":
    options = extra_options()
    if not options.child:
        raise SystemExit("run it as `python -m bench ingest`")
    print(json.dumps(child(Path(options.child), options.messages or QUICK)))

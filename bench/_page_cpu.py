"""CPU per request of one page, in-process: `python -m bench._page_cpu PATH [N] [USERNAME]`.

Serves PATH N times (default 150) through Django's test client as USERNAME (default bench_support_2,
an agent of the workbench's data) with the settings of the environment (point DATABASE_URL at a
workbench database, DEBUG=0), after five warm-up requests, and prints the wall time and the process's
CPU time per request. CPU time moves far less than throughput when a neighbour loads the machine,
which makes it the number to compare between two trees on a shared machine (docs/speed.md).
(A leading underscore keeps `python -m bench` from taking this module for a benchmark.)
"""

from __future__ import annotations

import os
import sys
import time


def measure(path: str, n: int, username: str) -> tuple[float, float]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    for _ in range(5):
        response = client.get(path, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise SystemExit(f"{path}: status {response.status_code}")
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        client.get(path, HTTP_HOST="127.0.0.1")
    return (time.perf_counter() - wall) / n * 1000, (time.process_time() - cpu) / n * 1000


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    django.setup()
    n = int(argv[1]) if len(argv) > 1 else 150
    wall, cpu = measure(argv[0], n, argv[2] if len(argv) > 2 else "bench_support_2")
    print(f"{argv[0]}: {wall:.2f} ms wall, {cpu:.2f} ms CPU per request in-process")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

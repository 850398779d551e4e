"""Helpers for the tests that run a benchmark end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_benchmark(*args: str, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """`python -m bench <args>` from the project root, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )

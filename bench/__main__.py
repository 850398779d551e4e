"""`make bench` / `python -m bench [name ...]`: runs Latitude's benchmarks and prints one table.

Each module in bench/ that defines `run(args) -> list[dict]` is a benchmark; every dict is a row
with the keys `benchmark`, `measure`, `value`, `unit` and optionally `reference`, `ratio`, `note`.
"""

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path


def discover() -> dict:
    found = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("_"):
            continue
        mod = importlib.import_module(f"bench.{module.name}")
        if hasattr(mod, "run"):
            found[module.name] = mod
    return found


def print_table(rows: list[dict]) -> None:
    columns = ["benchmark", "measure", "value", "unit", "reference", "ratio", "note"]
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c) for i, c in enumerate(columns)]
    print("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |")


def parse_table(text: str) -> list[list[str]]:
    """The rows `print_table` printed, as lists of cells (for tests that run a benchmark)."""
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith("| benchmark")
    ]


def main(argv=None) -> int:
    benches = discover()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all): {', '.join(benches)}")
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets to load (workbench)")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the benchmark itself runs")
    args, _rest = parser.parse_known_args(argv)
    rows: list[dict] = []
    for name in args.names or list(benches):
        if name not in benches:
            parser.error(f"unknown benchmark {name!r}")
        print(f"== {name}", file=sys.stderr)
        rows.extend(benches[name].run(args))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

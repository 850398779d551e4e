"""CSV that spreadsheets open safely: a cell starting with = + - @ (or a tab/CR) is quoted with a leading '."""

from __future__ import annotations

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


class SafeWriter:
    """`csv.writer` whose rows are made safe cell by cell."""

    def __init__(self, fileobj, **kwargs):
        self._writer = csv.writer(fileobj, **kwargs)

    def writerow(self, row) -> object:
        return self._writer.writerow([safe_cell(v) for v in row])

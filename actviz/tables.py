"""Tables of numbers as CSV, TSV or JSON text: exact (round-trip) floats, no pandas."""
from __future__ import annotations

import csv
import io
import json
import math
from typing import Sequence

FORMATS = ("csv", "tsv", "json")


def _cell(v) -> str:
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
    return str(v)


def _json_value(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def format_table(columns: Sequence[str], rows: Sequence[Sequence], fmt: str) -> str:
    """Rows under named columns, as CSV/TSV (shortest exact floats) or JSON records (non-finite -> null)."""
    if fmt == "json":
        records = [{c: _json_value(v) for c, v in zip(columns, r)} for r in rows]
        return json.dumps(records, indent=1) + "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([_cell(v) for v in r])
    return buf.getvalue()

"""Tables of numbers as CSV, TSV or JSON text: exact (round-trip) floats, no pandas.

Conventions, the same in every table actviz writes: CSV/TSV cells hold ``nan``, ``inf`` and
``-inf`` for non-finite numbers (what pgfplots and numpy read); JSON, which has no such
numbers, holds ``null``. Column names are made of letters, digits, ``_``, ``.`` and ``-``
only (:func:`column_name`), so pgfplots reads them as ``y=f_elu_alpha_0.5`` without quoting.
"""
from __future__ import annotations

import csv
import io
import json
import math
from typing import Sequence

FORMATS = ("csv", "tsv", "json")


def column_name(text: str, taken: set[str] | None = None) -> str:
    """``text`` as a column name pgfplots reads without quoting: every run of characters other
    than letters, digits, ``_``, ``.`` and ``-`` becomes one ``_`` (``f[elu:alpha=0.5]`` ->
    ``f_elu_alpha_0.5``); a name already in ``taken`` gets ``_2``, ``_3``, ... (and is added)."""
    import re

    name = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text).strip("_") or "column"
    if taken is None:
        return name
    unique, k = name, 2
    while unique in taken:
        unique, k = f"{name}_{k}", k + 1
    taken.add(unique)
    return unique


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

"""The CLI shell: list, plot and data end to end, and one-line errors with the right status."""
from __future__ import annotations

import csv
import io
import json
import math

import pytest


def test_list_table_and_json(actviz):
    table = actviz("list")
    assert table.exit_code == 0
    assert "sigmoid" in table.stdout and "FAMILY" in table.stdout
    js = actviz("list", "--json", "--family", "sigmoidal")
    data = json.loads(js.stdout)
    assert data and all(entry["family"] == "sigmoidal" for entry in data)
    assert {"name", "aliases", "formula", "parameters", "properties"} <= set(data[0])


def test_data_csv_is_exact(actviz):
    r = actviz("data", "relu", "elu:alpha=0.5", "--x", "-1,0,2.5")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["x", "f_relu", "df_relu", "f_elu_alpha_0.5", "df_elu_alpha_0.5"]
    assert float(rows[1][3]) == 0.5 * math.expm1(-1.0)
    assert rows[3][1:3] == ["2.5", "1.0"]


def test_data_json_to_file(actviz, tmp_path):
    out = tmp_path / "sub" / "d.json"
    r = actviz("data", "tanh", "--xlim", "-1", "1", "--samples", "3", "-o", out)
    assert r.exit_code == 0, r.stderr
    records = json.loads(out.read_text())
    assert [rec["x"] for rec in records] == [-1.0, 0.0, 1.0]
    assert records[1]["df_tanh"] == 1.0


@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
def test_plot_writes_each_format(actviz, tmp_path, ext):
    out = tmp_path / f"p.{ext}"
    r = actviz("plot", "sigmoid", "tanh", "-o", out)
    assert r.exit_code == 0, r.stderr
    head = out.read_bytes()[:8]
    assert head.startswith({"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}[ext])


@pytest.mark.parametrize("args, fragment", [
    (["plot", "relu7", "-o", "x.png"], "did you mean"),
    (["plot", "elu:beta=1", "-o", "x.png"], "no parameter 'beta'"),
    (["plot", "elu:alpha=abc", "-o", "x.png"], "must be a number"),
    (["plot", "elu:alpha=-1", "-o", "x.png"], "out of range"),
    (["plot", "relu", "-o", "x.bmp"], "unsupported extension"),
    (["plot", "relu", "--xlim", "3", "1", "-o", "x.png"], "bad x range"),
    (["plot", "relu", "--samples", "1", "-o", "x.png"], "samples"),
    (["plot", "relu", "--size", "huge", "-o", "x.png"], "bad size"),
    (["data", "relu", "--x", "1,zz"], "must be a number"),
    (["plot", "-o", "x.png"], "no activation"),
    (["nosuchcommand"], "No such command"),
])
def test_user_mistakes_exit_2_in_one_line(actviz, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    r = actviz(*args)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x.bmp").exists()

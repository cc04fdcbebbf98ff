"""Start-up stays light: help and list never import matplotlib (or the other heavy modules)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "PIL", "imageio", "av", "sympy", "torch", "numpy")

PROBE = """
import json, sys
from actviz import cli
try:
    cli.main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.write(json.dumps({"code": code, "heavy": sorted(m for m in sys.modules if m.split('.')[0] in %r)}))
""" % (HEAVY,)


@pytest.mark.parametrize("args", [["--help"], ["list"], ["list", "--json"], ["list", "--gain"], ["--version"]] +
                         [[name, "--help"] for name in ("plot", "data", "list", "depth", "loss", "optim")])
def test_light_commands_import_nothing_heavy(args):
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0
    allowed = {"numpy"} if args[0] == "list" else set()  # the catalogue itself is numpy functions
    heavy = [m for m in report["heavy"] if m.split(".")[0] not in allowed]
    assert heavy == [], f"actviz {' '.join(args)} imported {sorted({m.split('.')[0] for m in heavy})}"

"""Start-up stays light: help and list never import numpy, matplotlib (or the other heavy modules)."""
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
    # the catalogue is numpy functions, but numpy loads only when one runs (actviz/core/lazy.py);
    # list --gain computes the gains by quadrature, with numpy
    allowed = {"numpy"} if "--gain" in args else set()
    heavy = [m for m in report["heavy"] if m.split(".")[0] not in allowed]
    assert heavy == [], f"actviz {' '.join(args)} imported {sorted({m.split('.')[0] for m in heavy})}"


def test_catalogue_functions_still_evaluate_after_a_light_start():
    """numpy arrives on the first evaluation, in the same process that listed without it."""
    code = ("import sys; from actviz.core.registry import current; acts = current().all(); "
            "assert 'numpy' not in sys.modules; import numpy as np; "
            "f = current().get('tanh'); x = np.linspace(-3, 3, 7); "
            "assert np.array_equal(f.f(x), np.tanh(x)) and np.allclose(f.df(x), 1 - np.tanh(x) ** 2); "
            "print(len(acts))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 40


def test_training_figures_need_no_mathtext(tmp_path):
    """Unicode primes, not $x'$: building mathtext's grammar costs 40-70 ms on the first draw."""
    code = ("import sys; from actviz.cli import main\n"
            "for args in (['train', '--steps', '5', '--frames', '2', '--view', 'both', '-o', sys.argv[1]],\n"
            "             ['boundary', 'relu@3', '--steps', '5', '--units', '-o', sys.argv[2]]):\n"
            "    try:\n        main(['-q', *args])\n    except SystemExit as exc:\n        assert not exc.code\n"
            "from matplotlib.mathtext import MathTextParser\nprint(MathTextParser._parser is None)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "t.gif"), str(tmp_path / "b.png")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "True"  # (boundary --units prints its segment counts first)


def test_only_the_program_itself_skips_the_last_collection():
    """As the program (no argv) main() freezes the collector's objects before exit (a full pass
    over everything matplotlib made costs 0.15 s); called with argv, in a longer-lived process, not."""
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: sys.stderr.write(f'FROZEN {gc.get_freeze_count() > 0}'))\n"
            "from actviz.cli import main\n"
            "if sys.argv[1] == 'program':\n    sys.argv = ['actviz', '--version']\n    main()\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n")
    for how, frozen in (("program", "True"), ("library", "False")):
        done = subprocess.run([sys.executable, "-c", code, how], capture_output=True, text=True, timeout=120)
        assert done.stderr.rsplit("FROZEN ", 1)[1] == frozen, (how, done.stderr)

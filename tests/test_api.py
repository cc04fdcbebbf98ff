"""The Python API: the README's example runs; figures without pyplot; typed, documented functions."""
from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from actviz import api

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, "README's Python API section has no python example"
    return blocks[0]


@pytest.mark.slow
def test_readme_example_runs_without_pyplot(tmp_path):
    probe = _readme_example() + (
        "\nimport json, sys\n"
        "print(json.dumps({'pyplot': 'matplotlib.pyplot' in sys.modules, 'manager': repr(fig.canvas.manager)}))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no warnings either
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"pyplot": False, "manager": "None"}
    pdf = (tmp_path / "mish2.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Type3" not in pdf
    assert "[0. 2.] [0. 1.]" in done.stdout  # the values the comment promises


def test_public_functions_are_typed_and_documented():
    functions = [getattr(api, name) for name in api.__all__ if inspect.isfunction(getattr(api, name))]
    assert len(functions) >= 8
    for fn in functions:
        sig = inspect.signature(fn)
        missing = [p.name for p in sig.parameters.values() if p.annotation is inspect.Parameter.empty]
        assert not missing, f"api.{fn.__name__}: parameters without type hints: {missing}"
        assert sig.return_annotation is not inspect.Signature.empty, f"api.{fn.__name__} has no return type"
        assert fn.__doc__ and fn.__doc__.strip(), f"api.{fn.__name__} has no docstring"


def test_define_expression_matches_the_builtin_mish():
    act = api.define("mish2=x*tanh(log(1+exp(x)))")
    assert act.name == "mish2"
    x = np.linspace(-20, 20, 401)
    mine, builtin = api.curves(["mish2", "mish"], x=x)
    assert np.allclose(mine.y, builtin.y, rtol=1e-13, atol=1e-15)
    assert np.allclose(mine.dy, builtin.dy, rtol=1e-12, atol=1e-15)


def test_figures_are_plain_figures_with_their_own_canvas():
    from matplotlib.figure import Figure

    fig = api.plot_figure(["relu", "expr:x*sigmoid(x)"], styles=["paper"], size=api.figure_size("column"))
    assert isinstance(fig, Figure) and fig.canvas.manager is None
    assert tuple(fig.get_size_inches()) == pytest.approx((221 / 72.27, 221 / 72.27 * 0.68))
    assert "matplotlib.pyplot" not in sys.modules


def test_figure_size_and_styles():
    assert api.figure_size("page") == pytest.approx((452 / 72.27, 452 / 72.27 * 0.46))
    assert api.figure_size("ieee-column") == pytest.approx((252 / 72.27, 252 / 72.27 * 0.68))
    assert api.figure_size("10x5cm") == pytest.approx((10 / 2.54, 5 / 2.54))
    assert api.figure_size("81mmx50mm") == pytest.approx((81 / 25.4, 50 / 25.4))
    assert api.figure_size("229.5ptx150pt") == pytest.approx((229.5 / 72.27, 150 / 72.27))
    assert api.figure_size("4", ratio=0.5) == (4.0, 2.0)
    assert {"default", "paper", "slides", "dark"} <= set(api.styles())


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for legend in (*fig.legends, *(ax.get_legend() for ax in fig.axes)) if legend
            for t in legend.get_texts()]


def test_a_function_drawn_twice_names_its_varied_parameter_on_every_curve():
    """Two curves of one function are told apart: the default one names its value too (a bare "Leaky ReLU"
    beside "Leaky ReLU (negative_slope=0.2)" would not say which slope it has); a function drawn once keeps
    its short label, and an explicit label wins."""
    fig = api.plot_figure(["leaky_relu", "leaky_relu:negative_slope=0.2", "relu", "elu:alpha=2"])
    assert sorted(_legend_texts(fig)) == ["ELU (alpha=2)", "Leaky ReLU (negative_slope=0.01)",
                                          "Leaky ReLU (negative_slope=0.2)", "ReLU"]
    losses = api.loss_figure(["bce", "focal", "focal:gamma=5"])
    assert sorted(_legend_texts(losses)) == ["Binary cross-entropy", "Focal (gamma=2)", "Focal (gamma=5)"]
    mine = api.plot_figure(["leaky_relu; label=plain", "leaky_relu:negative_slope=0.2"])
    assert sorted(_legend_texts(mine)) == ["Leaky ReLU (negative_slope=0.2)", "plain"]

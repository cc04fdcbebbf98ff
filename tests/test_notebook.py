"""actviz in a real Jupyter kernel (nbclient + ipykernel, test-only): figures display as images, and
the notebook's backend, rcParams and pyplot keep working as they did."""
from __future__ import annotations

import base64
import io
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

SETUP = """
import json, sys, matplotlib
def snapshot():  # every rcParam but the backend, which reading would resolve (importing pyplot)
    return {k: repr(matplotlib.rcParams[k]) for k in matplotlib.rcParams if k != "backend"}
"""


def _run(cells: list[str], tmp_path: Path, monkeypatch) -> list[dict]:
    """Execute ``cells`` in a fresh python3 kernel, with this tree's actviz; the outputs of each cell."""
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel chooses the inline backend itself
    nbformat = pytest.importorskip("nbformat", reason="needs nbformat (pip install nbclient ipykernel)")
    nbclient = pytest.importorskip("nbclient", reason="needs nbclient (pip install nbclient ipykernel)")
    pytest.importorskip("ipykernel", reason="needs ipykernel (pip install nbclient ipykernel)")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP)] +
                                  [nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    return [cell.outputs for cell in nb.cells[1:]]


def _images(outputs: list[dict]) -> list[bytes]:
    return [base64.b64decode(o["data"]["image/png"]) for o in outputs
            if o.get("output_type") in ("display_data", "execute_result") and "image/png" in o.get("data", {})]


def _printed(outputs: list[dict]) -> dict:
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    return json.loads(text.strip().splitlines()[-1])


def _size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        return im.size


def test_in_a_notebook_with_pyplot_figures_show_and_the_inline_backend_keeps_working(tmp_path, monkeypatch):
    outputs = _run([
        # the user's notebook: pyplot in use (its first figure sets interactive mode), then a snapshot
        "import matplotlib.pyplot as plt\n"
        "plt.plot([0, 1], [0, 1]);",
        "backend = matplotlib.get_backend(); before = snapshot()\n"
        "print(json.dumps({'backend': backend}))",
        # the API's figure, as the last expression of a cell
        "import actviz.api as av\n"
        "fig = av.plot_figure(['relu', 'gelu'], styles=['paper'], size=av.figure_size('column'))\n"
        "fig",
        # the user's own pyplot figure right after: still shown inline
        "plt.plot([0, 1], [1, 0]);",
        # into the user's own Axes
        "f, (a, b) = plt.subplots(1, 2, figsize=(6, 2.5))\n"
        "av.plot_figure(['relu', 'tanh'], ax=a)\n"
        "av.boundary_figure(['relu@3'], steps=30, count=60, ax=b);",
        "after = snapshot()\n"
        "print(json.dumps({'backend': matplotlib.get_backend(), 'changed': sorted(k for k in before\n"
        "                  if before[k] != after.get(k))}))",
    ], tmp_path, monkeypatch)
    assert len(_images(outputs[0])) == 1
    first = _printed(outputs[1])
    assert "inline" in first["backend"], first
    assert len(_images(outputs[2])) == 1  # the actviz figure, as an image, not "<Figure size ...>"
    w, h = _size(_images(outputs[2])[0])
    assert w > 200 and h > 100
    assert len(_images(outputs[3])) == 1  # plt.plot still draws inline
    assert len(_images(outputs[4])) == 1  # the user's figure with actviz's panels in it
    last = _printed(outputs[5])
    assert last["backend"] == first["backend"]
    assert last["changed"] == []  # the notebook's rcParams are as they were


def test_in_a_notebook_without_pyplot_the_figure_still_shows_as_an_image(tmp_path, monkeypatch):
    outputs = _run([
        "import actviz.api as av\n"
        "before = snapshot()\n"
        "fig = av.warp_figure(av.warp_result(['relu', 'tanh'], [2, 5], points=200), styles=['paper'])\n"
        "fig",
        "after = snapshot()\n"
        "print(json.dumps({'pyplot': 'matplotlib.pyplot' in sys.modules, 'changed': sorted(k for k in before\n"
        "                  if before[k] != after.get(k))}))",
    ], tmp_path, monkeypatch)
    images = _images(outputs[0])
    assert len(images) == 1
    assert _size(images[0])[0] > 200
    report = _printed(outputs[1])
    assert report == {"pyplot": False, "changed": []}

"""Third-party activations through the ``actviz.activations`` entry-point group, end to end:
a tiny plugin package is built and installed (into a folder of its own, put on PYTHONPATH for
the subprocesses, so the shared environment never sees it) and appears in ``actviz list``."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap

import pytest

PLUGIN = '''
import numpy as np
from actviz.activations import Activation, Properties

ACTIVATIONS = [Activation(
    name="plugin_half_relu", title="Half ReLU", family="relu",
    f=lambda x: 0.5 * np.maximum(x, 0.0), df=lambda x: 0.5 * (x > 0),
    latex=r"$f(x)=\\max(0,x)/2$", kinks=(0.0,), source="plugin",
    props=Properties(range=(0.0, float("inf")), monotonic=True, zero_centred=False, smooth=False,
                     bounded=False, max_slope=0.5),
)]
'''

PYPROJECT = '''
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "actviz-test-plugin"
version = "0.1"

[project.entry-points."actviz.activations"]
half = "actviz_test_plugin:ACTIVATIONS"
broken = "actviz_test_plugin:NO_SUCH_THING"

[tool.setuptools]
py-modules = ["actviz_test_plugin"]
'''


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("plugin")
    src, site = root / "src", root / "site"
    src.mkdir()
    (src / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT))
    (src / "actviz_test_plugin.py").write_text(textwrap.dedent(PLUGIN))
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                           "--no-index", "--disable-pip-version-check", "--target", str(site), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    yield site
    # nothing was installed into the shared environment; tmp_path_factory removes the folder


def _actviz(site, *args):
    env = dict(os.environ, PYTHONPATH=str(site))
    return subprocess.run([sys.executable, "-m", "actviz", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.mark.slow
def test_plugin_appears_in_list_and_works_in_commands(plugin_path):
    done = _actviz(plugin_path, "list", "--json")
    assert done.returncode == 0, done.stderr
    entries = {e["name"]: e for e in json.loads(done.stdout)}
    assert entries["plugin_half_relu"]["family"] == "relu" and entries["plugin_half_relu"]["source"] == "plugin"
    assert "relu" in entries  # the built-ins are still there
    # the broken entry point is reported in one line and skipped
    assert done.stderr.strip().splitlines() == [
        "actviz: warning: plugin 'broken' skipped: module 'actviz_test_plugin' has no attribute 'NO_SUCH_THING'"]
    table = _actviz(plugin_path, "list")
    assert "plugin_half_relu" in table.stdout
    data = _actviz(plugin_path, "data", "plugin_half_relu", "--x", "-1,3")
    rows = list(csv.reader(io.StringIO(data.stdout)))
    assert rows[1:] == [["-1.0", "0.0", "0.0"], ["3.0", "1.5", "0.5"]]


@pytest.mark.slow
def test_without_the_plugin_the_name_is_unknown():
    done = subprocess.run([sys.executable, "-m", "actviz", "data", "plugin_half_relu", "--x", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "unknown activation 'plugin_half_relu'" in done.stderr

"""Nothing a run sets outlives it: budgets, verbosity, definitions and registrations belong to one
context, and a refused request changes nothing on disk (the four reproductions of the house issue)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from actviz import activations, api, context
from actviz.context import Context, Limits
from actviz.errors import UserError


def test_a_cli_budget_does_not_outlive_its_run(actviz, tmp_path):
    r = actviz("--max-megapixels", "0.01", "-q", "plot", "relu", "--size", "3x2", "--dpi", "100",
                "-o", tmp_path / "x.png")
    assert r.exit_code == 2 and "--max-megapixels" in r.stderr
    assert context.current().limits == Limits() and context.current().verbosity == 0
    fig = api.plot_figure(["relu"], size=(3, 2), dpi=100)  # 0.06 megapixels: fine under the default budget
    assert fig.get_size_inches().tolist() == [3, 2]


def test_a_context_limits_the_api_inside_its_block_only():
    with Context(limits=Limits(max_megapixels=0.01)):
        with pytest.raises(UserError, match="megapixels"):
            api.plot_figure(["relu"], size=(3, 2), dpi=100)
    api.plot_figure(["relu"], size=(3, 2), dpi=100)


def test_a_definition_stays_in_its_run(actviz, tmp_path):
    r = actviz("data", "mine", "--define", "mine=x*2", "--x", "1")
    assert r.exit_code == 0 and r.stdout.splitlines()[1] == "1.0,2.0,2.0"
    r = actviz("data", "mine", "--x", "1")
    assert r.exit_code == 2 and "unknown activation 'mine'" in r.stderr
    with pytest.raises(UserError, match="unknown activation"):
        api.activation("mine")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_entry_definition_is_its_own_on_any_worker_count(actviz, tmp_path, jobs):
    (tmp_path / "s.toml").write_text(textwrap.dedent("""
        [[figure]]
        title = "a"
        command = "plot"
        args = ["mine", "--define", "mine=x*tanh(x)"]
        output = "a.png"

        [[figure]]
        title = "b uses a's name"
        command = "plot"
        args = ["mine"]
        output = "b.png"
    """))
    r = actviz("render", "-j", jobs, tmp_path / "s.toml")
    # each entry is checked in a context of its own before anything is drawn: b cannot see a's name
    assert r.exit_code == 2 and "figure 2 (b.png): key 'args': unknown activation 'mine'" in r.stderr
    assert not (tmp_path / "a.png").exists() and not (tmp_path / "b.png").exists()
    (tmp_path / "s.toml").write_text((tmp_path / "s.toml").read_text().replace('args = ["mine"]', 'args = ["tanh"]'))
    r = actviz("render", "-j", jobs, tmp_path / "s.toml")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "a.png").exists() and (tmp_path / "b.png").exists()


def test_registering_first_keeps_the_built_ins():
    probe = textwrap.dedent("""
        import numpy as np
        from actviz import activations as A
        A.register(A.Activation(name="twice", title="Twice", family="other", f=lambda x: 2 * x,
                                df=lambda x: np.full_like(x, 2.0), latex="$2x$",
                                props=A.Properties((-np.inf, np.inf), True, True, True, False, 2.0)))
        print(A.get("relu").name, A.get("twice").name, len(A.catalogue()))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    relu, twice, count = done.stdout.split()
    assert (relu, twice) == ("relu", "twice") and int(count) == len(activations.catalogue()) + 1, done.stderr


def test_a_registration_in_a_context_stays_there():
    with Context():
        activations.register(activations.Activation(
            name="twice", title="Twice", family="other", f=lambda x: 2 * x, df=lambda x: 0 * x + 2.0,
            latex="$2x$", props=activations.Properties((-1, 1), True, True, True, False, 2.0)))
        assert activations.get("twice").name == "twice"
    with pytest.raises(UserError):
        activations.get("twice")


def test_a_refused_request_creates_no_folder(actviz, tmp_path):
    target = tmp_path / "newdir" / "sub" / "x.gif"
    r = actviz("train", "--hidden", "a", "-o", target)
    assert r.exit_code == 2 and "hidden layer size" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_good_request_creates_its_folder(actviz, tmp_path):
    target = tmp_path / "newdir" / "sub" / "x.png"
    r = actviz("plot", "relu", "-o", target)
    assert r.exit_code == 0, r.stderr
    assert target.exists()

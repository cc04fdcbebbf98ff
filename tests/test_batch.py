"""actviz render: spec validation, staleness, the worker pool, failures and the summary."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from actviz import context, progress
from actviz.gallery import manifest, pool
from actviz.gallery.spec import load_spec


REAL_FINGERPRINT = manifest.code_fingerprint


@pytest.fixture(autouse=True)
def steady_code(monkeypatch):
    """Pin the package's fingerprint, so that an edit elsewhere during a test cannot make outputs stale."""
    monkeypatch.setattr(manifest, "code_fingerprint", lambda package=None: "c" * 64)


def write_spec(folder: Path, body: str, name: str = "spec.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


TWO = """
[index]
title = "Two"

[[figure]]
title = "Sigmoid"
command = "plot"
args = ["sigmoid", "--size", "3x2", "--dpi", "60"]
output = "sig.png"

[[figure]]
title = "ReLU"
command = "plot"
args = ["relu", "--size", "3x2", "--no-derivative"]
output = "relu.svg"
"""


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``folder`` -> (mtime in ns, SHA-256)."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def outputs(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.suffix in (".png", ".svg", ".pdf", ".gif")}


def test_render_then_nothing_is_touched(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO)
    r = actviz("render", spec, "-j", "1")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("rendered 2, up to date 0, failed 0")
    assert (tmp_path / "sig.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in (tmp_path / "relu.svg").read_bytes()
    assert {"README.md", "index.html", ".spec.manifest.json"} <= {p.name for p in tmp_path.iterdir()}
    before = snapshot(tmp_path)
    time.sleep(0.01)  # a rewrite would show in the nanosecond mtimes
    again = actviz("render", spec)
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == "rendered 0, up to date 2, failed 0"
    assert snapshot(tmp_path) == before


def test_manifest_records_the_bytes_rendered(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO)
    assert actviz("render", spec, "-j", "1").exit_code == 0
    manifest = json.loads((tmp_path / ".spec.manifest.json").read_text())
    assert set(manifest["outputs"]) == {"sig.png", "relu.svg"}
    for name, record in manifest["outputs"].items():
        assert record["sha256"] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()


def test_only_the_changed_entry_is_rendered(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO)
    assert actviz("render", spec, "-j", "1").exit_code == 0
    relu_before = snapshot(tmp_path)["relu.svg"]
    write_spec(tmp_path, TWO.replace('"--dpi", "60"', '"--dpi", "61"'))
    r = actviz("render", spec, "-j", "1")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("rendered 1, up to date 1, failed 0")
    assert snapshot(tmp_path)["relu.svg"] == relu_before


def test_a_new_title_rewrites_the_indexes_only(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO)
    assert actviz("render", spec, "-j", "1").exit_code == 0
    before = snapshot(tmp_path)
    write_spec(tmp_path, TWO.replace('title = "ReLU"', 'title = "Rectified linear unit"'))
    r = actviz("render", spec)
    assert r.stdout.strip() == "rendered 0, up to date 2, failed 0; wrote README.md, index.html"
    after = snapshot(tmp_path)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"README.md", "index.html", "spec.toml"}
    assert "Rectified linear unit" in (tmp_path / "index.html").read_text()


def test_edited_or_missing_outputs_are_rendered_again(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO)
    assert actviz("render", spec, "-j", "1").exit_code == 0
    good = (tmp_path / "relu.svg").read_bytes()
    (tmp_path / "sig.png").unlink()
    (tmp_path / "relu.svg").write_text("clobbered")
    plan = manifest.plan(load_spec(spec))
    assert sorted((e.output, why) for e, why in plan.stale) == [
        ("relu.svg", "file changed since it was rendered"), ("sig.png", "missing")]
    r = actviz("render", spec, "-j", "1")
    assert r.stdout.startswith("rendered 2, up to date 0")
    assert (tmp_path / "relu.svg").read_bytes() == good


def test_a_code_change_makes_everything_stale(actviz, tmp_path, monkeypatch):
    spec = write_spec(tmp_path, TWO)
    assert actviz("render", spec, "-j", "1").exit_code == 0
    monkeypatch.setattr(manifest, "code_fingerprint", lambda package=None: "0" * 64)
    plan = manifest.plan(load_spec(spec))
    assert [why for _, why in plan.stale] == ["entry or code changed"] * 2


def test_library_versions_are_part_of_the_key(tmp_path, monkeypatch):
    spec = load_spec(write_spec(tmp_path, TWO))
    env = manifest.environment()
    assert set(env) == {"actviz", "code", *manifest.DRAWING_LIBRARIES}
    keys = {manifest.entry_key(e, env) for e in spec.entries}
    other = dict(env, matplotlib="0.0")
    assert keys.isdisjoint(manifest.entry_key(e, other) for e in spec.entries)


def test_code_fingerprint_follows_sources_only(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "styles").mkdir(parents=True)
    (pkg / "a.py").write_bytes(b"x = 1\n")
    (pkg / "styles" / "s.mplstyle").write_bytes(b"lines.linewidth: 2\n")
    first = REAL_FINGERPRINT(pkg)
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"junk")
    (pkg / "notes.txt").write_text("not code")
    (pkg / "a.py").write_bytes(b"x = 1\r\n")  # a Windows checkout
    assert REAL_FINGERPRINT(pkg) == first
    (pkg / "styles" / "s.mplstyle").write_bytes(b"lines.linewidth: 3\n")
    assert REAL_FINGERPRINT(pkg) != first
    (pkg / "styles" / "s.mplstyle").write_bytes(b"lines.linewidth: 2\n")
    (pkg / "a.py").rename(pkg / "b.py")
    assert REAL_FINGERPRINT(pkg) != first


def test_dry_run_lists_and_writes_nothing(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO)
    r = actviz("render", spec, "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == ["stale: sig.png (missing)", "stale: relu.svg (missing)", "stale 2, up to date 0"]
    assert {p.name for p in tmp_path.iterdir()} == {"spec.toml"}


def test_force_renders_everything_to_the_same_bytes(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO)
    assert actviz("render", spec, "-j", "1").exit_code == 0
    before = {k: v[1] for k, v in snapshot(tmp_path).items()}
    r = actviz("render", spec, "-j", "1", "--force")
    assert r.stdout.startswith("rendered 2, up to date 0")
    assert {k: v[1] for k, v in snapshot(tmp_path).items()} == before


FIGURE = '[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu"]\noutput = "ok.png"\n'


@pytest.mark.parametrize("body, fragments", [
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nagrs = ["relu"]\noutput = "x.png"\n', ["figure 2 (x.png)", "'agrs'"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plott"\nargs = ["relu"]\noutput = "x.png"\n', ["figure 2", "'command'", "plott"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = "relu"\noutput = "x.png"\n', ["figure 2", "'args'", "list of strings"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu", 3]\noutput = "x.png"\n', ["figure 2", "'args'"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu"]\n', ["figure 2", "missing key 'output'"]),
    ('[[figure]]\ncommand = "plot"\nargs = ["relu"]\noutput = "x.png"\n', ["figure 2", "missing key 'title'"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu"]\noutput = "OK.png"\n', ["figure 2", "'output'", "figure 1"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu"]\noutput = "../x.png"\n', ["figure 2", "'output'", "relative"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu"]\noutput = "/tmp/x.png"\n', ["figure 2", "'output'"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu", "-o", "y.png"]\noutput = "x.png"\n', ["figure 2", "'args'", "'-o'"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu", "--xlimit", "3"]\noutput = "x.png"\n', ["figure 2 (x.png)", "'args'", "--xlimit"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu", "--layout", "spiral"]\noutput = "x.png"\n', ["figure 2", "'args'", "--layout"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu", "--xlim", "1"]\noutput = "x.png"\n', ["figure 2", "'args'", "--xlim"]),
    ('[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu", "--help"]\noutput = "x.png"\n', ["figure 2", "'args'"]),
    ('[[figure]]\ntitle = "t"\ncommand = "list"\nargs = []\noutput = "x.png"\n', ["figure 2", "'command'", "writes no file"]),
    ('[[figure]]\ntitle = "t"\ncommand = "render"\nargs = ["a.toml"]\noutput = "x.png"\n', ["figure 2", "'command'"]),
    ('[index]\ntitel = "x"\n', ["[index]", "'titel'"]),
    ('[index]\nhtml = "ok.png"\n', ["[index]", "figure 1"]),
    ('[figures]\nx = 1\n', ["unknown top-level key 'figures'"]),
    ('[[figure]\n', ["not valid TOML"]),
])
def test_an_invalid_spec_renders_nothing(actviz, tmp_path, body, fragments):
    spec = write_spec(tmp_path, FIGURE + body)
    r = actviz("render", spec, "-j", "1")
    assert r.exit_code == 2, r.stderr
    message = r.stderr.strip()
    assert message.count("\n") == 0 and message.startswith("actviz: error: ")
    for fragment in fragments:
        assert fragment in message
    assert {p.name for p in tmp_path.iterdir()} == {"spec.toml"}


def test_a_spec_without_figures_or_file(actviz, tmp_path):
    assert "no figures" in actviz("render", write_spec(tmp_path, '[index]\ntitle = "x"\n')).stderr
    r = actviz("render", tmp_path / "missing.toml")
    assert r.exit_code == 2 and "does not exist" in r.stderr


DIVERGES = ('\n[[figure]]\ntitle = "bad"\ncommand = "boundary"\n'
            'args = ["relu", "--lr", "1e30", "--optimizer", "sgd", "--steps", "30", "--count", "20"]\noutput = "bad.png"\n')
"""An entry that passes every check and fails at run time (its training diverges)."""


def test_a_failing_entry_does_not_stop_the_others(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO + DIVERGES)
    r = actviz("render", spec, "-j", "1")
    assert r.exit_code == 1
    assert r.stdout.strip() == "rendered 2, up to date 0, failed 1; wrote README.md, index.html"
    assert "bad.png: training diverged" in r.stderr
    assert r.stderr.strip().endswith("1 of 3 figures failed: bad.png")
    assert outputs(tmp_path) == {"sig.png", "relu.svg"}
    assert set(json.loads((tmp_path / ".spec.manifest.json").read_text())["outputs"]) == {"sig.png", "relu.svg"}
    again = actviz("render", spec, "-j", "1")
    assert again.exit_code == 1 and again.stdout.startswith("rendered 0, up to date 2, failed 1")


def test_global_budgets_reach_every_entry(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO)
    r = actviz("--max-megapixels", "0.01", "render", spec, "-j", "1")
    assert r.exit_code == 2  # found while checking the entries, before any drawing
    assert r.stderr.count("limit 0.01") == 1 and "figure 1 (sig.png)" in r.stderr
    assert not outputs(tmp_path)


def test_relative_inputs_resolve_in_the_spec_folder(actviz, tmp_path, monkeypatch):
    (tmp_path / "thick.mplstyle").write_text("lines.linewidth: 4\n")
    spec = write_spec(tmp_path, TWO.replace('"--no-derivative"', '"--no-derivative", "--style", "thick.mplstyle"'))
    monkeypatch.chdir(tmp_path.parent)
    r = actviz("render", spec, "-j", "1")
    assert r.exit_code == 0, r.stderr
    assert os.getcwd() == str(tmp_path.parent)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_relative_spec_path_from_elsewhere(actviz, tmp_path, monkeypatch, jobs):
    folder = tmp_path / "figs"
    folder.mkdir()
    write_spec(folder, TWO)
    monkeypatch.chdir(tmp_path)
    r = actviz("render", "figs/spec.toml", "-j", jobs)
    assert r.exit_code == 0, r.stderr
    assert outputs(folder) == {"sig.png", "relu.svg"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figs"]


def test_the_pool_gives_the_bytes_of_one_process(actviz, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    body = TWO + '\n[[figure]]\ntitle = "pdf"\ncommand = "plot"\nargs = ["tanh"]\noutput = "tanh.pdf"\n'
    for folder, jobs in ((one, "1"), (two, "2")):
        folder.mkdir()
        r = actviz("render", write_spec(folder, body), "-j", jobs)
        assert r.exit_code == 0, r.stderr
        assert r.stdout.startswith("rendered 3, up to date 0, failed 0")
    assert {k: v[1] for k, v in snapshot(one).items()} == {k: v[1] for k, v in snapshot(two).items()}


def test_the_pool_reports_failures_per_entry(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO + DIVERGES)
    r = actviz("render", spec, "-j", "2")
    assert r.exit_code == 1
    assert "bad.png: training diverged" in r.stderr
    assert outputs(tmp_path) == {"sig.png", "relu.svg"}


def test_quiet_prints_errors_only(actviz, tmp_path):
    spec = write_spec(tmp_path, TWO)
    r = actviz("-q", "render", spec, "-j", "1")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    assert outputs(tmp_path) == {"sig.png", "relu.svg"}


def test_the_terminal_bar_shows_figures_and_frames(monkeypatch):
    import io

    from actviz.cli.render import _Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    with _Progress() as show:
        show("start", 2)
        show("frame", ("a.gif", 3, 10))
        show("done", pool.Outcome("b.png", False, "unknown activation 'relu7'"))
        show("done", pool.Outcome("a.gif", True, sha256="0" * 64))
    text = term.getvalue()
    assert "a.gif 3/10" in text and "50%" in text and "100%" in text
    assert "actviz: b.png: unknown activation 'relu7'" in text


def test_the_start_method_is_explicit():
    assert pool.start_method() in ("forkserver", "spawn")


def test_progress_reports_each_frame_to_the_batch(monkeypatch):
    seen = []
    with context.Context(reporter=lambda done, total: seen.append((done, total))):
        assert list(progress.track(iter("abc"), 3)) == ["a", "b", "c"]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert list(progress.track(range(2), 2)) == [0, 1]  # no terminal: silent


def run_subprocess(*args, cwd, **kw):
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.run([sys.executable, "-m", "actviz", *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, **kw)


def test_nothing_to_do_is_fast_and_imports_no_drawing_library(tmp_path):
    spec = write_spec(tmp_path, TWO)
    # A fresh process, timed from its first actviz import. The fingerprint is still computed
    # (and timed) but pinned, since others may edit the package between the two runs.
    probe = ("import sys, time; t = time.perf_counter(); from actviz import cli\nfrom actviz.gallery import manifest\n"
             "real = manifest.code_fingerprint\n"
             "manifest.code_fingerprint = lambda package=None: (real(package), 'c' * 64)[1]\n"
             "try:\n    cli.main(['render', '-j', '1', sys.argv[1]])\nexcept SystemExit as e:\n    code = e.code\n"
             "print(code, round(time.perf_counter() - t, 3), "
             "sorted(m for m in ('matplotlib', 'numpy', 'PIL', 'actviz.cli.plot') if m in sys.modules))")
    first = subprocess.run([sys.executable, "-c", probe, str(spec)], capture_output=True, text=True, timeout=60)
    assert first.stdout.startswith("rendered 2"), first.stderr
    r = subprocess.run([sys.executable, "-c", probe, str(spec)], capture_output=True, text=True, timeout=60)
    summary, probed = r.stdout.splitlines()
    assert summary == "rendered 0, up to date 2, failed 0"
    code, seconds, heavy = probed.split(" ", 2)
    assert code == "0", r.stderr
    assert heavy.strip() == "[]"
    assert float(seconds) < 0.5


@pytest.mark.slow
def test_sigterm_mid_batch_leaves_no_temporary_file(tmp_path):
    body = "".join(f'[[figure]]\ntitle = "{i}"\ncommand = "plot"\nargs = ["sigmoid", "tanh", "relu", "--samples", '
                   f'"20001", "--dpi", "{150 + i}"]\noutput = "f{i}.png"\n\n' for i in range(12))
    spec = write_spec(tmp_path, body)
    proc = subprocess.Popen([sys.executable, "-m", "actviz", "render", str(spec), "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    manifest = tmp_path / ".spec.manifest.json"
    while not outputs(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # signal as soon as the first figure is in place: the batch is mid-way
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    leftovers = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert leftovers == []
    # what was finished is recorded in the manifest, the rest is left for the next run
    done = outputs(tmp_path)
    assert len(done) < 12
    records = json.loads(manifest.read_text())["outputs"] if manifest.exists() else {}
    # a figure renamed into place just before the signal may not be recorded yet: it is simply stale
    assert set(records) <= done
    for name in done:
        assert records[name]["sha256"] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    r = run_subprocess("render", spec, "-j", "2", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert len(outputs(tmp_path)) == 12

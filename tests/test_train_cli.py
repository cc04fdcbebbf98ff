"""``actviz train`` end to end: the animation's properties, the training log, repeatability,
what the frames show, and one-line refusals that leave no file behind."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from matplotlib.lines import Line2D
from PIL import Image

from actviz import api
from actviz.core import datasets, net
from actviz.cli import train as cmd
from actviz.render import training as render
from actviz.render.figure import rc_context

QUICK = ["--steps", "60", "--frames", "6", "--count", "120"]


def frames_of(path):
    with Image.open(path) as im:
        durations, frames = [], []
        for i in range(im.n_frames):
            im.seek(i)
            durations.append(im.info.get("duration"))  # GIF only; Pillow does not report WebP's
            frames.append(np.array(im.convert("RGB")))
        return im.format, im.size, durations, im.info.get("loop"), frames


def test_gif_frames_durations_loop_and_size(actviz, tmp_path):
    out = tmp_path / "relu.gif"
    r = actviz("train", "relu", *QUICK, "--duration", "80", "--hold", "900", "--loop", "2", "-o", out)
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""  # not a terminal: no progress bar
    fmt, size, durations, loop, frames = frames_of(out)
    assert fmt == "GIF" and size == (480, 510)
    assert durations == [80] * 5 + [900] and loop == 2
    assert not np.array_equal(frames[0], frames[-1])  # the network moved


def test_webp_both_views_and_repeatable_bytes(actviz, tmp_path):
    a, b = tmp_path / "a.webp", tmp_path / "b.webp"
    for out in (a, b):
        r = actviz("train", "tanh", "--view", "both", *QUICK, "-o", out)
        assert r.exit_code == 0, r.stderr
    fmt, size, _, _, frames = frames_of(a)
    assert fmt == "WEBP" and len(frames) == 6 and size == (880, 490)
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("ext", [".apng", ".mp4", ".webm"])
def test_every_format_from_the_command_line(actviz, tmp_path, ext):
    """The other formats end to end: quiet, decodable, one frame per snapshot (a video repeats the hold)."""
    import imageio.v3 as iio

    out = tmp_path / f"relu{ext}"
    r = actviz("train", "relu", *QUICK, "--hold", "500", "-o", out)
    assert r.exit_code == 0 and r.stderr == "", r.stderr
    if ext == ".apng":
        frames = list(iio.imiter(out, extension=".png"))
        assert len(frames) == 6 and frames[0].shape[:2] == (510, 480)
    else:
        frames = list(iio.imiter(out, plugin="pyav"))
        assert len(frames) == 5 + 5 and frames[0].shape == (510, 480, 3)  # 10 fps: the 500 ms hold is 5 frames
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_latex_frames_from_the_command_line(actviz, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = actviz("train", "relu", *QUICK, "--loop", "1", "--format", "animate", "-o", "figs/relu")
    assert r.exit_code == 0 and r.stderr == "", r.stderr
    names = sorted(p.name for p in (tmp_path / "figs" / "relu").iterdir())
    assert names == ["animation.tex", *(f"frame-{i:03d}.png" for i in range(6))]
    tex = (tmp_path / "figs" / "relu" / "animation.tex").read_text()
    assert "[controls,poster=5," in tex and "% step 60" in tex  # played once; poster: the trained network


@pytest.mark.parametrize("ext", ["csv", "json"])
def test_log_is_the_training_curve(actviz, tmp_path, ext):
    log = tmp_path / f"curve.{ext}"
    r = actviz("train", *QUICK, "--log", log, "-o", tmp_path / "x.gif")
    assert r.exit_code == 0, r.stderr
    text = log.read_text()
    rows = json.loads(text) if ext == "json" else list(csv.DictReader(io.StringIO(text)))
    assert [int(row["step"]) for row in rows] == list(range(61))
    loss = np.array([float(row["loss"]) for row in rows])
    acc = np.array([float(row["accuracy"]) for row in rows])
    assert loss[-1] < loss[0] and np.all((0 <= acc) & (acc <= 1))
    run = api.train("relu", steps=60, frames=6, count=120)  # the same defaults and seed
    assert loss[0] == pytest.approx(run.snapshots[0].loss) and loss[-1] == pytest.approx(run.final.loss)


def test_more_classes_in_the_input_view(actviz, tmp_path):
    out = tmp_path / "blobs.gif"
    r = actviz("train", "elu", "--data", "blobs", "--classes", "3", "--view", "input", *QUICK, "-o", out)
    assert r.exit_code == 0, r.stderr
    assert frames_of(out)[0] == "GIF"


def test_logit_frame_puts_each_point_at_its_two_scores():
    """Oracle: the drawn points are net.forward of the data at that snapshot,
    and every point above the diagonal is one the network calls red."""
    run = api.train("relu", steps=80, frames=4, count=100)
    with rc_context(()):
        source = render.TrainingFrames(run, view="logit")
        snap = run.snapshots[2]
        rgba = source.render(snap)
        assert rgba.shape == (510, 480, 4)
        dots = [a for a in source.fig.axes[0].lines if isinstance(a, Line2D) and a.get_marker() == "o"]
        drawn = [np.column_stack(d.get_data()) for d in dots]
    assert len(drawn) == 2
    for c, offsets in enumerate(drawn):
        logits = net.forward(run.arch, snap.theta, run.data.X[run.data.y == c])
        np.testing.assert_allclose(offsets, logits, rtol=1e-12)
        above = offsets[:, 1] > offsets[:, 0]
        assert np.array_equal(above, logits.argmax(axis=1) == 1)
    assert source.stats.get_text() == render.stats_text(snap)


@pytest.mark.parametrize("limits", ["final", "follow"])
def test_logit_limits_hold_every_snapshot_and_run_at_45_degrees(limits):
    """Oracle: net.forward of the data at each snapshot lies inside the limits drawn for it."""
    run = api.train("sigmoid", steps=100, frames=8, count=100)
    with rc_context(()):
        source = render.TrainingFrames(run, view="logit", limits=limits)
        ax = source.fig.axes[0]
        for snap in run.snapshots:
            source.render(snap)
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            assert x1 - x0 == pytest.approx(y1 - y0)
            z = net.forward(run.arch, snap.theta, run.data.X)
            assert x0 < z[:, 0].min() and z[:, 0].max() < x1 and y0 < z[:, 1].min() and z[:, 1].max() < y1


def test_following_limits_make_the_first_frame_readable_and_ease_the_zoom():
    """With limits that follow, the first frame's points fill most of its view (with fixed limits they
    are a speck); the view's size changes by at most FOLLOW_ZOOM per frame and never jumps."""
    from actviz.core.scenes import FOLLOW_ZOOM, final_view, follow_views, logit_extents

    run = api.train("relu")  # the gallery's first training animation
    lows, highs = logit_extents(run)
    views = follow_views(lows, highs)
    fixed = final_view(lows, highs)
    first = float((highs[0] - lows[0]).max()) / 2
    assert first / views[0, 2] > 0.7 and first / fixed[2] < 0.3
    for (cx, cy, half), lo, hi in zip(views, lows, highs):
        assert cx - half <= lo[0] and hi[0] <= cx + half and cy - half <= lo[1] and hi[1] <= cy + half
    steps = np.diff(np.log(views[:, 2]))
    assert np.abs(steps).max() <= np.log(FOLLOW_ZOOM) + 1e-9
    assert np.abs(np.diff(steps)).max() < 0.5 * np.log(FOLLOW_ZOOM)  # eased: no sudden change of speed
    moves = np.abs(np.diff(views[:, :2], axis=0)).max(axis=1) / views[1:, 2]
    assert moves.max() < 0.25  # the centre glides too: under a quarter of the view per frame


def test_input_view_regions_and_boundary_follow_the_network():
    run = api.train("relu", steps=200, frames=2, count=200)
    xs, ys, raster = render.sample_box(render.data_box(run.data), 80)
    logits = net.forward(run.arch, run.final.theta, raster)
    lines = render.boundary_lines(xs, ys, logits)
    assert lines
    on = np.concatenate(lines)
    margin = np.diff(net.forward(run.arch, run.final.theta, on), axis=1)[:, 0]
    cell = xs[1] - xs[0]
    assert np.abs(margin).max() < 0.5 * cell * np.abs(np.diff(logits, axis=1)).max()  # on the zero line, to a cell
    with rc_context(()):
        rgb = render.region_rgb(logits, (80, 80), render.Look.from_rc())
    red = rgb[..., 0] > rgb[..., 2]
    assert np.array_equal(red.ravel(), logits[:, 1] > logits[:, 0])


def test_animation_holds_palette_frames_only(tmp_path, monkeypatch):
    """Memory stays bounded: the writer keeps 1-byte palette frames, not RGB arrays."""
    from actviz.render import animation

    kept = []
    original = animation.AnimationWriter.add

    def spy(self, frame):
        original(self, frame)
        kept.append((self.frames[-1].dtype, self.frames[-1].ndim))

    monkeypatch.setattr(animation.AnimationWriter, "add", spy)
    run = api.train("relu", steps=30, frames=5, count=60)
    api.train_animation(run, tmp_path / "m.gif")
    assert kept == [(np.uint8, 2)] * 5


@pytest.mark.slow
def test_defaults_tell_the_story_within_two_megabytes(actviz, tmp_path):
    out = tmp_path / "relu4.gif"
    r = actviz("train", "-o", out)
    assert r.exit_code == 0, r.stderr
    fmt, size, durations, loop, frames = frames_of(out)
    assert len(frames) == 48 and size[0] == 480 and loop == 0
    assert out.stat().st_size < 2_000_000
    run = api.train("relu", data="circles", frames=48)
    assert run.final.accuracy >= 0.95


def test_choices_spelled_out_in_the_command_match_the_core():
    assert cmd.DATASET_NAMES == tuple(datasets.DATASETS)
    assert cmd.OPTIMIZER_NAMES == net.OPTIMIZERS and cmd.INIT_NAMES == net.INITS
    assert cmd.SCHEDULE_NAMES == net.SCHEDULES and cmd.VIEW_NAMES == render.VIEWS


@pytest.mark.parametrize("args, fragment", [
    (["--data", "spirl"], "did you mean spiral"),
    (["--hidden", "0"], "between 1 and"),
    (["--hidden", "4,a"], "bad hidden layer size"),
    (["--steps", "0"], "steps must be"),
    (["--frames", "1"], "at least 2"),
    (["--steps", "10", "--frames", "11"], "at most 10 frames"),
    (["--lr", "0"], "learning rate must be a positive"),
    (["--lr", "-0.1"], "learning rate must be a positive"),
    (["--weight-decay", "-1"], "weight decay"),
    (["softmax"], "not element-wise"),
    (["relu7"], "unknown activation"),
    (["--data", "blobs", "--classes", "3"], "needs 2 classes"),
    (["--transparent"], "not available for animations"),
    (["--view", "sideways"], "Invalid value for '--view'"),
    (["--log", "curve.txt"], "unsupported extension .txt"),
])
def test_bad_input_exits_2_in_one_line_without_a_file(actviz, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    r = actviz("train", *args, "-o", "x.gif")
    assert r.exit_code == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_wrong_extension_and_unwritable_output(actviz, tmp_path):
    r = actviz("train", "-o", tmp_path / "x.png")
    assert r.exit_code == 2 and "use one of .gif, .webp" in r.stderr
    blocker = tmp_path / "file"
    blocker.write_text("")
    r = actviz("train", *QUICK, "-o", blocker / "x.gif")
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1 and "cannot" in r.stderr


def test_divergence_exits_1_and_writes_nothing(actviz, tmp_path):
    out, log = tmp_path / "x.gif", tmp_path / "x.csv"
    out.write_bytes(b"previous")
    r = actviz("train", "--optimizer", "sgd", "--lr", "1e9", *QUICK, "--log", log, "-o", out)
    assert r.exit_code == 1
    line, = r.stderr.strip().splitlines()
    assert "diverged at step" in line and "smaller learning rate" in line
    assert out.read_bytes() == b"previous" and not log.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.gif"]

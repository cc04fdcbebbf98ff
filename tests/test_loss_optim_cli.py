"""``actviz loss`` and ``actviz optim`` end to end: figures, tables, animations, what the frames show,
repeatable bytes, and the train command's new optimisers."""
from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
from PIL import Image

from actviz import api
from actviz.core import losses, race, surfaces


def read_table(path):
    text = path.read_text()
    if path.suffix == ".json":
        return json.loads(text)
    return list(csv.DictReader(io.StringIO(text), delimiter="\t" if path.suffix == ".tsv" else ","))


# --------------------------------------------------------------------------- loss

@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
def test_loss_figures(actviz, tmp_path, ext):
    out = tmp_path / f"margin.{ext}"
    r = actviz("loss", "--kind", "margin", "-o", out)
    assert r.exit_code == 0, r.stderr
    assert out.stat().st_size > 1000


def test_loss_figure_axes_are_the_kinds_variable():
    fig = api.loss_figure(["mse", "huber:delta=0.5"], xlim=(-2, 2))
    left, right = fig.axes[:2]
    assert left.get_xlabel() == r"residual $r=y-\hat{y}$" and left.get_ylabel() == r"$\ell(r)$"
    assert right.get_ylabel() == r"$\ell'(r)$"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["MSE", "Huber (delta=0.5)"]
    x, y = left.lines[1].get_data()
    np.testing.assert_array_equal(y, losses.parse("huber:delta=0.5").f(x))
    prob = api.loss_figure(["bce"])
    assert prob.axes[0].get_ylim() == (0.0, 5.0) and prob.axes[1].get_ylim() == (-10.0, 10.0)


@pytest.mark.parametrize("ext", ["csv", "tsv", "json"])
def test_loss_numbers(actviz, tmp_path, ext):
    out = tmp_path / f"huber.{ext}"
    r = actviz("loss", "huber:delta=0.5", "log_cosh", "--xlim", "-2", "2", "--samples", "5", "-o", out)
    assert r.exit_code == 0, r.stderr
    rows = read_table(out)
    assert [float(row["x"]) for row in rows] == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert [float(row["f_huber_delta_0.5"]) for row in rows] == [0.875, 0.375, 0.0, 0.375, 0.875]
    assert float(rows[1]["df_log_cosh"]) == math.tanh(-1.0)  # exact floats


def test_loss_numbers_at_given_points_default_to_the_kinds_range(actviz, tmp_path):
    out = tmp_path / "bce.csv"
    assert actviz("loss", "bce", "--x", "0.25,1", "-o", out).exit_code == 0
    rows = read_table(out)
    assert float(rows[0]["f_bce"]) == -math.log(0.25) and float(rows[1]["f_bce"]) == 0.0
    out2 = tmp_path / "p.csv"
    assert actviz("loss", "--kind", "probability", "-o", out2).exit_code == 0
    xs = [float(row["x"]) for row in read_table(out2)]
    assert xs[0] == 0.0 and xs[-1] == 1.0 and len(xs) == 101


def test_loss_figures_are_repeatable(actviz, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    for out in (a, b):
        assert actviz("loss", "bce", "focal", "focal:gamma=5", "--layout", "grid", "-o", out).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


# --------------------------------------------------------------------------- optim

def frames_of(path):
    with Image.open(path) as im:
        durations, frames = [], []
        for i in range(im.n_frames):
            im.seek(i)
            durations.append(im.info.get("duration"))
            frames.append(np.array(im.convert("RGB")))
        return im.format, im.size, durations, frames


def test_optim_gif(actviz, tmp_path):
    out = tmp_path / "race.gif"
    r = actviz("optim", "sgd", "adam", "--steps", "40", "--frames", "5", "--duration", "60", "--hold", "700",
               "-o", out)
    assert r.exit_code == 0, r.stderr
    fmt, size, durations, frames = frames_of(out)
    assert fmt == "GIF" and size == (1000, 560) and durations == [60] * 4 + [700]
    assert not np.array_equal(frames[0], frames[-1])


def test_the_frames_follow_the_paths():
    """Each frame's heads sit at the path's point of that step; the still shows the whole path."""
    from actviz.render.figure import rc_context
    from actviz.render.optim import RaceDrawing

    result = api.race(["momentum", "rmsprop"], surface="himmelblau", steps=30)
    with rc_context(()):
        drawing = RaceDrawing(result)
        for k in (0, 7, 30):
            drawing.show(k)
            for path, head, line, dot in zip(result.paths, drawing.heads, drawing.lines, drawing.dots):
                np.testing.assert_array_equal(np.array(head.get_data()).ravel(), path.xy[k])
                assert len(line.get_xdata()) == k + 1
                assert dot.get_data()[0][0] == k
        still = api.race_figure(result)
    legend = still.legends[0]
    assert "best of 1e-5" in legend.get_title().get_text()  # the rule, stated on the figure
    assert [t.get_text() for t in legend.get_texts()] == [p.label for p in result.paths]
    assert all(f"lr {p.opt.lr:g}" in p.label for p in result.paths)


def test_the_colours_of_the_paths_survive_the_palette(actviz, tmp_path):
    out = tmp_path / "race.gif"
    assert actviz("optim", "sgd", "adam", "nesterov", "--steps", "30", "--frames", "3", "--dpi", "50",
                  "-o", out).exit_code == 0
    frame = frames_of(out)[3][-1].reshape(-1, 3)
    # each optimiser keeps its colour of the default style's cycle: sgd C0, nesterov C2, adam C5 (the heads)
    colours = {(0x00, 0x72, 0xB2), (0x00, 0x9E, 0x73), (0x56, 0xB4, 0xE9)}
    present = {tuple(int(v) for v in p) for p in np.unique(frame, axis=0)}
    assert colours <= present


def test_optim_still_and_table(actviz, tmp_path):
    png, table = tmp_path / "race.png", tmp_path / "race.csv"
    for out in (png, table):
        r = actviz("optim", "adam:lr=0.05", "sgd", "--surface", "beale", "--steps", "25", "-o", out)
        assert r.exit_code == 0, r.stderr
    with Image.open(png) as im:
        assert im.size == (1500, 840)
    rows = read_table(table)
    sgd = race.race(surfaces.get("beale"), ["sgd"], steps=25).paths[0].opt.spec  # with its tuned rate
    assert sgd.startswith("sgd:lr=")
    assert len(rows) == 26 and list(rows[0]) == ["step", "x[adam:lr=0.05]", "y[adam:lr=0.05]", "loss[adam:lr=0.05]",
                                                 f"x[{sgd}]", f"y[{sgd}]", f"loss[{sgd}]"]
    beale = surfaces.get("beale")
    assert (float(rows[0][f"x[{sgd}]"]), float(rows[0][f"y[{sgd}]"])) == beale.start
    for row in rows:
        x, y = float(row["x[adam:lr=0.05]"]), float(row["y[adam:lr=0.05]"])
        assert float(row["loss[adam:lr=0.05]"]) == float(beale.value(x, y))


def test_optim_on_an_expression_with_noise(actviz, tmp_path):
    out = tmp_path / "bowl.json"
    r = actviz("optim", "sgd", "--surface", "expr:x**2+10*y**2", "--start", "2", "1", "--lr", "0.01",
               "--noise", "0.5", "--seed", "3", "--steps", "10", "-o", out)
    assert r.exit_code == 0, r.stderr
    rows = read_table(out)
    s = surfaces.get("expr:x**2+10*y**2").with_view(start=(2.0, 1.0))
    expected = race.race(s, ["sgd"], steps=10, lr=0.01, noise=0.5, seed=3).paths[0].xy
    np.testing.assert_array_equal([[r_["x[sgd:lr=0.01]"], r_["y[sgd:lr=0.01]"]] for r_ in rows], expected)


def test_optim_is_repeatable(actviz, tmp_path):
    a, b = tmp_path / "a.gif", tmp_path / "b.gif"
    for out in (a, b):
        assert actviz("optim", "--surface", "saddle", "--steps", "30", "--frames", "4", "--dpi", "50",
                      "-o", out).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


# --------------------------------------------------------------------------- train gains the optimisers

@pytest.mark.parametrize("spec", ["nesterov", "adagrad", "rmsprop:centered=1", "adamw"])
def test_train_with_the_new_optimisers(actviz, tmp_path, spec):
    log = tmp_path / "curve.csv"
    r = actviz("train", "--optimizer", spec, "--steps", "60", "--frames", "3", "--count", "80", "--log", log,
               "-o", tmp_path / "x.gif")
    assert r.exit_code == 0, r.stderr
    losses_ = [float(row["loss"]) for row in read_table(log)]
    assert losses_[-1] < losses_[0]


def test_every_formula_is_mathtext_matplotlib_draws():
    from actviz.core import optim
    from actviz.render.text import check_text

    for text in ([l.latex for l in losses.LOSSES] + [o.rule for o in optim.OPTIMIZERS]
                 + [f"{s.title}: {s.latex}" for s in surfaces.SURFACES]):
        check_text(text, "formula")

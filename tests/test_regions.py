"""Exact linear regions and boundary segments, against independent oracles: the count of an
arrangement of lines, activation patterns sampled on a dense grid, PyTorch's forward pass, straight
runs of a marching-squares contour, and hand-made networks whose pieces are known."""
from __future__ import annotations

import itertools
import math

import contourpy
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from actviz.activations import parse_spec
from actviz.core import net
from actviz.core import regions as R
from actviz.errors import RunFailure, UserError

BOX = (-1.5, 1.5, -1.5, 1.5)
PL_SPECS = ["relu", "leaky_relu:negative_slope=0.2", "prelu", "rrelu:lower=0.1,upper=0.3", "relu6", "hardtanh",
            "hardsigmoid", "hard_sigmoid_keras", "hardshrink", "softshrink", "threshold:threshold=0.3,value=-1",
            "srelu", "apl", "absolute", "identity", "binary_step", "signum"]
CONTINUOUS = ["relu", "leaky_relu:negative_slope=0.2", "relu6", "hardtanh", "softshrink", "absolute", "srelu", "apl"]


def network(spec: str, hidden, seed: int, scale: float = 1.5, classes: int = 2):
    """A random network whose boundary (for 2 classes) crosses BOX: the output bias is moved so that
    y' - x' is zero at the median of its values where it is steep (so the boundary does not hug a
    cell where y' - x' is flat, such as where every unit of a layer is saturated)."""
    arch = net.architecture(parse_spec(spec), hidden, classes=classes)
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, scale, arch.n_params)
    if classes == 2:
        _, _, pts = grid(BOX, 81)
        d = np.diff(net.forward(arch, theta, pts), axis=1).reshape(81, 81)
        gy, gx = np.gradient(d)
        steep = np.hypot(gx, gy)
        arch.biases(theta)[-1][1] -= np.median(d[steep >= np.median(steep[steep > 0])]) if (steep > 0).any() else 0
    return arch, theta


def grid(box, res):
    xs, ys = np.linspace(box[0], box[1], res), np.linspace(box[2], box[3], res)
    return xs, ys, np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2)


def sampled_patterns(arch, theta, points):
    """Activation pattern of each point: the piece of every unit, from plain matrix products."""
    pc = R.pieces(arch.act)
    h, parts = points, []
    for w, b in zip(arch.weights(theta)[:-1], arch.biases(theta)[:-1]):
        z = h @ w + b
        parts.append(np.searchsorted(pc.breaks, z, side="right").astype(np.int8))
        h = arch.act.f(z)
    return np.concatenate(parts, axis=1)


def distinct(patterns: np.ndarray) -> set:
    """The distinct rows of an int8 pattern array (as bytes, fast for many rows)."""
    rows = np.ascontiguousarray(patterns, dtype=np.int8)
    return set(np.unique(rows.view(np.dtype((np.void, rows.shape[1]))).ravel()).tolist())


def widths(poly: R.Polygons) -> np.ndarray:
    """Minimal width of each convex polygon: over its edges, the least distance of the farthest vertex."""
    out = []
    for v in poly.as_list():
        e = np.roll(v, -1, axis=0) - v
        normal = np.stack([-e[:, 1], e[:, 0]], axis=1) / np.hypot(*e.T)[:, None]
        out.append(np.abs(np.einsum("ekd,ed->ek", v[None, :, :] - v[:, None, :], normal)).max(axis=1).min())
    return np.array(out)


# ---- the activation as pieces ----------------------------------------------------------------

@pytest.mark.parametrize("spec", PL_SPECS)
def test_pieces_reproduce_the_catalogue_function(spec):
    act = parse_spec(spec)
    pc = R.pieces(act)
    z = np.random.default_rng(0).uniform(-9, 9, 20001)
    z = z[np.min(np.abs(z[:, None] - np.array([*pc.breaks, *act.act.kinks, 1e9])[None]), axis=1) > 1e-9]
    np.testing.assert_allclose(pc(z), act.f(z), rtol=1e-12, atol=1e-12)


TORCH = {
    "relu": F.relu, "leaky_relu:negative_slope=0.2": lambda t: F.leaky_relu(t, 0.2),
    "rrelu:lower=0.1,upper=0.3": lambda t: F.rrelu(t, 0.1, 0.3, training=False), "relu6": F.relu6,
    "hardtanh": F.hardtanh, "hardsigmoid": F.hardsigmoid, "hardshrink": F.hardshrink, "softshrink": F.softshrink,
    "threshold:threshold=0.3,value=-1": lambda t: F.threshold(t, 0.3, -1.0), "absolute": torch.abs,
}


@pytest.mark.parametrize("spec", sorted(TORCH))
def test_pieces_match_pytorch(spec):
    pc = R.pieces(parse_spec(spec))
    z = np.linspace(-8, 8, 16001) + 1e-7  # never exactly on a break
    np.testing.assert_allclose(pc(z), TORCH[spec](torch.from_numpy(z)).numpy(), rtol=1e-13, atol=1e-13)


def test_equal_neighbouring_pieces_are_joined():
    assert len(R.pieces(parse_spec("hardshrink:lambd=0")).breaks) == 0
    assert len(R.pieces(parse_spec("leaky_relu:negative_slope=1")).breaks) == 0
    assert list(R.pieces(parse_spec("relu6")).breaks) == [0.0, 6.0]
    assert R.pieces(parse_spec("softshrink")).continuous and not R.pieces(parse_spec("hardshrink")).continuous


@pytest.mark.parametrize("spec", ["sigmoid", "tanh", "elu", "softplus", "gelu", "expr:max(x,0)"])
def test_smooth_or_defined_activations_are_refused_in_one_line(spec):
    arch = net.architecture(parse_spec(spec), (3,))
    with pytest.raises(UserError) as err:
        R.linear_regions(arch, np.zeros(arch.n_params), BOX)
    message = str(err.value)
    assert "\n" not in message and "piecewise-linear" in message and parse_spec(spec).spec in message


# ---- one layer: an arrangement of lines ------------------------------------------------------

def enclosing_box(w, b):
    """A square holding every crossing of the unit lines w_i . x + b_i = 0, with room to spare."""
    pts = [np.linalg.solve(np.array([w[:, i], w[:, j]]), -b[[i, j]])
           for i, j in itertools.combinations(range(w.shape[1]), 2)]
    m = 2 * max(1.0, np.abs(pts).max()) if pts else 2.0
    return (-m, m, -m, m)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 13, 24])
def test_one_layer_in_general_position_has_exactly_the_bound(n):
    arch = net.architecture(parse_spec("relu"), (n,))
    for seed in range(3):
        theta = np.random.default_rng(100 * n + seed).normal(size=arch.n_params)
        w, b = arch.weights(theta)[0], arch.biases(theta)[0]
        box = enclosing_box(w, b)
        reg = R.linear_regions(arch, theta, box)
        assert reg.counts == (1 + n + n * (n - 1) // 2,)
        assert reg.polygons.areas().sum() == pytest.approx((box[1] - box[0]) ** 2, rel=1e-12)


@pytest.mark.parametrize("n", [3, 6, 12])
def test_one_layer_in_any_square_stays_under_the_bound(n):
    arch = net.architecture(parse_spec("leaky_relu"), (n,))
    rng = np.random.default_rng(n)
    for _ in range(10):
        theta = rng.normal(size=arch.n_params)
        lo = rng.uniform(-3, 1, 2)
        side = rng.uniform(0.1, 4)
        reg = R.linear_regions(arch, theta, (lo[0], lo[0] + side, lo[1], lo[1] + side))
        assert 1 <= reg.count <= 1 + n + n * (n - 1) // 2


def test_degenerate_arrangements_count_what_they_are():
    arch = net.architecture(parse_spec("relu"), (5,))
    theta = np.zeros(arch.n_params)
    w, b = arch.weights(theta)[0], arch.biases(theta)[0]
    angles = np.linspace(0, np.pi, 5, endpoint=False) + 0.1
    w[:] = np.stack([np.cos(angles), np.sin(angles)])
    assert R.linear_regions(arch, theta, BOX).count == 10  # 5 lines through one point: 2n sectors
    w[:] = np.array([[1.0] * 5, [0.3] * 5])
    b[:] = np.linspace(-1, 1, 5)
    assert R.linear_regions(arch, theta, (-3, 3, -3, 3)).count == 6  # 5 parallel lines: n + 1 strips
    relu6 = net.architecture(parse_spec("relu6"), (2,))
    t6 = np.zeros(relu6.n_params)
    relu6.weights(t6)[0][:] = [[1.0, 0.0], [0.0, 1.0]]
    relu6.biases(t6)[0][:] = [-3.0, -3.0]
    assert R.linear_regions(relu6, t6, (-10, 10, -10, 10)).count == 9  # two breaks per unit: a 3 x 3 board


# ---- deeper networks against sampling --------------------------------------------------------

@pytest.mark.parametrize("spec", PL_SPECS)
def test_exact_cells_agree_with_dense_sampling(spec):
    """Each sampled point's pattern is the pattern of the exact cell that holds it; every cell wide
    enough to hold a grid point is found by the sampling, and no cell is counted twice."""
    res = 401
    xs, _, pts = grid(BOX, res)
    h = xs[1] - xs[0]
    agreed = 0
    for k, hidden in enumerate([(5,), (4, 4), (3, 3, 3)]):
        arch, theta = network(spec, hidden, seed=k)
        reg = R.linear_regions(arch, theta, BOX)
        sampled = sampled_patterns(arch, theta, pts)
        exact = distinct(reg.patterns)
        assert len(exact) == reg.count  # every cell has its own pattern
        seen = distinct(sampled)
        assert seen <= exact
        wide = int((widths(reg.polygons) > 2.2 * h).sum())  # inradius >= width/3 > h/sqrt(2): holds a grid point
        assert wide <= len(seen) <= reg.count
        agreed += len(seen) == reg.count
        assert list(reg.counts) == sorted(reg.counts) and reg.counts[-1] == reg.count
        assert reg.polygons.areas().min() > 0
        assert reg.polygons.areas().sum() == pytest.approx(9.0, rel=1e-9)
    assert agreed >= 2


def test_each_point_lies_in_the_cell_of_its_pattern():
    arch, theta = network("relu", (6, 5), seed=3)
    reg = R.linear_regions(arch, theta, BOX)
    _, _, pts = grid(BOX, 151)
    sampled = sampled_patterns(arch, theta, pts)
    index = {tuple(p): i for i, p in enumerate(reg.patterns)}
    for i, v in enumerate(reg.polygons.as_list()):
        e = np.roll(v, -1, axis=0) - v
        cross = e[:, 0][None] * (pts[:, 1, None] - v[:, 1][None]) - e[:, 1][None] * (pts[:, 0, None] - v[:, 0][None])
        inside = (cross > 1e-9).all(axis=1)  # strictly inside (counter-clockwise)
        assert all(index[tuple(p)] == i for p in sampled[inside])


@pytest.mark.parametrize("spec", ["relu", "leaky_relu:negative_slope=0.2", "hardtanh", "softshrink", "absolute"])
def test_affine_scores_of_each_cell_match_pytorch(spec):
    arch, theta = network(spec, (5, 4), seed=11)
    reg = R.linear_regions(arch, theta, BOX)
    ws = [torch.from_numpy(w.copy()) for w in arch.weights(theta)]
    bs = [torch.from_numpy(b.copy()) for b in arch.biases(theta)]
    act = TORCH[spec]
    rng = np.random.default_rng(0)
    for i, v in enumerate(reg.polygons.as_list()):  # random points inside each cell
        mix = rng.dirichlet(np.ones(len(v)), 4)
        p = mix @ v
        h = torch.from_numpy(p)
        for j, (w, b) in enumerate(zip(ws, bs)):
            h = h @ w + b
            if j < len(ws) - 1:
                h = act(h)
        got = reg.affine_logits(p, np.full(len(p), i))
        np.testing.assert_allclose(got, h.numpy(), rtol=1e-10, atol=1e-10)


def test_too_many_regions_is_a_run_time_failure():
    arch, theta = network("relu", (30,), seed=0)
    with pytest.raises(RunFailure, match="more than 50 linear regions"):
        R.linear_regions(arch, theta, BOX, max_regions=50)


# ---- the boundary's segments ---------------------------------------------------------------

def contour_segments(arch, theta, box, res):
    """Straight pieces of the marching-squares zero line of y' - x' on a res x res grid.

    An edge of the contour is trusted when y' - x' vanishes at its midpoint too (then it lies on
    the boundary inside one affine cell; an edge across a kink does not). Trusted edges in a row
    with one direction make a run; runs shorter than two grid steps are dropped (a kink cut
    across one cell); consecutive runs on the same line are one segment. So every segment found
    is part of a different exact segment, and a segment a few cells long is always found."""
    xs, ys, pts = grid(box, res)
    logits = net.forward(arch, theta, pts)
    d = (logits[:, 1] - logits[:, 0]).reshape(res, res)
    h = xs[1] - xs[0]
    tol = 1e-9 * max(1.0, float(np.abs(d).max()))
    count = 0
    for line in contourpy.contour_generator(xs, ys, d, line_type=contourpy.LineType.Separate).lines(0.0):
        e = np.diff(line, axis=0)
        keep = np.hypot(*e.T) > 1e-12
        starts, e = line[:-1][keep], e[keep]
        if not len(e):
            continue
        mid = net.forward(arch, theta, starts + e / 2)
        trusted = np.abs(mid[:, 1] - mid[:, 0]) <= tol
        angle = np.arctan2(e[:, 1], e[:, 0])
        runs, current = [], None  # [direction, offset, length] of each run of trusted edges
        for i in range(len(e)):
            if current is not None and trusted[i] and turn(angle[i], current[0]) < 1e-6:
                current[2] += float(np.hypot(*e[i]))
                continue
            if current is not None:
                runs.append(current)
            current = None
            if trusted[i]:
                normal = np.array([-np.sin(angle[i]), np.cos(angle[i])])
                current = [angle[i], float(starts[i] @ normal), float(np.hypot(*e[i]))]
        if current is not None:
            runs.append(current)
        runs = [r for r in runs if r[2] > 2 * h]
        same = [turn(a[0], b[0]) < 1e-6 and abs(a[1] - b[1]) < 1e-8 for a, b in zip(runs, runs[1:])]
        groups = len(runs) - sum(same)
        if np.allclose(line[0], line[-1]) and len(runs) > 1 and turn(runs[0][0], runs[-1][0]) < 1e-6 \
                and abs(runs[0][1] - runs[-1][1]) < 1e-8:
            groups -= 1  # a closed line whose last run continues the first
        count += groups
    return count, h


def turn(a: float, b: float) -> float:
    """The angle between two directions, in radians."""
    return abs((a - b + np.pi) % (2 * np.pi) - np.pi)


@pytest.mark.parametrize("spec", CONTINUOUS)
def test_segment_counts_agree_with_a_sampled_contour(spec):
    total = agreed = 0
    for k, hidden in enumerate([(4,), (6,), (4, 4), (3, 3, 3)]):
        arch, theta = network(spec, hidden, seed=20 + k, scale=1.0)
        bd = R.boundary(R.linear_regions(arch, theta, BOX))
        found, h = contour_segments(arch, theta, BOX, 601)
        lengths = np.hypot(*(bd.segments[:, 1] - bd.segments[:, 0]).T)
        assert int((lengths > 6 * h).sum()) <= found <= bd.count
        agreed += found == bd.count
        total += bd.count
        ends = bd.segments[:, 0] + np.linspace(0, 1, 9)[:, None, None] * (bd.segments[:, 1] - bd.segments[:, 0])
        logits = net.forward(arch, theta, ends.reshape(-1, 2))
        assert np.abs(logits[:, 1] - logits[:, 0]).max() < 1e-9  # every segment lies on y' = x'
    assert total > 4 and agreed >= 2


def octagon(extra: bool = False):
    """4 ReLU units on x = +-0.3, y = +-0.3 and y' - x' = 1 - 2 sum relu(...): the boundary is the
    octagon |x| = 0.8, |y| = 0.8, |x| + |y| = 1.1 (8 segments) and the lines cut the square into 9.
    ``extra`` adds a fifth unit whose line crosses the octagon but which both scores ignore."""
    n = 5 if extra else 4
    arch = net.architecture(parse_spec("relu"), (n,))
    theta = np.zeros(arch.n_params)
    w1, w2 = arch.weights(theta)
    b1, b2 = arch.biases(theta)
    w1[:, :4] = [[1, -1, 0, 0], [0, 0, 1, -1]]
    b1[:4] = -0.3
    if extra:
        w1[:, 4] = [1.0, 0.7]
        b1[4] = 0.05
        w2[4] = [3.0, 3.0]  # the same weight to both scores: no effect on y' - x'
    w2[:4, 1] = -2.0
    b2[1] = 1.0
    return arch, theta


def test_four_relu_units_draw_the_eight_sided_boundary():
    arch, theta = octagon()
    reg = R.linear_regions(arch, theta, BOX)
    bd = R.boundary(reg)
    assert reg.count == 9 and bd.count == 8
    corners = bd.corners(BOX)
    expected = {(0.8, 0.3), (0.3, 0.8), (-0.3, 0.8), (-0.8, 0.3), (-0.8, -0.3), (-0.3, -0.8), (0.3, -0.8), (0.8, -0.3)}
    assert {tuple(np.round(c, 12)) for c in corners} == expected


def test_collinear_pieces_are_joined_into_one_segment():
    arch, theta = octagon(extra=True)
    reg = R.linear_regions(arch, theta, BOX)
    bd = R.boundary(reg)
    assert reg.count > 9 and len(bd.pieces) == 10 and bd.count == 8  # the fifth line cuts two sides in two
    found, _ = contour_segments(arch, theta, BOX, 601)
    assert found == 8


def test_segments_end_at_the_square():
    arch = net.architecture(parse_spec("relu"), (1,))
    theta = np.zeros(arch.n_params)
    arch.weights(theta)[0][:] = [[1.0], [0.0]]
    arch.weights(theta)[1][:] = [[0.0, 1.0]]
    arch.biases(theta)[1][:] = [0.5, 0.0]  # y' - x' = relu(x) - 0.5: the line x = 0.5
    bd = R.boundary(R.linear_regions(arch, theta, BOX))
    assert bd.count == 1 and len(bd.corners(BOX)) == 0
    np.testing.assert_allclose(sorted(bd.segments[0].tolist()), [[0.5, -1.5], [0.5, 1.5]], atol=1e-12)


def test_segments_need_two_classes_and_no_jumps():
    arch, theta = network("relu", (4,), seed=0, classes=3)
    with pytest.raises(UserError, match="2 classes"):
        R.boundary(R.linear_regions(arch, theta, BOX))
    arch, theta = network("hardshrink", (4,), seed=0)
    reg = R.linear_regions(arch, theta, BOX)
    assert "jumps" in R.boundary_refusal(reg)
    assert R.counts_row(arch, theta, BOX)[1] is None


def test_the_same_network_gives_the_same_cells():
    arch, theta = network("relu", (8, 8), seed=5)
    a, b = R.linear_regions(arch, theta, BOX), R.linear_regions(arch, theta.copy(), BOX)
    assert a.polygons.xy.tobytes() == b.polygons.xy.tobytes() and a.counts == b.counts
    assert math.isclose(a.polygons.areas().sum(), 9.0, rel_tol=1e-12)

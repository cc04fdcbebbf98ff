"""The loss catalogue against independent oracles: every loss of ``torch.nn.functional`` that is a
function of one margin, residual or probability (value and autograd gradient, float64), mpmath for the
rest, and the properties the reference articles and textbooks state."""
from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest

from actviz.core import losses
from actviz.core.losses import KERAS_EPSILON

torch = pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install torch==2.13.0")
F = torch.nn.functional
T64 = torch.float64

# Points away from every kink (margin 0, 1, -1; residual 0, +-delta; the ends of [0, 1]).
MARGINS = np.array([-7.5, -2.3, -1.2, -0.6, -0.05, 0.3, 0.77, 1.4, 2.9, 9.0, 35.0])
RESIDUALS = np.array([-6.2, -2.5, -1.3, -0.7, -0.2, -1e-3, 2e-3, 0.4, 0.9, 1.6, 3.3, 8.0])
PROBS = np.array([1e-6, 0.003, 0.05, 0.2, 0.37, 0.5, 0.64, 0.81, 0.95, 0.999, 1 - 1e-7])


def t(values):
    return torch.tensor(np.asarray(values, dtype=float), dtype=T64, requires_grad=True)


def autograd(fn, x):
    """Elementwise value and derivative of ``fn`` (a torch function of a 1-D tensor, elementwise) at x."""
    xt = t(x)
    out = fn(xt)
    out.sum().backward()
    return out.detach().numpy(), xt.grad.numpy()


def each(fn):
    """Apply a torch loss of one sample to every point separately (reduction 'sum' over one element)."""
    return lambda xt: torch.stack([fn(xt[i:i + 1]) for i in range(len(xt))])


ones = lambda n: torch.ones(n, dtype=T64)  # noqa: E731
zeros = lambda n: torch.zeros(n, dtype=T64)  # noqa: E731


def two_class_logits(m):
    """Scores [0, m] of a two-class problem whose right class is 1: the margin is m."""
    return torch.stack([torch.zeros_like(m), m], dim=1)


# torch.nn.functional loss -> [(our spec, points, torch function of the variable)], or why it has no 1-D form.
TORCH: dict[str, list | str] = {
    "binary_cross_entropy": [
        (f"bce:target={y}", PROBS, lambda p, y=y: F.binary_cross_entropy(p, torch.full_like(p, y), reduction="none"))
        for y in (1.0, 0.0, 0.3)],
    "binary_cross_entropy_with_logits": [
        ("log_loss", MARGINS, lambda m: F.binary_cross_entropy_with_logits(m, ones(len(m)), reduction="none")),
        ("log_loss", MARGINS, lambda m: F.binary_cross_entropy_with_logits(-m, zeros(len(m)), reduction="none")),
    ],
    "soft_margin_loss": [("log_loss", MARGINS, lambda m: F.soft_margin_loss(m, ones(len(m)), reduction="none"))],
    "cross_entropy": [("log_loss", MARGINS, lambda m: F.cross_entropy(two_class_logits(m), torch.ones(len(m), dtype=torch.long),
                                                                       reduction="none"))],
    "nll_loss": [("log_loss", MARGINS, lambda m: F.nll_loss(F.log_softmax(two_class_logits(m), dim=1),
                                                             torch.ones(len(m), dtype=torch.long), reduction="none"))],
    "multilabel_soft_margin_loss": [
        ("log_loss", MARGINS, each(lambda m: F.multilabel_soft_margin_loss(m[None], ones(1)[None], reduction="sum")))],
    "multi_margin_loss": [
        ("hinge", MARGINS, lambda m: 2 * F.multi_margin_loss(two_class_logits(m), torch.ones(len(m), dtype=torch.long),
                                                             reduction="none")),
        ("squared_hinge", MARGINS, lambda m: 2 * F.multi_margin_loss(two_class_logits(m),
                                                                     torch.ones(len(m), dtype=torch.long), p=2,
                                                                     reduction="none")),
    ],
    "multilabel_margin_loss": [
        ("hinge", MARGINS, lambda m: 2 * F.multilabel_margin_loss(
            two_class_logits(m), torch.tensor([[1, -1]] * len(m)), reduction="none"))],
    "hinge_embedding_loss": [
        ("hinge", MARGINS, lambda m: F.hinge_embedding_loss(m, -ones(len(m)), margin=1.0, reduction="none")),
        ("perceptron", MARGINS, lambda m: F.hinge_embedding_loss(m, -ones(len(m)), margin=0.0, reduction="none")),
    ],
    "margin_ranking_loss": [
        ("hinge", MARGINS, lambda m: F.margin_ranking_loss(m, zeros(len(m)), ones(len(m)), margin=1.0,
                                                           reduction="none")),
        ("perceptron", MARGINS, lambda m: F.margin_ranking_loss(m, zeros(len(m)), ones(len(m)), margin=0.0,
                                                                reduction="none")),
    ],
    # residual r = y - y_hat: torch takes (input=y_hat, target=y), so y_hat = -r with y = 0
    "mse_loss": [("mse", RESIDUALS, lambda r: F.mse_loss(-r, zeros(len(r)), reduction="none"))],
    "l1_loss": [("mae", RESIDUALS, lambda r: F.l1_loss(-r, zeros(len(r)), reduction="none"))],
    "huber_loss": [(f"huber:delta={d}", RESIDUALS, lambda r, d=d: F.huber_loss(-r, zeros(len(r)), delta=d,
                                                                               reduction="none"))
                   for d in (1.0, 0.35, 2.5)],
    "smooth_l1_loss": [(f"smooth_l1:beta={b}", RESIDUALS, lambda r, b=b: F.smooth_l1_loss(-r, zeros(len(r)), beta=b,
                                                                                          reduction="none"))
                       for b in (1.0, 0.5, 0.0)],
    "gaussian_nll_loss": [(f"gaussian_nll:var={v}", RESIDUALS,
                           lambda r, v=v: F.gaussian_nll_loss(-r, zeros(len(r)), torch.full_like(r, v),
                                                              reduction="none"))
                          for v in (1.0, 0.2, 3.0, 1e-8)],
    "kl_div": [(f"kl:target={y}", PROBS, each(lambda p, y=y: F.kl_div(
        torch.log(torch.cat([p, 1 - p])), torch.tensor([y, 1 - y], dtype=T64), reduction="sum")))
               for y in (1.0, 0.0, 0.3, 0.75)],
    "poisson_nll_loss": "its input is a log-rate and its target a count: neither a margin, a residual nor "
                        "a probability of one outcome",
    "cosine_embedding_loss": "a loss of two embedding vectors (their cosine), not of one number",
    "triplet_margin_loss": "a loss of three embedding vectors (anchor, positive, negative)",
    "triplet_margin_with_distance_loss": "a loss of three embedding vectors with a distance function",
    "ctc_loss": "a loss of sequences (connectionist temporal classification)",
}
CASES = [pytest.param(spec, x, fn, id=f"{name}-{spec}-{i}")
         for name, rows in TORCH.items() if not isinstance(rows, str) for i, (spec, x, fn) in enumerate(rows)]


def test_every_loss_of_torch_nn_functional_is_compared_or_explained():
    theirs = {n for n in dir(F) if n.endswith("_loss") or n in ("kl_div", "cross_entropy", "binary_cross_entropy",
                                                                   "binary_cross_entropy_with_logits")}
    assert theirs == set(TORCH)
    compared = {spec.split(":")[0] for rows in TORCH.values() if not isinstance(rows, str) for spec, _, _ in rows}
    assert compared == {loss.name for loss in losses.LOSSES if loss.torch}


@pytest.mark.torch
@pytest.mark.parametrize("spec, x, fn", CASES)
def test_value_and_derivative_equal_torch(spec, x, fn):
    bound = losses.parse(spec)
    value, grad = autograd(fn, x)
    # atol: torch's logits forms round through O(1) intermediates (its cross_entropy gives 6.7e-16 for
    # log(1 + e^-35) = 6.3e-16), and binary_cross_entropy clamps each log at -100 (none of our points reach it)
    np.testing.assert_allclose(bound.f(x), value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(bound.df(x), grad, rtol=1e-11, atol=1e-15)


@pytest.mark.torch
@pytest.mark.parametrize("spec, point, fn", [
    ("hinge", 1.0, lambda m: 2 * F.multi_margin_loss(two_class_logits(m), torch.ones(1, dtype=torch.long),
                                                     reduction="none")),
    ("squared_hinge", 1.0, lambda m: 2 * F.multi_margin_loss(two_class_logits(m), torch.ones(1, dtype=torch.long),
                                                             p=2, reduction="none")),
    ("mae", 0.0, lambda r: F.l1_loss(-r, zeros(1), reduction="none")),
    ("huber", 1.0, lambda r: F.huber_loss(-r, zeros(1), reduction="none")),
    ("huber", -1.0, lambda r: F.huber_loss(-r, zeros(1), reduction="none")),
    ("smooth_l1", 1.0, lambda r: F.smooth_l1_loss(-r, zeros(1), reduction="none")),
])
def test_derivative_at_a_kink_is_torchs(spec, point, fn):
    value, grad = autograd(fn, [point])
    bound = losses.parse(spec)
    assert bound.f([point])[0] == pytest.approx(value[0], abs=1e-15)
    assert bound.df([point])[0] == grad[0]


def test_kinks_follow_the_relu_convention():
    """max(0, u) has derivative 0 where u = 0: hinge'(1), perceptron'(0), quantile'(0), mae'(0)."""
    for spec, point in [("hinge", 1.0), ("perceptron", 0.0), ("quantile:tau=0.8", 0.0), ("mae", 0.0),
                        ("squared_hinge", 1.0), ("modified_huber", 1.0), ("zero_one", 0.0)]:
        assert losses.parse(spec).df([point])[0] == 0.0, spec
    assert losses.parse("zero_one").f([0.0])[0] == 1.0  # a score of 0 decides nothing: counted as a mistake


# --------------------------------------------------------------------------- mpmath: all losses, exactly

mpmath.mp.dps = 40


def mp_pos(u):
    return max(mpmath.mpf(0), u)


MP = {  # the losses as printed in textbooks, in 40-digit arithmetic
    "zero_one": lambda m: mpmath.mpf(1) if m <= 0 else mpmath.mpf(0),
    "hinge": lambda m: mp_pos(1 - m),
    "squared_hinge": lambda m: mp_pos(1 - m) ** 2,
    "log_loss": lambda m: mpmath.log(1 + mpmath.exp(-m)),
    "exponential": lambda m: mpmath.exp(-m),
    "modified_huber": lambda m: mp_pos(1 - m) ** 2 if m >= -1 else -4 * m,
    "perceptron": lambda m: mp_pos(-m),
    "mse": lambda r: r * r,
    "mae": lambda r: abs(r),
    "huber": lambda r: r * r / 2 if abs(r) < 1 else abs(r) - mpmath.mpf(1) / 2,
    "smooth_l1": lambda r: r * r / 2 if abs(r) < 1 else abs(r) - mpmath.mpf(1) / 2,
    "log_cosh": lambda r: mpmath.log(mpmath.cosh(r)),
    "mape": lambda r: 100 * abs(r),
    "msle": lambda r: (mpmath.log(1 + max(1 - r, mpmath.mpf(KERAS_EPSILON))) - mpmath.log(2)) ** 2,
    "quantile": lambda r: max(r / 2, -r / 2),
    "gaussian_nll": lambda r: r * r / 2,
    "bce": lambda p: -mpmath.log(p),
    "focal": lambda p: -(1 - p) ** 2 * mpmath.log(p),
    "kl": lambda p: -mpmath.log(p),
}
POINTS = {"margin": MARGINS, "residual": RESIDUALS, "probability": PROBS}


@pytest.mark.parametrize("name", losses.NAMES)
def test_value_and_derivative_equal_mpmath(name):
    """Every loss at its defaults, in 40 digits; the derivative by mpmath's numerical differentiation."""
    assert set(MP) == set(losses.NAMES)
    loss = losses.get(name)
    x = POINTS[loss.kind]
    bound = losses.parse(name)
    y, dy = bound.f(x), bound.df(x)
    for xi, yi, dyi in zip(x, y, dy):
        ref = MP[name](mpmath.mpf(xi))
        assert yi == pytest.approx(float(ref), rel=1e-14, abs=1e-300), (name, xi)
        step = mpmath.mpf(min(abs(xi), 1 - abs(xi)) if loss.kind == "probability" else 1e-3) / 4
        dref = mpmath.diff(MP[name], mpmath.mpf(xi), h=min(step, mpmath.mpf("1e-12")))
        assert dyi == pytest.approx(float(dref), rel=1e-9, abs=1e-12), (name, xi)


@pytest.mark.parametrize("spec, kind", [(s, losses.get(s.split(":")[0]).kind) for s in (
    "huber:delta=0.3", "smooth_l1:beta=2", "quantile:tau=0.9", "quantile:tau=0.1", "mape:target=-4",
    "msle:target=3", "gaussian_nll:var=0.25", "bce:target=0.2", "focal:gamma=0.5,target=0.7",
    "focal:gamma=5", "kl:target=0.4")])
def test_derivatives_are_derivatives_with_any_parameters(spec, kind):
    """df against a central difference of f (4th order), away from kinks, for non-default parameters."""
    bound = losses.parse(spec)
    x = POINTS[kind]
    scale = np.minimum(1.0, np.minimum(x, 1 - x)) if kind == "probability" else np.ones(x.shape)
    h = 2.0 ** np.floor(np.log2(1e-5 * scale))  # a power of two: x +- h is exact, so the step is h
    numeric = (-bound.f(x + 2 * h) + 8 * bound.f(x + h) - 8 * bound.f(x - h) + bound.f(x - 2 * h)) / (12 * h)
    kinks = {"huber": 0.3, "smooth_l1": 2.0}.get(bound.name)
    keep = np.ones(x.shape, bool) if kinks is None else np.abs(np.abs(x) - kinks) > 1e-3
    if bound.name == "msle":
        keep &= np.abs(3 - x - KERAS_EPSILON) > 1e-3
    np.testing.assert_allclose(bound.df(x)[keep], numeric[keep], rtol=2e-6, atol=1e-7)


# --------------------------------------------------------------------------- numerics

def test_log_cosh_is_accurate_near_zero_and_far_out():
    for r in (1e-8, -3e-5, 0.3, 0.9999, 1.0, 20.0, 400.0, 1e6):
        ref = mpmath.log(mpmath.cosh(mpmath.mpf(r)))
        assert losses.parse("log_cosh").f([r])[0] == pytest.approx(float(ref), rel=4e-16)


def test_log_loss_does_not_overflow():
    m = np.array([-1e308, -800.0, -40.0, 40.0, 800.0, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, dy = losses.parse("log_loss").f(m), losses.parse("log_loss").df(m)
    assert y[0] == 1e308 and y[1] == 800.0 and y[-1] == 0.0 and 0 < y[-3] < 1e-17
    assert list(dy[:2]) == [-1.0, -1.0] and dy[-1] == -0.0


@pytest.mark.parametrize("name", losses.NAMES)
def test_no_warning_nan_in_nan_out_and_shapes_kept(name):
    bound = losses.parse(name)
    x = np.array([[-1e308, -1e10, -1.0, 0.0], [0.5, 1.0, 1e10, np.nan]])
    if bound.kind == "probability":
        x = np.array([[0.0, 1e-300, 0.5, 1.0], [-0.1, 1.1, 1 - 1e-16, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, dy = bound.f(x), bound.df(x)
    assert y.shape == x.shape and dy.shape == x.shape
    assert np.isnan(y[1, 3]) and np.isnan(dy[1, 3])
    if bound.kind == "probability":
        assert np.isnan(y[1, :2]).all() and np.isnan(dy[1, :2]).all()  # outside [0, 1]
        assert np.isfinite(y[0, 1:3]).all()
    else:  # every number in, even +-1e308, gives a number (perhaps +-inf) out
        real = ~np.isnan(x)
        assert not np.isnan(y[real]).any() and not np.isnan(dy[real]).any()


def test_bce_is_infinite_where_the_true_class_gets_probability_zero():
    bce = losses.parse("bce")
    assert bce.f([0.0])[0] == math.inf and bce.df([0.0])[0] == -math.inf
    assert bce.f([1.0])[0] == 0.0
    assert losses.parse("bce:target=0").f([1.0])[0] == math.inf
    assert bce.f([1e-300])[0] == pytest.approx(300 * math.log(10), rel=1e-15)


# --------------------------------------------------------------------------- properties

M = np.linspace(-4, 4, 2001)


@pytest.mark.parametrize("name, scale", [("hinge", 1), ("squared_hinge", 1), ("exponential", 1),
                                         ("modified_huber", 1), ("log_loss", 1 / math.log(2))])
def test_surrogate_losses_bound_the_zero_one_loss(name, scale):
    """The convex surrogates lie above the count of mistakes (log loss once in bits), so driving them
    down drives the training error down."""
    assert np.all(scale * losses.parse(name).f(M) >= losses.parse("zero_one").f(M) - 1e-15)


@pytest.mark.parametrize("name", ["hinge", "squared_hinge", "log_loss", "exponential", "modified_huber",
                                  "perceptron"])
def test_margin_losses_fall_as_the_margin_grows(name):
    d = losses.parse(name).df(M)
    assert np.all(d <= 0) and np.all(np.diff(losses.parse(name).f(M)) <= 1e-15)


def test_mse_punishes_large_errors_more_and_small_ones_less_than_mae():
    r = np.linspace(-5, 5, 1001)
    mse, mae = losses.parse("mse").f(r), losses.parse("mae").f(r)
    big, small = np.abs(r) > 1, (np.abs(r) < 1) & (r != 0)
    assert np.all(mse[big] > mae[big]) and np.all(mse[small] < mae[small])


def test_huber_is_half_mse_inside_and_shifted_mae_outside():
    r = np.linspace(-4, 4, 801)
    for delta in (0.5, 1.0, 2.0):
        h = losses.parse(f"huber:delta={delta}").f(r)
        inside = np.abs(r) < delta
        np.testing.assert_allclose(h[inside], r[inside] ** 2 / 2, rtol=1e-15)
        np.testing.assert_allclose(h[~inside], delta * np.abs(r[~inside]) - delta ** 2 / 2, rtol=1e-14)
        np.testing.assert_allclose(losses.parse(f"smooth_l1:beta={delta}").f(r), h / delta, rtol=1e-14)


def test_quantile_loss_is_minimised_by_the_quantile():
    rng = np.random.default_rng(7)
    y = rng.standard_exponential(4001)
    guesses = np.linspace(0, 4, 4001)
    for tau in (0.1, 0.5, 0.9):
        pinball = losses.parse(f"quantile:tau={tau}")
        risk = [pinball.f(y - g).mean() for g in guesses]
        assert guesses[int(np.argmin(risk))] == pytest.approx(np.quantile(y, tau), abs=2e-3)


def test_kl_is_cross_entropy_minus_entropy_and_zero_at_the_target():
    p = np.linspace(0.001, 0.999, 999)
    for y in (0.0, 0.25, 0.5, 1.0):
        kl, bce = losses.parse(f"kl:target={y}"), losses.parse(f"bce:target={y}")
        entropy = -sum(a * math.log(a) for a in (y, 1 - y) if a > 0)
        np.testing.assert_allclose(kl.f(p), bce.f(p) - entropy, atol=1e-13)
        assert np.all(kl.f(p) >= -1e-15) and kl.f([y])[0] == pytest.approx(0.0, abs=1e-15)
        np.testing.assert_array_equal(kl.df(p), bce.df(p))


def test_focal_loss_down_weights_easy_examples():
    """Lin et al.: gamma = 0 is cross-entropy; a larger gamma lowers the loss most where p_t is large."""
    p = np.linspace(0.01, 0.99, 99)
    np.testing.assert_allclose(losses.parse("focal:gamma=0").f(p), losses.parse("bce").f(p), rtol=1e-15)
    ratio = losses.parse("focal:gamma=2").f(p) / losses.parse("bce").f(p)
    assert np.all(np.diff(ratio) < 0) and ratio[-1] < 1e-3 < 0.9 < ratio[0]


def test_msle_costs_more_for_under_than_over_prediction():
    msle = losses.parse("msle:target=2")
    r = np.array([0.5, 1.0, 1.5])
    assert np.all(msle.f(r) > msle.f(-r))  # r > 0: predicted less than the target


def test_mape_scales_with_the_target():
    np.testing.assert_allclose(losses.parse("mape:target=4").f([2.0, -1.0]), [50.0, 25.0])
    np.testing.assert_allclose(losses.parse("mape:target=-0.5").df([0.1]), [200.0])


# --------------------------------------------------------------------------- specs and look-up

def test_specs_parameters_and_aliases():
    assert losses.parse("huber:delta=0.5").spec == "huber:delta=0.5"
    assert losses.parse("Huber").spec == "huber"
    assert losses.parse("pinball:tau=0.9").label == "Quantile (tau=0.9)"
    assert losses.get("binary-crossentropy").name == "bce" and losses.get("L1").name == "mae"


@pytest.mark.parametrize("spec, message", [
    ("hubr", "did you mean huber"), ("nope", "unknown loss 'nope'"), ("huber:delta=0", "out of range"),
    ("huber:alpha=1", "no parameter 'alpha'"), ("huber:", "no parameters"), ("quantile:tau=1", "out of range"),
    ("bce:target=2", "out of range"), ("focal:gamma=-1", "out of range"), ("huber:delta=x", "must be a number"),
    ("", "empty loss spec")])
def test_bad_specs_are_user_errors(spec, message):
    from actviz.errors import UserError

    with pytest.raises(UserError, match=message):
        losses.parse(spec)


def test_one_kind_per_axis():
    from actviz.errors import UserError

    with pytest.raises(UserError, match="hinge is a margin loss and mse is a residual loss"):
        losses.one_kind([losses.parse("hinge"), losses.parse("mse")])


def test_the_command_spells_the_catalogue_out():
    from actviz.cli import loss as cmd

    assert cmd.KIND_NAMES == losses.KINDS
    assert cmd.LOSS_NAMES == {k: tuple(l.name for l in losses.of_kind(k)) for k in losses.KINDS}

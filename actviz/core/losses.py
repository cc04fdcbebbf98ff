"""The loss catalogue: one entry per loss, the loss and its exact derivative side by side, as data.

Every loss is a function of ONE number, drawn the way the field draws it:

* ``margin`` losses of the margin m = y f(x) (labels y = -1 or +1): large m is a
  confident right answer, m < 0 a wrong one (hinge, log loss, exponential, ...);
* ``residual`` losses of the residual r = y - y_hat (target minus prediction)
  (MSE, MAE, Huber, quantile, ...); those that need the target itself (MAPE, MSLE)
  take it as the parameter ``target``;
* ``probability`` losses of the predicted probability p of the positive class, for
  a target probability ``target`` (1 by default): binary cross-entropy, focal, KL.

Conventions, checked by ``tests/test_losses.py`` (against ``torch.nn.functional`` in
float64 wherever PyTorch has the loss):

* Derivatives are analytic, with respect to the variable drawn (m, r or p). At a kink
  the derivative is what autograd gives for the ``max(0, .)`` form of the loss, as
  relu'(0) = 0 in the activation catalogue: hinge'(1) = 0, perceptron'(0) = 0,
  mae'(0) = 0, quantile'(0) = 0 (``torch.nn.functional.multi_margin_loss`` and
  ``l1_loss`` give the same); the zero-one loss is a step whose derivative is 0.
* Residual losses against r = y - y_hat: d/d(y_hat) is minus the derivative drawn.
* f and f' take any-shape float arrays and return float arrays of that shape; NaN in
  gives NaN out, and a probability outside [0, 1] gives NaN. No floating-point warning
  escapes; overflow to +-inf happens only where the true value leaves the float range.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from actviz.core import numerics as nx
from actviz.core.activation import Bound, Param, Parametrised
from actviz.core.activation import name_key as key
from actviz.errors import UserError

KINDS: tuple[str, ...] = ("margin", "residual", "probability")
"""What a loss is drawn against: the margin m = y f(x), the residual r = y - y_hat, a probability p."""

VARIABLES = {"margin": "m", "residual": "r", "probability": "p"}
"""The variable of each kind, as written in formulas and axis labels."""

AXIS_LABELS = {
    "margin": r"margin $m=y\,f(x)$",
    "residual": r"residual $r=y-\hat{y}$",
    "probability": r"predicted probability $p$",
}

DEFAULT_XLIM = {"margin": (-3.0, 3.0), "residual": (-3.0, 3.0), "probability": (0.0, 1.0)}
"""The x range each kind is drawn over when none is given."""

DEFAULT_YLIM = {"probability": ((0.0, 5.0), (-10.0, 10.0))}
"""The y ranges (loss, derivative) a kind is drawn with when none are given: probability losses
are infinite at p = 0 or 1, and their derivatives too. Other kinds fit their curves."""

KERAS_EPSILON = 1e-7
"""Keras's backend epsilon, which its MAPE and MSLE clip with."""

GAUSSIAN_NLL_EPS = 1e-6
"""``torch.nn.functional.gaussian_nll_loss``'s floor on the variance."""

ArrayFn = Callable[..., np.ndarray]


@dataclass(frozen=True)
class Loss(Parametrised):
    """One loss: f and its exact derivative in the kind's variable, formula, parameters, origin."""

    name: str
    title: str
    kind: str
    f: ArrayFn
    df: ArrayFn
    latex: str
    params: tuple[Param, ...] = ()
    aliases: tuple[str, ...] = ()
    torch: str = ""
    source: str = ""
    note: str = ""

    @property
    def variable(self) -> str:
        return VARIABLES[self.kind]

    def as_dict(self) -> dict:
        """Plain data (for JSON listings)."""
        return {"name": self.name, "title": self.title, "kind": self.kind, "aliases": list(self.aliases),
                "formula": self.latex, "parameters": {p.name: p.default for p in self.params},
                "torch": self.torch, "source": self.source, "note": self.note}


@dataclass(frozen=True)
class BoundLoss(Bound):
    """A loss with its parameters fixed: ``f(x)`` the loss, ``df(x)`` its derivative."""

    act: Loss

    def f(self, x) -> np.ndarray:
        return self.act.f(np.asarray(x, dtype=float), **self.params)

    def df(self, x) -> np.ndarray:
        return self.act.df(np.asarray(x, dtype=float), **self.params)

    @property
    def kind(self) -> str:
        return self.act.kind

    @property
    def latex(self) -> str:
        return self.act.latex


# --------------------------------------------------------------------------- registration

LOSSES: list[Loss] = []
"""Every loss, in catalogue order."""


def _quiet(fn: ArrayFn) -> ArrayFn:
    """``fn`` on a float array under silenced floating-point flags, shaped like the input, NaN kept."""

    def wrapped(x, **params):
        x = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            y = nx.as_shape(fn(x, **params), x.shape)
        return np.where(np.isnan(x), math.nan, y)

    wrapped.__name__ = getattr(fn, "__name__", "f")
    return wrapped


def _add(name, title, kind, f, df, latex, **meta) -> Loss:
    loss = Loss(name=name, title=title, kind=kind, f=_quiet(f), df=_quiet(df), latex=latex, **meta)
    LOSSES.append(loss)
    return loss


# --------------------------------------------------------------------------- margin m = y f(x)

def _pos(u):
    """max(0, u), with the derivative convention of relu (0 at the kink)."""
    return np.maximum(u, 0.0)


_add("zero_one", "Zero-one", "margin",
     lambda m: np.where(m <= 0, 1.0, 0.0), nx.zeros,
     r"$\ell(m)=1$ if $m\leq 0$ else $0$",
     aliases=("0_1", "misclassification"), source="textbook",
     note="Counts mistakes (a score of 0 decides nothing, so m = 0 counts); its derivative is 0 wherever "
          "it exists, which is why it is never trained on directly.")

_add("hinge", "Hinge", "margin",
     lambda m: _pos(1.0 - m), lambda m: -(m < 1.0).astype(float),
     r"$\ell(m)=\max(0,1-m)$",
     aliases=("svm",), torch="multi_margin_loss, hinge_embedding_loss, margin_ranking_loss", source="article,keras",
     note="The SVM loss: zero once the margin reaches 1. hinge'(1) = 0 (as multi_margin_loss; "
          "hinge_embedding_loss's clamp gives -1 there).")

_add("squared_hinge", "Squared hinge", "margin",
     lambda m: _pos(1.0 - m) ** 2, lambda m: -2.0 * _pos(1.0 - m),
     r"$\ell(m)=\max(0,1-m)^2$",
     torch="multi_margin_loss(p=2)", source="article,keras", note="Differentiable everywhere.")

_add("log_loss", "Log loss", "margin",
     lambda m: nx.softplus(-m), lambda m: -nx.sigmoid(-m),
     r"$\ell(m)=\ln(1+e^{-m})$",
     aliases=("logistic", "soft_margin", "binary_logistic"),
     torch="soft_margin_loss, binary_cross_entropy_with_logits, cross_entropy", source="article,textbook",
     note="Binary cross-entropy of the logit f(x) for labels y = +-1, in nats (sklearn's figure uses log2, "
          "which passes through (0, 1)); computed as softplus(-m), so it never overflows.")

_add("exponential", "Exponential", "margin",
     lambda m: np.exp(-m), lambda m: -np.exp(-m),
     r"$\ell(m)=e^{-m}$",
     aliases=("adaboost",), source="textbook",
     note="AdaBoost's loss; it punishes a wrong answer exponentially (+inf once e^-m leaves the float range).")

_add("modified_huber", "Modified Huber", "margin",
     lambda m: np.where(m >= -1.0, _pos(1.0 - m) ** 2, -4.0 * m),
     lambda m: np.where(m >= -1.0, -2.0 * _pos(1.0 - m), -4.0),
     r"$\ell(m)=\max(0,1-m)^2$ if $m\geq -1$ else $-4m$",
     source="sklearn", note="Zhang (2004), sklearn's SGDClassifier: squared hinge that turns linear below -1.")

_add("perceptron", "Perceptron", "margin",
     lambda m: _pos(-m), lambda m: -(m < 0.0).astype(float),
     r"$\ell(m)=\max(0,-m)$",
     torch="hinge_embedding_loss(margin=0)", source="textbook",
     note="Hinge with margin 0: any right answer is good enough. perceptron'(0) = 0.")

# --------------------------------------------------------------------------- residual r = y - y_hat

_DELTA = Param("delta", 1.0, low=0.0, low_inclusive=False, doc="where the quadratic turns linear (PyTorch default 1)")
_TARGET = Param("target", 1.0, doc="the target y (the loss depends on it, not only on y - y_hat)")


def _log_cosh(r):
    """log(cosh r): 2 sinh^2(r/2) inside log1p near 0 (no cancellation), |r| + log1p(e^-2|r|) - ln 2 far out."""
    a = np.abs(r)
    near = np.minimum(a, 1.0)
    return np.where(a < 1.0, np.log1p(2.0 * np.sinh(0.5 * near) ** 2), a + np.log1p(np.exp(-2.0 * a)) - math.log(2.0))


def _msle_terms(r, target):
    """Keras's MSLE with y_hat = target - r, both clipped at epsilon: the difference of the logs,
    ln(1 + y_hat') - ln(1 + y') = log1p((y_hat' - y') / (1 + y')), with y_hat' - y' = -r + (y - y')
    where y_hat is not clipped (so a small residual keeps its digits)."""
    pred = target - r
    clipped = np.maximum(pred, KERAS_EPSILON)
    c_t = max(target, KERAS_EPSILON)
    gap = np.where(pred > KERAS_EPSILON, -r + (target - c_t), KERAS_EPSILON - c_t)
    return pred, np.log1p(gap / (1.0 + c_t)), clipped


def _msle_d(r, target):
    pred, diff, clipped = _msle_terms(r, target)
    return np.where(pred > KERAS_EPSILON, -2.0 * diff / (1.0 + clipped), 0.0)


_add("mse", "MSE", "residual",
     lambda r: r * r, lambda r: 2.0 * r,
     r"$\ell(r)=r^2$",
     aliases=("mean_squared_error", "l2", "squared_error"), torch="mse_loss", source="article,keras")

_add("mae", "MAE", "residual",
     np.abs, np.sign,
     r"$\ell(r)=|r|$",
     aliases=("mean_absolute_error", "l1", "absolute_error"), torch="l1_loss", source="article,keras",
     note="mae'(0) = 0, as l1_loss's gradient.")

_add("huber", "Huber", "residual",
     lambda r, delta: np.where(np.abs(r) < delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta)),
     lambda r, delta: np.where(np.abs(r) < delta, r, delta * np.sign(r)),
     r"$\ell(r)=\frac{r^2}{2}$ if $|r|<\delta$ else $\delta(|r|-\frac{\delta}{2})$",
     params=(_DELTA,), torch="huber_loss", source="textbook",
     note="Quadratic near 0, linear (slope delta) beyond |r| = delta: MSE's smoothness, MAE's robustness.")

_add("smooth_l1", "Smooth L1", "residual",
     lambda r, beta: np.where(np.abs(r) < beta, 0.5 * r * r / max(beta, 1e-300), np.abs(r) - 0.5 * beta),
     lambda r, beta: np.where(np.abs(r) < beta, r / max(beta, 1e-300), np.sign(r)),
     r"$\ell(r)=\frac{r^2}{2\beta}$ if $|r|<\beta$ else $|r|-\frac{\beta}{2}$",
     params=(Param("beta", 1.0, low=0.0, doc="width of the quadratic part (0: MAE)"),),
     torch="smooth_l1_loss", source="torch", note="Huber divided by beta (Fast R-CNN); beta = 0 is MAE.")

_add("log_cosh", "Log-cosh", "residual",
     _log_cosh, np.tanh,
     r"$\ell(r)=\ln\cosh(r)$",
     aliases=("logcosh",), source="keras",
     note="About r^2/2 near 0 and |r| - ln 2 far out, smooth everywhere; derivative tanh(r).")

_add("mape", "MAPE", "residual",
     lambda r, target: 100.0 * np.abs(r) / max(abs(target), KERAS_EPSILON),
     lambda r, target: 100.0 * np.sign(r) / max(abs(target), KERAS_EPSILON),
     r"$\ell(r)=100\,\frac{|r|}{|y|}$",
     params=(_TARGET,), aliases=("mean_absolute_percentage_error",), source="article,keras",
     note="Keras's mean_absolute_percentage_error, |y| floored at 1e-7: MAE in percent of the target, so "
          "the same miss costs more on a small target.")

_add("msle", "MSLE", "residual",
     lambda r, target: _msle_terms(r, target)[1] ** 2, _msle_d,
     r"$\ell(r)=(\ln(1+\hat{y})-\ln(1+y))^2,\ \hat{y}=y-r$",
     params=(_TARGET,), aliases=("mean_squared_logarithmic_error",), source="article,keras",
     note="Keras's mean_squared_logarithmic_error: y and y_hat are floored at 1e-7 before log1p, so the loss is "
          "flat once y_hat < 1e-7 (r > target). Asymmetric: predicting too little costs more than too much.")

_add("quantile", "Quantile", "residual",
     lambda r, tau: np.where(r >= 0, tau * r, (tau - 1.0) * r),
     lambda r, tau: np.where(r > 0, tau, np.where(r < 0, tau - 1.0, 0.0)),
     r"$\ell(r)=\max(\tau r,(\tau-1)r)$",
     params=(Param("tau", 0.5, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False,
                   doc="the quantile fitted (0.5: half the absolute error, fits the median)"),),
     aliases=("pinball",), source="textbook",
     note="Minimised by the tau-quantile of y: under-prediction (r > 0) costs tau, over-prediction 1 - tau. "
          "quantile'(0) = 0.")

_add("gaussian_nll", "Gaussian NLL", "residual",
     lambda r, var: 0.5 * (math.log(max(var, GAUSSIAN_NLL_EPS)) + r * r / max(var, GAUSSIAN_NLL_EPS)),
     lambda r, var: r / max(var, GAUSSIAN_NLL_EPS),
     r"$\ell(r)=\frac{1}{2}(\ln\sigma^2+\frac{r^2}{\sigma^2})$",
     params=(Param("var", 1.0, low=0.0, low_inclusive=False, doc="the predicted variance sigma^2"),),
     torch="gaussian_nll_loss", source="torch",
     note="Negative log-likelihood of y under N(y_hat, var) without the constant (PyTorch full=False); the "
          "variance is floored at 1e-6 as PyTorch does.")

# --------------------------------------------------------------------------- probability p

_TARGET_P = Param("target", 1.0, low=0.0, high=1.0, doc="the target probability y (1: the positive class)")


def _xlogy(a, b):
    """a log b, with 0 log 0 = 0 (and 0 wherever a = 0)."""
    return np.where(a == 0, 0.0, a * np.log(np.where(a == 0, 1.0, b)))


def _in_unit(p, value):
    return np.where((p >= 0) & (p <= 1), value, math.nan)


def _xlog1my(a, b):
    """a log(1 - b) through log1p (accurate for small b), with 0 wherever a = 0."""
    return np.where(a == 0, 0.0, a * np.log1p(-np.where(a == 0, 0.0, b)))


def _bce(p, target):
    return _in_unit(p, -(_xlogy(target, p) + _xlog1my(1.0 - target, p)))


def _bce_d(p, target):
    """-y/p + (1-y)/(1-p), each term 0 where its weight is 0."""
    first = np.where(target == 0, 0.0, -target / np.where(target == 0, 1.0, p))
    second = np.where(target == 1, 0.0, (1.0 - target) / np.where(target == 1, 1.0, 1.0 - p))
    return _in_unit(p, first + second)


def _focal(p, gamma, target):
    pt = p * target + (1.0 - p) * (1.0 - target)
    return (1.0 - pt) ** gamma * _bce(p, target)


def _focal_d(p, gamma, target):
    pt = p * target + (1.0 - p) * (1.0 - target)
    q = 1.0 - pt
    # d/dp (1-pt)^gamma = -gamma (1-pt)^(gamma-1) (2y-1); where 1 - pt = 0 its product with the BCE is 0
    weight_d = np.where(q > 0, -gamma * np.where(q > 0, q, 1.0) ** (gamma - 1.0) * (2.0 * target - 1.0), 0.0)
    bce = _bce(p, target)
    return q ** gamma * _bce_d(p, target) + np.where(weight_d == 0, 0.0, weight_d * bce)


def _kl(p, target):
    """y ln(y/p) + (1-y) ln((1-y)/(1-p)): the Bernoulli KL divergence from the target to the prediction."""
    return _in_unit(p, _xlogy(target, target) - _xlogy(target, p)
                    + _xlogy(1.0 - target, 1.0 - target) - _xlog1my(1.0 - target, p))


_add("bce", "Binary cross-entropy", "probability",
     _bce, _bce_d,
     r"$\ell(p)=-y\ln p-(1-y)\ln(1-p)$",
     params=(_TARGET_P,), aliases=("binary_cross_entropy", "binary_crossentropy", "cross_entropy"),
     torch="binary_cross_entropy", source="article,keras,torch",
     note="-log of the probability given to the target: log loss as a function of p = sigmoid(f(x)). "
          "+inf at p = 0 for y > 0 (PyTorch clamps each log at -100, so gives 100 there).")

_add("focal", "Focal", "probability",
     _focal, _focal_d,
     r"$\ell(p)=-(1-p_t)^{\gamma}\ln p_t,\ p_t=py+(1-p)(1-y)$",
     params=(Param("gamma", 2.0, low=0.0, doc="focusing: 0 is cross-entropy; larger ignores easy examples more"),
             _TARGET_P),
     source="Lin et al. 2017, torchvision",
     note="Lin et al.'s focal loss, torchvision's sigmoid_focal_loss with alpha = -1 (no class weight; multiply "
          "by alpha_t for the weighted form): cross-entropy scaled down where the prediction is already good.")

_add("kl", "KL divergence", "probability",
     _kl, _bce_d,
     r"$\ell(p)=y\ln\frac{y}{p}+(1-y)\ln\frac{1-y}{1-p}$",
     params=(_TARGET_P,), aliases=("kl_div", "kullback_leibler", "kullback_leibler_divergence"),
     torch="kl_div", source="article,keras,torch",
     note="KL(target || prediction) for one yes/no outcome: cross-entropy minus the target's own entropy, "
          "so it is 0 at p = y; the same derivative as cross-entropy.")


# --------------------------------------------------------------------------- look-up and specs

_LOOKUP: dict[str, Loss] = {}
for _loss in LOSSES:
    for _k in (_loss.name, *_loss.aliases):
        if key(_k) in _LOOKUP:
            raise ValueError(f"duplicate loss name {_k!r}")
        _LOOKUP[key(_k)] = _loss

NAMES: tuple[str, ...] = tuple(loss.name for loss in LOSSES)


def get(name: str) -> Loss:
    """A loss by name or alias; an unknown name suggests the closest ones."""
    import difflib

    found = _LOOKUP.get(key(name))
    if found is not None:
        return found
    close = difflib.get_close_matches(key(name), list(_LOOKUP), n=3, cutoff=0.5)
    names = list(dict.fromkeys(_LOOKUP[c].name for c in close))
    hint = f"; did you mean {', '.join(names)}?" if names else f"; losses: {', '.join(NAMES)}"
    raise UserError(f"unknown loss {name.strip()!r}{hint}")


def of_kind(kind: str) -> list[Loss]:
    """Every loss drawn against ``kind`` (margin, residual or probability)."""
    if kind not in KINDS:
        raise UserError(f"unknown kind of loss {kind!r}; choose from {', '.join(KINDS)}")
    return [loss for loss in LOSSES if loss.kind == kind]


def parse(spec: str) -> BoundLoss:
    """``huber`` or ``huber:delta=0.5`` (several parameters separated by commas) -> a bound loss."""
    from actviz.core.spec import parse_values

    if not isinstance(spec, str) or not spec.strip():
        raise UserError("empty loss spec; give a name such as mse or huber:delta=0.5")
    loss = get(spec.strip().partition(":")[0])
    return BoundLoss(loss, parse_values(loss, spec, "loss"))


def one_kind(losses) -> str:
    """The kind shared by all ``losses``; losses of different kinds have different x axes."""
    kinds = list(dict.fromkeys(b.kind for b in losses))
    if len(kinds) > 1:
        first = {k: next(b.name for b in losses if b.kind == k) for k in kinds}
        shown = " and ".join(f"{first[k]} is a {k} loss" for k in kinds)
        raise UserError(f"cannot draw these losses on one axis: {shown}; draw one kind per figure")
    return kinds[0]

"""The built-in activation catalogue: one entry per function, f and f' side by side.

Sources: the reference articles ("article"), the 26 functions of the "Visualising
Activation Functions in Neural Networks" catalogue plus its usual companions
("catalogue26"), and every element-wise activation of ``torch.nn`` with PyTorch's
definitions and default parameters ("torch").

Conventions, all checked by ``tests/test_catalogue.py``:

* Derivatives are analytic (never numeric). At a kink the derivative is PyTorch's
  autograd value: relu'(0) = 0, leaky/prelu/rrelu'(0) = the negative slope,
  elu'(0) = alpha, selu'(0) = scale*alpha, celu'(0) = 1, relu6'(0) = relu6'(6) = 0,
  hardtanh'(min_val) = hardtanh'(max_val) = 0, hardsigmoid'(+-3) = 0,
  hardswish'(-3) = 0 and hardswish'(3) = 1, hardshrink'(+-lambd) = softshrink'(+-lambd) = 0,
  threshold'(threshold) = 0, softplus'(threshold/beta) = sigmoid(threshold), abs'(0) = 0.
  Functions PyTorch lacks follow the same rule: the closed side of a piece wins
  (e.g. srelu'(t_r) = a_r), and the derivative of a jump (step, sign) is 0.
* f and f' accept any-shape float arrays and return float arrays of the same shape.
  They are finite for every finite input where the true value is finite and raise no
  invalid or divide-by-zero floating-point error, whatever the parameters. Underflow to
  a subnormal or zero, and overflow to +-inf where the true value (or an unused branch
  of ``np.where``) leaves the float range, are the correctly rounded results and are
  silenced locally; ``tests/test_properties.py`` checks that an infinity at a finite
  input only ever continues finite values near the largest float.
* NaN in gives NaN out; +-inf in gives the limit of f (or f') there, or NaN where
  there is none (sinusoid, cos) or where the function is undefined (soft exponential
  with alpha < 0 below its domain).
* ``props`` hold at the default parameters; ``kinks`` are at the default parameters
  too, and :func:`kinks_at` gives them for any parameters.
"""
from __future__ import annotations

import math
from typing import Callable

from actviz.core import numerics as nx
from actviz.core.lazy import numpy as np  # numpy loads when a function first runs (actviz list needs none)
from actviz.core.activation import Activation, Param, Properties

INF = math.inf
NAN = math.nan

SELU_ALPHA = 1.6732632423543772848170429916717
"""SELU's alpha, as in Klambauer et al. (2017) and PyTorch."""
SELU_SCALE = 1.0507009873554804934193349852946
"""SELU's scale (lambda), as in Klambauer et al. (2017) and PyTorch."""
LECUN_A, LECUN_B = 1.7159, 2.0 / 3.0
"""LeCun's scaled tanh: A tanh(B x) (Efficient BackProp, 1998)."""
GELU_TANH_C, GELU_TANH_K = nx.GELU_TANH_C, nx.GELU_TANH_K

# --------------------------------------------------------------------------- registration

BUILTINS: list[Activation] = []
"""Every built-in entry, in catalogue order (filled once, below, as the module is read)."""

_KINKS: dict[str, Callable[..., tuple[float, ...]]] = {}


def _props(rng, max_slope, flags=""):
    """Properties from a range, the sup of |f'| and flags among 'monotonic zero_centred smooth'."""
    words = set(flags.split())
    unknown = words - {"monotonic", "zero_centred", "smooth"}
    if unknown:
        raise ValueError(f"unknown property flags {sorted(unknown)}")
    lo, hi = float(rng[0]), float(rng[1])
    return Properties(range=(lo, hi), monotonic="monotonic" in words, zero_centred="zero_centred" in words,
                      smooth="smooth" in words, bounded=math.isfinite(lo) and math.isfinite(hi),
                      max_slope=float(max_slope))


def _add(name, title, family, f, df, latex, props, *, ends, dends, kinks=(), **meta) -> Activation:
    """Register one entry. ``ends``/``dends`` are the limits of f/f' at -inf and +inf (a pair or a
    function of the parameters); ``kinks`` is a tuple or a function of the parameters."""
    params = meta.get("params", ())
    if callable(kinks):
        _KINKS[name] = kinks
        kinks = kinks(**{p.name: p.default for p in params})
    act = Activation(name=name, title=title, family=family, f=nx.guarded(f, ends), df=nx.guarded(df, dends),
                     latex=latex, props=props, kinks=tuple(sorted(float(k) for k in kinks)), **meta)
    BUILTINS.append(act)
    return act


def kinks_at(act: Activation, params: dict[str, float] | None = None) -> tuple[float, ...]:
    """Where f' jumps or f is not differentiable, for the given parameters (defaults if omitted)."""
    fn = _KINKS.get(act.name)
    if fn is None:
        return act.kinks
    return tuple(sorted(float(k) for k in fn(**{**act.defaults(), **(params or {})})))


def _p_alpha(doc="scale of the negative part"):
    return Param("alpha", 1.0, low=0.0, low_inclusive=False, doc=doc)


_LAMBD = Param("lambd", 0.5, low=0.0, doc="half-width of the zeroed band (PyTorch default 0.5)")
_BETA = Param("beta", 1.0, low=0.0, doc="slope of the gate, beta x; 0 gives x/2")
_SIG_ENDS, _SIG_DENDS = (0.0, 1.0), (0.0, 0.0)
_SYM_ENDS = (-1.0, 1.0)
_LIN_ENDS, _RELU_ENDS, _RELU_DENDS = (-INF, INF), (0.0, INF), (0.0, 1.0)
_SMOOTH_MONO = "monotonic smooth"
_ODD_MONO = "monotonic zero_centred smooth"

# --------------------------------------------------------------------------- sigmoidal

_add("sigmoid", "Sigmoid", "sigmoidal", nx.sigmoid, nx.sigmoid_d,
     r"$f(x)=\frac{1}{1+e^{-x}}$", _props((0, 1), 0.25, _SMOOTH_MONO),
     ends=_SIG_ENDS, dends=_SIG_DENDS, aliases=("logistic",), source="article,catalogue26,torch",
     note="f' = f(1-f), largest (1/4) at 0.")

_add("tanh", "Tanh", "sigmoidal", lambda x: np.tanh(x), nx.sech2,
     r"$f(x)=\tanh(x)$", _props(_SYM_ENDS, 1.0, _ODD_MONO),
     ends=_SYM_ENDS, dends=_SIG_DENDS, aliases=("hyperbolic_tangent",), source="article,catalogue26,torch",
     note="f' = 1 - f^2 (computed as sech^2 to stay accurate in the tails); f'(0) = 1.")

_add("arctan", "ArcTan", "sigmoidal", lambda x: np.arctan(x), lambda x: nx.rsqrt1p(x, 1.0) ** 2,
     r"$f(x)=\tan^{-1}(x)$", _props((-math.pi / 2, math.pi / 2), 1.0, _ODD_MONO),
     ends=(-math.pi / 2, math.pi / 2), dends=_SIG_DENDS, aliases=("atan", "inverse_tangent"),
     source="article,catalogue26")

_add("softsign", "Softsign", "sigmoidal", lambda x: x / (1.0 + np.abs(x)), lambda x: (1.0 / (1.0 + np.abs(x))) ** 2,
     r"$f(x)=\frac{x}{1+|x|}$", _props(_SYM_ENDS, 1.0, _ODD_MONO),
     ends=_SYM_ENDS, dends=_SIG_DENDS, source="article,catalogue26,torch",
     note="Continuously differentiable; f'' jumps at 0, so the derivative has a cusp there.")

_add("isru", "ISRU", "sigmoidal", lambda x, alpha: x * nx.rsqrt1p(x, alpha), lambda x, alpha: nx.rsqrt1p(x, alpha) ** 3,
     r"$f(x)=\frac{x}{\sqrt{1+\alpha x^2}}$", _props(_SYM_ENDS, 1.0, _ODD_MONO),
     ends=lambda alpha: (-alpha ** -0.5, alpha ** -0.5), dends=_SIG_DENDS,
     params=(_p_alpha(doc="range is +-1/sqrt(alpha)"),), aliases=("inverse_square_root_unit",),
     source="article,catalogue26", note="Inverse square root unit; range (-1/sqrt(alpha), 1/sqrt(alpha)).")

_add("lecun_tanh", "LeCun Tanh", "sigmoidal",
     lambda x: nx.tanh_scaled(x, LECUN_A, LECUN_B), lambda x: nx.tanh_scaled_d(x, LECUN_A, LECUN_B),
     r"$f(x)=1.7159\tanh(\frac{2}{3}x)$", _props((-LECUN_A, LECUN_A), LECUN_A * LECUN_B, _ODD_MONO),
     ends=(-LECUN_A, LECUN_A), dends=_SIG_DENDS, aliases=("scaled_tanh",), source="catalogue26",
     note="LeCun's scaled tanh (Efficient BackProp): f(+-1) = +-1 approximately.")

_add("symmetrical_sigmoid", "Symmetrical Sigmoid", "sigmoidal",
     lambda x: nx.tanh_scaled(x, 1.0, 0.5), lambda x: nx.tanh_scaled_d(x, 1.0, 0.5),
     r"$f(x)=\tanh(\frac{x}{2})=\frac{1-e^{-x}}{1+e^{-x}}$", _props(_SYM_ENDS, 0.5, _ODD_MONO),
     ends=_SYM_ENDS, dends=_SIG_DENDS, aliases=("symmetric_sigmoid",), source="catalogue26",
     note="2 sigmoid(x) - 1.")

_add("hardsigmoid", "Hardsigmoid (PyTorch)", "sigmoidal",
     lambda x: np.clip(x + 3.0, 0.0, 6.0) / 6.0, lambda x: nx.inside(x, -3.0, 3.0) / 6.0,
     r"$f(x)=\min(\max(0,\frac{x}{6}+\frac{1}{2}),1)$", _props((0, 1), 1 / 6, "monotonic"),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kinks=(-3.0, 3.0), aliases=("hard_sigmoid_torch",), source="torch",
     note="PyTorch's (and Keras 3's) relu6(x+3)/6, slope 1/6 on (-3, 3). "
          "For the Keras 2 / catalogue form 0.2x+0.5 see hard_sigmoid_keras.")

_add("hard_sigmoid_keras", "Hard Sigmoid (Keras)", "sigmoidal",
     lambda x: np.clip(0.2 * x + 0.5, 0.0, 1.0), lambda x: 0.2 * nx.inside(x, -2.5, 2.5),
     r"$f(x)=\min(\max(0,0.2x+0.5),1)$", _props((0, 1), 0.2, "monotonic"),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kinks=(-2.5, 2.5), aliases=("keras_hard_sigmoid",), source="catalogue26",
     note="Keras 2 / Theano hard sigmoid, slope 0.2 on (-2.5, 2.5); f' = 0 at +-2.5 as in PyTorch. "
          "PyTorch's hardsigmoid is x/6+1/2 clipped (entry hardsigmoid).")

_add("hardtanh", "Hardtanh", "sigmoidal",
     lambda x, min_val, max_val: np.clip(x, min_val, max_val),
     lambda x, min_val, max_val: nx.inside(x, min_val, max_val),
     r"$f(x)=\min(\max(x,x_{\min}),x_{\max})$", _props(_SYM_ENDS, 1.0, "monotonic zero_centred"),
     ends=lambda min_val, max_val: (min_val, max_val), dends=_SIG_DENDS,
     kinks=lambda min_val, max_val: (min_val, max_val),
     params=(Param("min_val", -1.0, high=0.0, doc="lower clip (<= 0 here, so the interval is never empty)"),
             Param("max_val", 1.0, low=0.0, doc="upper clip (>= 0)")),
     aliases=("hard_tanh",), source="catalogue26,torch")

_add("log_log", "Log Log", "sigmoidal",
     lambda x: -np.expm1(-np.exp(np.minimum(x, 700.0))),
     lambda x: np.exp(np.minimum(x, 700.0) - np.exp(np.minimum(x, 700.0))),
     r"$f(x)=1-e^{-e^{x}}$", _props((0, 1), 1 / math.e, _SMOOTH_MONO),
     ends=_SIG_ENDS, dends=_SIG_DENDS, aliases=("cloglog", "complementary_log_log"), source="catalogue26",
     note="Complementary log-log; steepest (1/e) at 0.")

_add("soft_clipping", "Soft Clipping", "sigmoidal", nx.soft_clip, nx.soft_clip_d,
     r"$f(x)=\frac{1}{\alpha}\ln\frac{1+e^{\alpha x}}{1+e^{\alpha(x-1)}}$",
     _props((0, 1), math.tanh(0.25), _SMOOTH_MONO),
     ends=_SIG_ENDS, dends=_SIG_DENDS,
     params=(_p_alpha(doc="sharpness; large alpha approaches clip(x, 0, 1)"),), aliases=("soft_clip",),
     source="catalogue26", note="Klimek and Perelstein (2018); steepest (tanh(alpha/4)) at x = 1/2.")

_add("binary_step", "Binary Step", "sigmoidal",
     lambda x: np.where(x >= 0, 1.0, 0.0), nx.zeros,
     r"$f(x)=1$ if $x\geq 0$ else $0$", _props((0, 1), 0.0, "monotonic"),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kinks=(0.0,), aliases=("step", "heaviside", "unit_step"),
     source="article,catalogue26",
     note="Heaviside step with f(0) = 1 (torch.heaviside(x, 1)); f' = 0 everywhere (undefined at 0).")

_add("signum", "Signum", "sigmoidal", lambda x: np.sign(x), nx.zeros,
     r"$f(x)=\mathrm{sgn}(x)$", _props(_SYM_ENDS, 0.0, "monotonic zero_centred"),
     ends=_SYM_ENDS, dends=_SIG_DENDS, kinks=(0.0,), aliases=("sign", "sgn"), source="catalogue26",
     note="-1, 0, 1; f' = 0 everywhere (undefined at 0), as torch.sign's gradient.")

_add("softmax", "Softmax", "sigmoidal", nx.sigmoid, nx.sigmoid_d,
     r"$\mathrm{softmax}(x,0)_1=\frac{e^{x}}{e^{x}+1}$", _props((0, 1), 0.25, _SMOOTH_MONO),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kind="vector", source="article,torch",
     note="Vector function: softmax couples all units. The curve is the first component of softmax([x, 0]) "
          "(equal to sigmoid(x)) and f' its partial derivative s(1-s); warp and train refuse it.")

# --------------------------------------------------------------------------- ReLU-like

_add("relu", "ReLU", "relu", lambda x: np.maximum(x, 0.0), nx.relu_d,
     r"$f(x)=\max(0,x)$", _props((0, INF), 1.0, "monotonic"),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=(0.0,), aliases=("rectifier",),
     source="article,catalogue26,torch", note="f'(0) = 0 as in PyTorch.")

_add("relu6", "ReLU6", "relu", lambda x: np.clip(x, 0.0, 6.0), lambda x: nx.inside(x, 0.0, 6.0),
     r"$f(x)=\min(\max(0,x),6)$", _props((0, 6), 1.0, "monotonic"),
     ends=(0.0, 6.0), dends=_SIG_DENDS, kinks=(0.0, 6.0), source="article,torch",
     note="f'(0) = f'(6) = 0 as in PyTorch.")

_add("leaky_relu", "Leaky ReLU", "relu",
     lambda x, negative_slope: nx.leaky(x, negative_slope), lambda x, negative_slope: nx.leaky_d(x, negative_slope),
     r"$f(x)=\max(0,x)+s\,\min(0,x)$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred"),
     ends=lambda negative_slope: nx.leaky_ends(negative_slope), dends=lambda negative_slope: (negative_slope, 1.0),
     kinks=(0.0,),
     params=(Param("negative_slope", 0.01, low=0.0, high=1.0, doc="slope s for x < 0 (PyTorch default 0.01)"),),
     aliases=("lrelu", "leakyrelu"), source="article,catalogue26,torch",
     note="s = negative_slope; f'(0) = s as in PyTorch.")

_add("prelu", "PReLU", "relu", lambda x, a: nx.leaky(x, a), lambda x, a: nx.leaky_d(x, a),
     r"$f(x)=\max(0,x)+a\,\min(0,x)$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred"),
     ends=lambda a: nx.leaky_ends(a), dends=lambda a: (a, 1.0), kinks=(0.0,),
     params=(Param("a", 0.25, doc="learned slope for x < 0 (PyTorch's initial value 0.25)"),),
     aliases=("parametric_relu",), source="article,catalogue26,torch",
     note="Parametric ReLU with one shared slope a; f'(0) = a as in PyTorch.")

_add("rrelu", "RReLU", "relu",
     lambda x, lower, upper: nx.leaky(x, 0.5 * (lower + upper)),
     lambda x, lower, upper: nx.leaky_d(x, 0.5 * (lower + upper)),
     r"$f(x)=\max(0,x)+\frac{l+u}{2}\min(0,x)$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred"),
     ends=lambda lower, upper: nx.leaky_ends(0.5 * (lower + upper)),
     dends=lambda lower, upper: (0.5 * (lower + upper), 1.0), kinks=(0.0,),
     params=(Param("lower", 1 / 8, low=0.0, high=1.0, doc="lower bound l of the random slope"),
             Param("upper", 1 / 3, low=0.0, high=1.0, doc="upper bound u of the random slope")),
     aliases=("randomized_relu",), source="article,catalogue26,torch",
     note="Randomized leaky ReLU in evaluation mode (PyTorch training=False): slope (lower+upper)/2 = 11/48 "
          "at PyTorch's defaults. In training the slope is drawn from U(lower, upper); the article's example "
          "draws it from [0.1, 0.3] (mean 0.2 at test time).")

_add("threshold", "Threshold", "relu",
     lambda x, threshold, value: np.where(x > threshold, x, value),
     lambda x, threshold, value: (x > threshold).astype(float),
     r"$f(x)=x$ if $x>\theta$ else $v$", _props((0, INF), 1.0, "monotonic"),
     ends=lambda threshold, value: (value, INF), dends=_RELU_DENDS,
     kinks=lambda threshold, value: (threshold,),
     params=(Param("threshold", 0.0, doc="theta: inputs above it pass"), Param("value", 0.0, doc="v: output otherwise")),
     source="article,torch",
     note="torch.nn.Threshold, which has no defaults: here threshold=0, value=0 (then equal to ReLU). "
          "f'(threshold) = 0 as in PyTorch; f jumps unless value = threshold.")

_add("crelu", "CReLU", "relu", lambda x: np.maximum(x, 0.0), nx.relu_d,
     r"$(\max(0,x),\ \max(0,-x))$", _props((0, INF), 1.0, "monotonic"),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=(0.0,), kind="widening", aliases=("concatenated_relu",),
     source="article",
     note="Widening function: each unit gives two outputs, relu(x) and relu(-x), doubling the layer. "
          "The curve is the first output, relu(x) (the second is its mirror image); warp and train refuse it.")

_add("maxout", "Maxout", "relu",
     lambda x, a, b: np.maximum(x, a * x + b), lambda x, a, b: np.where(x > a * x + b, 1.0, a),
     r"$f(x)=\max(x,\ a x+b)$", _props((0, INF), 1.0),
     ends=lambda a, b: (nx.leaky_ends(a)[0] if a else b, INF), dends=lambda a, b: (a, 1.0),
     kinks=lambda a, b: (b / (1.0 - a),),
     params=(Param("a", -0.5, low=-1.0, high=1.0, high_inclusive=False, doc="slope of the second piece"),
             Param("b", 0.0, doc="intercept of the second piece")),
     kind="pooling", source="article",
     note="Pooling function: maxout takes the max over a group of units. The curve is a group of two "
          "pieces z1 = x and z2 = a x + b fed by the same input, max(x, a x + b); the default a = -0.5, "
          "b = 0 draws a V with its kink at 0. At the tie f' is a (the second piece wins, so a = b = 0 is "
          "ReLU including f'(0) = 0). Warp and train refuse it.")

_add("srelu", "SReLU", "relu",
     lambda x, t_l, a_l, t_r, a_r: np.where(x >= t_r, t_r + a_r * (x - t_r),
                                            np.where(x <= t_l, t_l + a_l * (x - t_l), x)),
     lambda x, t_l, a_l, t_r, a_r: np.where(x >= t_r, a_r, np.where(x <= t_l, a_l, 1.0)),
     r"$f(x)=\mathrm{clip}(x,t_l,t_r)+a_l(x-t_l)_{-}+a_r(x-t_r)_{+}$",
     _props(_LIN_ENDS, 1.0, "monotonic zero_centred"),
     ends=lambda t_l, a_l, t_r, a_r: (nx.leaky_ends(a_l)[0] if a_l else t_l, math.copysign(INF, a_r) if a_r else t_r),
     dends=lambda t_l, a_l, t_r, a_r: (a_l, a_r), kinks=lambda t_l, a_l, t_r, a_r: (t_l, t_r),
     params=(Param("t_l", -1.0, high=0.0, doc="left threshold"), Param("a_l", 0.1, doc="slope left of t_l"),
             Param("t_r", 1.0, low=0.0, doc="right threshold"), Param("a_r", 0.5, doc="slope right of t_r")),
     aliases=("s_shaped_relu",), source="article,catalogue26",
     note="S-shaped ReLU (Jin et al. 2016) with fixed, documented parameters t_l=-1, a_l=0.1, t_r=1, a_r=0.5 "
          "(learned in the paper); z_+ = max(0, z), z_- = min(0, z). At a threshold f' is the outer slope.")

_add("apl", "APL", "relu",
     lambda x, a, b: np.maximum(x, 0.0) + a * np.maximum(b - x, 0.0),
     lambda x, a, b: (x > 0).astype(float) - a * (x < b),
     r"$f(x)=\max(0,x)+a\max(0,-x+b)$", _props(_LIN_ENDS, 1.5, "monotonic"),
     ends=lambda a, b: (-nx.leaky_ends(a)[0], INF), dends=lambda a, b: (-a, 1.0),
     kinks=lambda a, b: (0.0, b),
     params=(Param("a", -0.5, doc="weight of the hinge"), Param("b", 1.0, doc="position of the hinge")),
     aliases=("adaptive_piecewise_linear",), source="catalogue26",
     note="Adaptive piecewise linear unit (Agostinelli et al. 2014) with one hinge (S = 1) and fixed, "
          "documented a = -0.5, b = 1 (learned in the paper): slopes 0.5, 1.5, 1 on x < 0, 0 < x < 1, x > 1. "
          "Each max(0, .) has PyTorch's relu'(0) = 0 convention.")

# --------------------------------------------------------------------------- smooth ReLU-like

_add("elu", "ELU", "smooth-relu", nx.elu, nx.elu_d,
     r"$f(x)=x$ if $x>0$ else $\alpha(e^{x}-1)$", _props((-1, INF), 1.0, _ODD_MONO),
     ends=lambda alpha: (-alpha, INF), dends=_RELU_DENDS, kinks=(0.0,),
     params=(_p_alpha(),), source="article,catalogue26,torch",
     note="f'(0) = alpha as in PyTorch; continuously differentiable only for alpha = 1.")

_add("selu", "SELU", "smooth-relu",
     lambda x: nx.sat_mul(SELU_SCALE, nx.elu(x, SELU_ALPHA)), lambda x: SELU_SCALE * nx.elu_d(x, SELU_ALPHA),
     r"$f(x)=\lambda x$ if $x>0$ else $\lambda\alpha(e^{x}-1)$",
     _props((-SELU_SCALE * SELU_ALPHA, INF), SELU_SCALE * SELU_ALPHA, "monotonic zero_centred"),
     ends=(-SELU_SCALE * SELU_ALPHA, INF), dends=(0.0, SELU_SCALE), kinks=(0.0,),
     source="article,catalogue26,torch",
     note="alpha = 1.6732632423543772848170429916717, lambda = 1.0507009873554804934193349852946 exactly "
          "(Klambauer et al., PyTorch). f' jumps at 0 from lambda*alpha to lambda; f'(0) = lambda*alpha.")

_add("celu", "CELU", "smooth-relu",
     lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0) / alpha)),
     lambda x, alpha: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0) / alpha)),
     r"$f(x)=\max(0,x)+\min(0,\alpha(e^{x/\alpha}-1))$", _props((-1, INF), 1.0, _ODD_MONO),
     ends=lambda alpha: (-alpha, INF), dends=_RELU_DENDS,
     params=(_p_alpha(),), source="torch",
     note="Continuously differentiable ELU for every alpha (f'(0) = 1).")

_add("softplus", "Softplus", "smooth-relu",
     nx.softplus_torch, nx.softplus_torch_d,
     r"$f(x)=\frac{1}{\beta}\ln(1+e^{\beta x})$", _props((0, INF), 1.0, _SMOOTH_MONO),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=lambda beta, threshold: (threshold / beta,),
     params=(Param("beta", 1.0, low=0.0, low_inclusive=False, doc="sharpness"),
             Param("threshold", 20.0, low=0.0, low_inclusive=False, doc="beta x above it: f(x) = x")),
     source="article,catalogue26,torch",
     note="PyTorch's definition: f(x) = x where beta x > threshold. At x = threshold/beta f and f' jump by "
          "~2e-9 at the defaults (listed as a kink, still counted smooth); small thresholds make a visible jump.")

_add("logsigmoid", "LogSigmoid", "smooth-relu",
     lambda x: -nx.softplus(-x), lambda x: nx.sigmoid(-x),
     r"$f(x)=\ln\frac{1}{1+e^{-x}}$", _props((-INF, 0), 1.0, _SMOOTH_MONO),
     ends=(-INF, 0.0), dends=(1.0, 0.0), aliases=("log_sigmoid",), source="torch",
     note="-softplus(-x): a softplus mirrored through the origin, hence in the smooth-ReLU family.")

_add("silu", "SiLU", "smooth-relu", lambda x: nx.swish(x, 1.0), lambda x: nx.swish_d(x, 1.0),
     r"$f(x)=\frac{x}{1+e^{-x}}$", _props((-0.2784645427610738, INF), 1.0998393201288669, "zero_centred smooth"),
     ends=_RELU_ENDS, dends=_RELU_DENDS, aliases=("sigmoid_linear_unit",), source="article,catalogue26,torch",
     note="x sigmoid(x), swish with beta = 1; minimum -0.27846 at x = -1.27846.")

_add("swish", "Swish", "smooth-relu", nx.swish, nx.swish_d,
     r"$f(x)=\frac{x}{1+e^{-\beta x}}$", _props((-0.2784645427610738, INF), 1.0998393201288669, "zero_centred smooth"),
     ends=lambda beta: (0.0 if beta else -INF, INF), dends=lambda beta: (0.0 if beta else 0.5, 1.0 if beta else 0.5),
     params=(_BETA,), source="article",
     note="x sigmoid(beta x) (Ramachandran et al.); beta = 1 is SiLU, beta = 0 is x/2.")

_add("gelu", "GELU", "smooth-relu",
     lambda x: x * nx.ndtr(x), lambda x: nx.ndtr(x) + x * nx.npdf(x),
     r"$f(x)=x\,\Phi(x)=\frac{x}{2}(1+\mathrm{erf}(x/\sqrt{2}))$",
     _props((-0.16997120747990366, INF), 1.1289041451851548, "zero_centred smooth"),
     ends=_RELU_ENDS, dends=_RELU_DENDS, aliases=("gelu_erf",), source="torch",
     note="Exact (erf) GELU, PyTorch approximate='none'; erfc is a vectorised Chebyshev fit (~1e-15).")

_add("gelu_tanh", "GELU (tanh approx.)", "smooth-relu",
     nx.gelu_tanh, nx.gelu_tanh_d,
     r"$f(x)=\frac{x}{2}(1+\tanh(\sqrt{2/\pi}(x+0.044715x^3)))$",
     _props((-0.17004075057125405, INF), 1.1289930686587718, "zero_centred smooth"),
     ends=_RELU_ENDS, dends=_RELU_DENDS, aliases=("gelu_approximate",), source="torch",
     note="PyTorch approximate='tanh'; computed as x sigmoid(2u), which is the same function.")


_add("mish", "Mish", "smooth-relu", nx.mish, nx.mish_d,
     r"$f(x)=x\tanh(\ln(1+e^{x}))$", _props((-0.30884341301725041, INF), 1.0884981612517279, "zero_centred smooth"),
     ends=_RELU_ENDS, dends=_RELU_DENDS, source="torch", note="Misra (2019).")

_add("hardswish", "Hardswish", "smooth-relu",
     lambda x: x * (np.clip(x + 3.0, 0.0, 6.0) / 6.0),
     lambda x: np.where(x <= -3.0, 0.0, np.where(x < 3.0, x / 3.0 + 0.5, 1.0)),
     r"$f(x)=x\,\frac{\min(\max(0,x+3),6)}{6}$", _props((-0.375, INF), 1.5, "zero_centred"),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=(-3.0, 3.0), aliases=("hard_swish",), source="torch",
     note="Piecewise quadratic swish (MobileNetV3); f' jumps at -3 (0 to -1/2) and at 3 (3/2 to 1); "
          "f'(-3) = 0 and f'(3) = 1 as in PyTorch.")

_add("isrlu", "ISRLU", "smooth-relu",
     lambda x, alpha: np.where(x >= 0, x, x * nx.rsqrt1p(x, alpha)),
     lambda x, alpha: np.where(x >= 0, 1.0, nx.rsqrt1p(x, alpha) ** 3),
     r"$f(x)=x$ if $x\geq 0$ else $\frac{x}{\sqrt{1+\alpha x^2}}$", _props((-1, INF), 1.0, _ODD_MONO),
     ends=lambda alpha: (-alpha ** -0.5, INF), dends=_RELU_DENDS,
     params=(_p_alpha(doc="negative part tends to -1/sqrt(alpha)"),),
     aliases=("inverse_square_root_linear_unit",), source="catalogue26",
     note="Inverse square root linear unit (Carlile et al. 2017); twice differentiable at 0.")

_add("bent_identity", "Bent Identity", "smooth-relu",
     nx.bent_identity,
     lambda x: 1.0 + 0.5 * (x / np.hypot(x, 1.0)),
     r"$f(x)=\frac{\sqrt{x^2+1}-1}{2}+x$", _props(_LIN_ENDS, 1.5, _ODD_MONO),
     ends=_LIN_ENDS, dends=(0.5, 1.5), aliases=("bent",), source="article,catalogue26",
     note="Slopes tend to 1/2 and 3/2; computed as x + x^2/(2(sqrt(x^2+1)+1)) to avoid cancellation; "
          "+inf beyond about 1.2e308, where 3x/2 overflows.")

# --------------------------------------------------------------------------- shrink

_add("hardshrink", "Hardshrink", "shrink",
     lambda x, lambd: np.where(np.abs(x) > lambd, x, 0.0), lambda x, lambd: nx.outside(x, lambd),
     r"$f(x)=x$ if $|x|>\lambda$ else $0$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred"),
     ends=_LIN_ENDS, dends=(1.0, 1.0), kinks=lambda lambd: (-lambd, lambd),
     params=(_LAMBD,), aliases=("hard_shrink",), source="torch",
     note="Jumps at +-lambd, where f = 0 and f' = 0 as in PyTorch.")

_add("softshrink", "Softshrink", "shrink",
     lambda x, lambd: np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0)),
     lambda x, lambd: nx.outside(x, lambd),
     r"$f(x)=x-\lambda\,\mathrm{sgn}(x)$ if $|x|>\lambda$ else $0$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred"),
     ends=_LIN_ENDS, dends=(1.0, 1.0), kinks=lambda lambd: (-lambd, lambd),
     params=(_LAMBD,), aliases=("soft_shrink",), source="torch",
     note="Soft thresholding; f'(+-lambd) = 0 as in PyTorch.")

_add("tanhshrink", "Tanhshrink", "shrink", lambda x: x - np.tanh(x), lambda x: np.tanh(x) ** 2,
     r"$f(x)=x-\tanh(x)$", _props(_LIN_ENDS, 1.0, _ODD_MONO),
     ends=_LIN_ENDS, dends=(1.0, 1.0), aliases=("tanh_shrink",), source="article,torch",
     note="f' = tanh^2 x: flat at 0, slope tends to 1.")

# --------------------------------------------------------------------------- other

_add("identity", "Identity", "other", lambda x: x * 1.0, nx.ones,
     r"$f(x)=x$", _props(_LIN_ENDS, 1.0, _ODD_MONO),
     ends=_LIN_ENDS, dends=(1.0, 1.0), aliases=("linear",), source="catalogue26,torch")

_add("soft_exponential", "Soft Exponential", "other", nx.soft_exp, nx.soft_exp_d,
     r"$\frac{e^{\alpha x}-1}{\alpha}+\alpha$ if $\alpha>0$, $\frac{\ln(1-\alpha(x+\alpha))}{-\alpha}$ if $\alpha<0$",
     _props(_LIN_ENDS, 1.0, _ODD_MONO),
     ends=lambda alpha: (NAN, INF) if alpha < 0 else ((-INF, INF) if alpha == 0 else (alpha - 1 / alpha, INF)),
     dends=lambda alpha: (NAN, 0.0) if alpha < 0 else ((1.0, 1.0) if alpha == 0 else (0.0, INF)),
     kinks=nx.soft_exp_domain,
     params=(Param("alpha", 0.0, low=-1.0, high=1.0, doc="-1: log-like, 0: identity, 1: exp-like"),),
     aliases=("soft_exp",), source="catalogue26",
     note="Godfrey and Gashler (2015); alpha = 0 (the limit of both formulas) is exactly the identity. For alpha < 0, f is defined only for "
          "x > (alpha^2-1)/(-alpha) (f = -inf at that end, NaN below); for alpha > 0 it overflows to +inf "
          "where e^(alpha x)/alpha exceeds the float range.")

_add("absolute", "Absolute", "other", lambda x: np.abs(x), lambda x: np.sign(x),
     r"$f(x)=|x|$", _props((0, INF), 1.0),
     ends=(INF, INF), dends=(-1.0, 1.0), kinks=(0.0,), aliases=("abs",), source="catalogue26",
     note="f'(0) = 0 as torch.abs's gradient.")

_add("gaussian", "Gaussian", "other",
     lambda x: np.exp(-np.clip(x, -40.0, 40.0) ** 2),
     lambda x: -2.0 * np.clip(x, -40.0, 40.0) * np.exp(-np.clip(x, -40.0, 40.0) ** 2),
     r"$f(x)=e^{-x^2}$", _props((0, 1), math.sqrt(2.0) * math.exp(-0.5), "smooth"),
     ends=(0.0, 0.0), dends=(0.0, 0.0), aliases=("gauss",), source="catalogue26",
     note="Steepest (sqrt(2/e)) at x = +-1/sqrt(2).")

_add("sinusoid", "Sinusoid", "other", lambda x: np.sin(x), lambda x: np.cos(x),
     r"$f(x)=\sin(x)$", _props(_SYM_ENDS, 1.0, "zero_centred smooth"),
     ends=(NAN, NAN), dends=(NAN, NAN), aliases=("sin", "sine"), source="catalogue26",
     note="Periodic; no limit at +-inf, so f(+-inf) = NaN.")

_add("cos", "Cos", "other", lambda x: np.cos(x), lambda x: -np.sin(x),
     r"$f(x)=\cos(x)$", _props(_SYM_ENDS, 1.0, "smooth"),
     ends=(NAN, NAN), dends=(NAN, NAN), aliases=("cosine",), source="catalogue26",
     note="Periodic; no limit at +-inf, so f(+-inf) = NaN.")

_add("sinc", "Sinc", "other", nx.sinc, nx.sinc_d,
     r"$f(x)=\frac{\sin(x)}{x}$, $f(0)=1$", _props((-0.21723362821122166, 1), 0.4361818172714585, "smooth"),
     ends=(0.0, 0.0), dends=(0.0, 0.0), source="catalogue26",
     note="Unnormalised sinc (torch.sinc is sin(pi x)/(pi x)); f'(0) = 0, series near 0.")

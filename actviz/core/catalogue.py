"""The built-in activation catalogue: one entry per function, f and f' side by side.

Sources ("source"): the reference articles ("article"), the 26 functions of the
"Visualising Activation Functions in Neural Networks" catalogue plus its usual companions
("catalogue26"), every element-wise activation of ``torch.nn`` with PyTorch's definitions
and default parameters ("torch"), the activations of Keras 3, JAX and Flax ("keras",
"jax", "flax"), Hugging Face transformers' activation table ("hf") and the literature
("paper"). Each entry names its defining source first in ``cite`` (keys of
:mod:`actviz.core.citations`) and how each framework ships it in ``ships``.

Conventions, all checked by ``tests/test_catalogue.py``:

* Derivatives are analytic (never numeric). At a kink the derivative is PyTorch's
  autograd value: relu'(0) = 0, leaky/prelu/rrelu'(0) = the negative slope,
  elu'(0) = alpha, selu'(0) = scale*alpha, celu'(0) = 1, relu6'(0) = relu6'(6) = 0,
  hardtanh'(min_val) = hardtanh'(max_val) = 0, hardsigmoid'(+-3) = 0,
  hardswish'(-3) = 0 and hardswish'(3) = 1, hardshrink'(+-lambd) = softshrink'(+-lambd) = 0,
  threshold'(threshold) = 0, softplus'(threshold/beta) = sigmoid(threshold), abs'(0) = 0;
  a clamp passes the gradient at its bounds (torch.clamp), so clipped_gelu'(x) = gelu'(x)
  where gelu(x) equals the bound. Functions PyTorch lacks follow the same rule: the closed
  side of a piece wins (e.g. srelu'(t_r) = a_r), and the derivative of a jump (step, sign)
  is 0. JAX and Keras pick other one-sided values at some kinks (docs/catalogue.md lists them).
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
* ``props`` hold at the default parameters; ``kinks`` (the joints of the pieces, where f,
  f' or f'' may jump) are at the default parameters too, and :func:`kinks_at` gives them
  for any parameters.
* Gated entries (kind "gated") are functions of two inputs, f(a, b) = value(a) gate(b), with
  a the first half of the layer and b the second (torch.nn.functional.glu's split); ``df``
  is df/da and ``df_b`` df/db.
"""
from __future__ import annotations

import math
import re
from typing import Callable

import numpy as np

from actviz.core import numerics as nx
from actviz.core.activation import FRAMEWORKS, Activation, Param, Properties, Ship

INF = math.inf
NAN = math.nan

SELU_ALPHA = 1.6732632423543772848170429916717
"""SELU's alpha, as in Klambauer et al. (2017) and PyTorch."""
SELU_SCALE = 1.0507009873554804934193349852946
"""SELU's scale (lambda), as in Klambauer et al. (2017) and PyTorch."""
LECUN_A, LECUN_B = 1.7159, 2.0 / 3.0
"""LeCun's scaled tanh: A tanh(B x) (Efficient BackProp, 1998)."""
GELU_TANH_C, GELU_TANH_K = nx.GELU_TANH_C, nx.GELU_TANH_K
QUICK_GELU_BETA = 1.702
"""The gate slope of x sigmoid(1.702 x), the sigmoid approximation of GELU (Hendrycks and Gimpel)."""
LAPLACE_MU, LAPLACE_SIGMA = 0.707107, 0.282095
"""MEGA's laplace activation, as Hugging Face transformers defines it: Phi((x - mu)/sigma)."""
STAR_S, STAR_B = 0.8944, -0.4472
"""StarReLU's scale and bias as printed in Yu et al. (about 2/sqrt(5) and -1/sqrt(5))."""
SOURCES = ("article", "catalogue26", "torch", "keras", "jax", "flax", "hf", "paper")
"""Why an entry is in the catalogue: the articles, the 26-function catalogue, a framework, the literature."""

# --------------------------------------------------------------------------- registration

BUILTINS: list[Activation] = []
"""Every built-in entry, in catalogue order (filled once, below, as the module is read)."""

_KINKS: dict[str, Callable[..., tuple[float, ...]]] = {}

_FLAGS = {"monotonic", "zero_centred", "smooth", "dmono", "ident"}


def _props(rng, max_slope, flags="", *, c, gated=False):
    """Properties from a range, the sup of |f'|, the order of continuity ``c`` (-1, 0, 1, 2 or INF) and
    flags among 'monotonic zero_centred smooth dmono ident' (dmono: f' monotonic; ident: f(x) ~ x at 0)."""
    words = set(flags.split())
    unknown = words - _FLAGS
    if unknown:
        raise ValueError(f"unknown property flags {sorted(unknown)}")
    lo, hi = float(rng[0]), float(rng[1])
    return Properties(range=(lo, hi), monotonic="monotonic" in words, zero_centred="zero_centred" in words,
                      smooth="smooth" in words, bounded=math.isfinite(lo) and math.isfinite(hi),
                      max_slope=float(max_slope), continuity=float(c),
                      derivative_monotonic=None if gated else "dmono" in words,
                      identity_near_origin=None if gated else "ident" in words)


_SHIP = re.compile(r"(?P<fw>\w+):(?P<names>[\w,]+)(?:\[(?P<kw>[^\]]*)\])?(?:\((?P<params>[^)]*)\))?\Z")


def ships(text: str, api: dict[str, str] | None = None) -> tuple[Ship, ...]:
    """``"torch:relu,ReLU keras:leaky_relu(negative_slope=0.2) jax:gelu[approximate=False]"`` -> Ships.

    Comma-separated names are one framework's spellings (the first is shown); ``(p=v)`` are the
    framework's defaults where they differ from the entry's; ``[kw]`` a keyword the call needs
    (such a spelling names another entry by default, so it is listed but not resolved)."""
    out = []
    for token in text.split():
        m = _SHIP.match(token)
        if not m or m["fw"] not in FRAMEWORKS:
            raise ValueError(f"bad framework entry {token!r}")
        names = m["names"].split(",")
        params = tuple((k.strip(), float(v)) for k, v in
                       (item.split("=") for item in (m["params"] or "").split(",") if item.strip()))
        out.append(Ship(m["fw"], names[0], params, tuple(names[1:]), keyword=m["kw"] or "",
                        api=(api or {}).get(m["fw"], "")))
    return tuple(out)


def _add(name, title, family, f, df, latex, props, *, ends, dends, kinks=(), ship="", **meta) -> Activation:
    """Register one entry. ``ends``/``dends`` are the limits of f/f' at -inf and +inf (a pair or a
    function of the parameters); ``kinks`` is a tuple or a function of the parameters; ``ship`` says
    which frameworks ship it, in the mini-language of :func:`ships`."""
    params = meta.get("params", ())
    if callable(kinks):
        _KINKS[name] = kinks
        kinks = kinks(**{p.name: p.default for p in params})
    act = Activation(name=name, title=title, family=family, f=nx.guarded(f, ends), df=nx.guarded(df, dends),
                     latex=latex, props=props, kinks=tuple(sorted(float(k) for k in kinks)), ships=ships(ship),
                     **meta)
    BUILTINS.append(act)
    return act


def _add_gated(name, title, value, dvalue, gate, dgate, latex, props, *, gate_ends, dgate_ends, ship="",
               **meta) -> Activation:
    """Register a gated entry f(a, b) = value(a) gate(b); the gate pieces are one-input functions of b
    with their limits at +-inf, the value pieces handle infinities themselves."""
    f, fa, fb = nx.gated(value, dvalue, nx.guarded(gate, gate_ends), nx.guarded(dgate, dgate_ends))
    act = Activation(name=name, title=title, family="gated", f=f, df=fa, df_b=fb, latex=latex, props=props,
                     kind="gated", ships=ships(ship), **meta)
    BUILTINS.append(act)
    return act


def kinks_at(act: Activation, params: dict[str, float] | None = None) -> tuple[float, ...]:
    """Where f, f' or f'' may jump (the joints of the pieces), for the given parameters (defaults if omitted)."""
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
     r"$f(x)=\frac{1}{1+e^{-x}}$", _props((0, 1), 0.25, _SMOOTH_MONO, c=INF),
     ends=_SIG_ENDS, dends=_SIG_DENDS, aliases=("logistic",), source="article,catalogue26,torch",
     cite=("rumelhart1986learning",), ship="torch:sigmoid,Sigmoid keras:sigmoid jax:sigmoid flax:sigmoid hf:sigmoid",
     note="f' = f(1-f), largest (1/4) at 0.")

_add("tanh", "Tanh", "sigmoidal", np.tanh, nx.sech2,
     r"$f(x)=\tanh(x)$", _props(_SYM_ENDS, 1.0, _ODD_MONO + " ident", c=INF),
     ends=_SYM_ENDS, dends=_SIG_DENDS, aliases=("hyperbolic_tangent",), source="article,catalogue26,torch",
     cite=("lecun1998efficient",), ship="torch:tanh,Tanh keras:tanh jax:tanh flax:tanh hf:tanh",
     note="f' = 1 - f^2 (computed as sech^2 to stay accurate in the tails); f'(0) = 1.")

_add("arctan", "ArcTan", "sigmoidal", np.arctan, lambda x: nx.rsqrt1p(x, 1.0) ** 2,
     r"$f(x)=\tan^{-1}(x)$", _props((-math.pi / 2, math.pi / 2), 1.0, _ODD_MONO + " ident", c=INF),
     ends=(-math.pi / 2, math.pi / 2), dends=_SIG_DENDS, aliases=("atan", "inverse_tangent"),
     source="article,catalogue26", cite=("sheehan2017visualising",))

_add("softsign", "Softsign", "sigmoidal", lambda x: x / (1.0 + np.abs(x)), lambda x: (1.0 / (1.0 + np.abs(x))) ** 2,
     r"$f(x)=\frac{x}{1+|x|}$", _props(_SYM_ENDS, 1.0, _ODD_MONO + " ident", c=1),
     ends=_SYM_ENDS, dends=_SIG_DENDS, kinks=(0.0,), aliases=("soft_sign", "elliott", "elliotsig"),
     source="article,catalogue26,torch", cite=("elliott1993better",),
     ship="torch:softsign,Softsign keras:softsign jax:soft_sign flax:soft_sign",
     note="Elliott's function; continuously differentiable, f'' jumps at 0 (from 2 to -2), so f is C1.")

_add("isru", "ISRU", "sigmoidal", lambda x, alpha: x * nx.rsqrt1p(x, alpha), lambda x, alpha: nx.rsqrt1p(x, alpha) ** 3,
     r"$f(x)=\frac{x}{\sqrt{1+\alpha x^2}}$", _props(_SYM_ENDS, 1.0, _ODD_MONO + " ident", c=INF),
     ends=lambda alpha: (-alpha ** -0.5, alpha ** -0.5), dends=_SIG_DENDS,
     params=(_p_alpha(doc="range is +-1/sqrt(alpha)"),), aliases=("inverse_square_root_unit",),
     source="article,catalogue26", cite=("carlile2017improving",),
     note="Inverse square root unit; range (-1/sqrt(alpha), 1/sqrt(alpha)).")

_add("lecun_tanh", "LeCun Tanh", "sigmoidal",
     lambda x: nx.tanh_scaled(x, LECUN_A, LECUN_B), lambda x: nx.tanh_scaled_d(x, LECUN_A, LECUN_B),
     r"$f(x)=1.7159\tanh(\frac{2}{3}x)$", _props((-LECUN_A, LECUN_A), LECUN_A * LECUN_B, _ODD_MONO, c=INF),
     ends=(-LECUN_A, LECUN_A), dends=_SIG_DENDS, aliases=("scaled_tanh",), source="catalogue26",
     cite=("lecun1998efficient",), note="LeCun's scaled tanh (Efficient BackProp): f(+-1) = +-1 approximately.")

_add("symmetrical_sigmoid", "Symmetrical Sigmoid", "sigmoidal",
     lambda x: nx.tanh_scaled(x, 1.0, 0.5), lambda x: nx.tanh_scaled_d(x, 1.0, 0.5),
     r"$f(x)=\tanh(\frac{x}{2})=\frac{1-e^{-x}}{1+e^{-x}}$", _props(_SYM_ENDS, 0.5, _ODD_MONO, c=INF),
     ends=_SYM_ENDS, dends=_SIG_DENDS, aliases=("symmetric_sigmoid", "bipolar_sigmoid"), source="catalogue26",
     cite=("sheehan2017visualising",), note="2 sigmoid(x) - 1.")

_add("hardsigmoid", "Hardsigmoid (PyTorch)", "sigmoidal",
     lambda x: np.clip(x + 3.0, 0.0, 6.0) / 6.0, lambda x: nx.inside(x, -3.0, 3.0) / 6.0,
     r"$f(x)=\min(\max(0,\frac{x}{6}+\frac{1}{2}),1)$", _props((0, 1), 1 / 6, "monotonic", c=0),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kinks=(-3.0, 3.0), aliases=("hard_sigmoid_torch", "hard_sigmoid"),
     source="torch,keras,jax", cite=("howard2019searching", "paszke2019pytorch"),
     ship="torch:hardsigmoid,Hardsigmoid keras:hard_sigmoid jax:hard_sigmoid flax:hard_sigmoid",
     note="relu6(x+3)/6 (MobileNetV3's h-sigmoid), slope 1/6 on (-3, 3): PyTorch's, Keras 3's and JAX's "
          "hard_sigmoid. The Keras 2 / Theano form 0.2x+0.5 is the entry hard_sigmoid_keras.")

_add("hard_sigmoid_keras", "Hard Sigmoid (Keras 2)", "sigmoidal",
     lambda x: np.clip(nx.fma(0.2, x, 0.5), 0.0, 1.0), lambda x: 0.2 * nx.inside(x, -2.5, 2.5),
     r"$f(x)=\min(\max(0,0.2x+0.5),1)$", _props((0, 1), 0.2, "monotonic", c=0),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kinks=(-2.5, 2.5), aliases=("keras_hard_sigmoid", "hard_sigmoid_keras2"),
     source="catalogue26", cite=("chollet2015keras",),
     note="Keras 2 / Theano hard sigmoid, slope 0.2 on (-2.5, 2.5); f' = 0 at +-2.5 as in PyTorch. Keras 3 "
          "changed keras.activations.hard_sigmoid to PyTorch's x/6+1/2 (entry hardsigmoid, spec keras.hard_sigmoid).")

_add("hardtanh", "Hardtanh", "sigmoidal",
     lambda x, min_val, max_val: np.clip(x, min_val, max_val),
     lambda x, min_val, max_val: nx.inside(x, min_val, max_val),
     r"$f(x)=\min(\max(x,x_{\min}),x_{\max})$", _props(_SYM_ENDS, 1.0, "monotonic zero_centred ident", c=0),
     ends=lambda min_val, max_val: (min_val, max_val), dends=_SIG_DENDS,
     kinks=lambda min_val, max_val: (min_val, max_val),
     params=(Param("min_val", -1.0, high=0.0, doc="lower clip (<= 0 here, so the interval is never empty)"),
             Param("max_val", 1.0, low=0.0, doc="upper clip (>= 0)")),
     aliases=("hard_tanh",), source="catalogue26,torch", cite=("collobert2011natural",),
     ship="torch:hardtanh,Hardtanh keras:hard_tanh jax:hard_tanh flax:hard_tanh",
     note="f' = 0 at the clip points as in PyTorch (JAX and Keras give 1 there).")

_add("log_log", "Log Log", "sigmoidal",
     lambda x: -np.expm1(-np.exp(np.minimum(x, 700.0))),
     lambda x: np.exp(np.minimum(x, 700.0) - np.exp(np.minimum(x, 700.0))),
     r"$f(x)=1-e^{-e^{x}}$", _props((0, 1), 1 / math.e, _SMOOTH_MONO, c=INF),
     ends=_SIG_ENDS, dends=_SIG_DENDS, aliases=("cloglog", "complementary_log_log"), source="catalogue26",
     cite=("gomes2011comparison",), note="Complementary log-log; steepest (1/e) at 0.")

_add("soft_clipping", "Soft Clipping", "sigmoidal", nx.soft_clip, nx.soft_clip_d,
     r"$f(x)=\frac{1}{\alpha}\ln\frac{1+e^{\alpha x}}{1+e^{\alpha(x-1)}}$",
     _props((0, 1), math.tanh(0.25), _SMOOTH_MONO, c=INF),
     ends=_SIG_ENDS, dends=_SIG_DENDS,
     params=(_p_alpha(doc="sharpness; large alpha approaches clip(x, 0, 1)"),), aliases=("soft_clip",),
     source="catalogue26", cite=("klimek2018neural",),
     note="Klimek and Perelstein (2018); steepest (tanh(alpha/4)) at x = 1/2.")

_add("binary_step", "Binary Step", "sigmoidal",
     lambda x: np.where(x >= 0, 1.0, 0.0), nx.zeros,
     r"$f(x)=1$ if $x\geq 0$ else $0$", _props((0, 1), 0.0, "monotonic dmono", c=-1),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kinks=(0.0,), aliases=("step", "heaviside", "unit_step"),
     source="article,catalogue26", cite=("mcculloch1943logical",),
     note="Heaviside step with f(0) = 1 (torch.heaviside(x, 1)); f' = 0 everywhere (undefined at 0).")

_add("signum", "Signum", "sigmoidal", np.sign, nx.zeros,
     r"$f(x)=\mathrm{sgn}(x)$", _props(_SYM_ENDS, 0.0, "monotonic zero_centred dmono", c=-1),
     ends=_SYM_ENDS, dends=_SIG_DENDS, kinks=(0.0,), aliases=("sign", "sgn"), source="catalogue26",
     cite=("rosenblatt1958perceptron",),
     note="-1, 0, 1; f' = 0 everywhere (undefined at 0), as torch.sign's gradient.")

_add("erf", "Erf", "sigmoidal", nx.erf, nx.erf_d,
     r"$f(x)=\mathrm{erf}(x)=\frac{2}{\sqrt{\pi}}\int_0^x e^{-t^2}dt$",
     _props(_SYM_ENDS, 2 / math.sqrt(math.pi), _ODD_MONO, c=INF),
     ends=_SYM_ENDS, dends=_SIG_DENDS, aliases=("error_function",), source="paper", cite=("williams1997computing",),
     note="The error function as an activation (Williams 1997 gives the kernel of an infinite erf network); "
          "a series near 0 keeps erf(1e-300) exact.")

_add("sqnl", "SQNL", "sigmoidal", nx.sqnl, nx.sqnl_d,
     r"$f(x)=x-\frac{x|x|}{4}$ on $[-2,2]$, else $\pm 1$", _props(_SYM_ENDS, 1.0, _ODD_MONO + " ident", c=1),
     ends=_SYM_ENDS, dends=_SIG_DENDS, kinks=(-2.0, 0.0, 2.0), aliases=("square_nonlinearity",), source="paper",
     cite=("wuraola2018sqnl",),
     note="Square nonlinearity: tanh-like from squares only; f' = 1 - |x|/2 is continuous, f'' jumps at 0 and +-2.")

_add("softmax", "Softmax", "sigmoidal", nx.sigmoid, nx.sigmoid_d,
     r"$\mathrm{softmax}(x,0)_1=\frac{e^{x}}{e^{x}+1}$", _props((0, 1), 0.25, _SMOOTH_MONO, c=INF),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kind="vector", source="article,torch", cite=("bridle1990probabilistic",),
     ship="torch:softmax,Softmax keras:softmax jax:softmax flax:softmax",
     note="Vector function: softmax couples all units. The curve is the first component of softmax([x, 0]) "
          "(equal to sigmoid(x)) and f' its partial derivative s(1-s); warp and train refuse it.")

_add("softmin", "Softmin", "sigmoidal", lambda x: nx.sigmoid(-x), lambda x: -nx.sigmoid_d(x),
     r"$\mathrm{softmin}(x,0)_1=\frac{e^{-x}}{e^{-x}+1}$", _props((0, 1), 0.25, _SMOOTH_MONO, c=INF),
     ends=(1.0, 0.0), dends=_SIG_DENDS, kind="vector", source="torch", cite=("paszke2019pytorch",),
     ship="torch:softmin,Softmin",
     note="Vector function: softmax(-x). The curve is the first component of softmin([x, 0]) (equal to "
          "sigmoid(-x)) and f' its partial derivative; warp and train refuse it.")

_add("sparsemax", "Sparsemax", "sigmoidal",
     lambda x: 0.5 * np.clip(x + 1.0, 0.0, 2.0), lambda x: 0.5 * nx.inside(x, -1.0, 1.0),
     r"$\mathrm{sparsemax}(x,0)_1=\min(\max(0,\frac{x+1}{2}),1)$", _props((0, 1), 0.5, "monotonic", c=0),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kinks=(-1.0, 1.0), kind="vector", source="keras",
     cite=("martins2016softmax",), ship="keras:sparsemax",
     note="Vector function: the Euclidean projection of the layer onto the probability simplex, exactly 0 "
          "for low scores. The curve is the first component of sparsemax([x, 0]), clip((x+1)/2, 0, 1), and f' "
          "its partial derivative; warp and train refuse it.")

_add("sparse_sigmoid", "Sparse Sigmoid", "sigmoidal",
     lambda x: 0.5 * np.clip(x + 1.0, 0.0, 2.0), lambda x: 0.5 * nx.inside(x, -1.0, 1.0),
     r"$f(x)=\min(\max(0,\frac{x+1}{2}),1)$", _props((0, 1), 0.5, "monotonic", c=0),
     ends=_SIG_ENDS, dends=_SIG_DENDS, kinks=(-1.0, 1.0), source="jax,keras",
     cite=("blondel2020learning", "bradbury2018jax"), ship="keras:sparse_sigmoid jax:sparse_sigmoid",
     note="The derivative of sparse_plus (Blondel et al., section 6.2); f' = 0 at +-1 here "
          "(JAX's clip gives 1/4 there, the mean of the one-sided slopes).")

_add("penalized_tanh", "Penalized Tanh", "sigmoidal",
     lambda x, a: np.where(x > 0, np.tanh(x), a * np.tanh(x)), lambda x, a: np.where(x > 0, 1.0, a) * nx.sech2(x),
     r"$f(x)=\tanh(x)$ if $x>0$ else $a\tanh(x)$", _props((-0.25, 1), 1.0, "monotonic zero_centred", c=0),
     ends=lambda a: (-a, 1.0), dends=_SIG_DENDS, kinks=(0.0,),
     params=(Param("a", 0.25, low=0.0, high=1.0, doc="slope factor for x <= 0"),), source="paper",
     cite=("xu2016revise", "eger2018time"),
     note="Tanh with its negative half scaled by a (Xu et al. 2016; Eger et al. 2018 found it strong in NLP); "
          "f'(0) = a, the closed side's value.")

_add("srs", "Soft-Root-Sign", "sigmoidal", nx.srs, nx.srs_d,
     r"$f(x)=\frac{x}{x/\alpha+e^{-x/\beta}}$, $\alpha=2$, $\beta=3$",
     _props((-3.0 / (math.e - 1.5), 2.0), 1.1679787690923582, "zero_centred smooth ident", c=INF),
     ends=(0.0, 2.0), dends=_SIG_DENDS, aliases=("soft_root_sign",), source="paper", cite=("zhou2020soft",),
     note="Bounded and non-monotonic: minimum -3/(e - 3/2) at x = -beta = -3, tends to alpha = 2 on the right; "
          "alpha = 2, beta = 3 are the paper's initial values of its trainable parameters (fixed here).")

# --------------------------------------------------------------------------- ReLU-like

_add("relu", "ReLU", "relu", lambda x: np.maximum(x, 0.0), nx.relu_d,
     r"$f(x)=\max(0,x)$", _props((0, INF), 1.0, "monotonic dmono", c=0),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=(0.0,), aliases=("rectifier",),
     source="article,catalogue26,torch", cite=("nair2010rectified",),
     ship="torch:relu,ReLU keras:relu,ReLU jax:relu flax:relu hf:relu", note="f'(0) = 0 as in PyTorch and JAX.")

_add("relu6", "ReLU6", "relu", lambda x: np.clip(x, 0.0, 6.0), lambda x: nx.inside(x, 0.0, 6.0),
     r"$f(x)=\min(\max(0,x),6)$", _props((0, 6), 1.0, "monotonic", c=0),
     ends=(0.0, 6.0), dends=_SIG_DENDS, kinks=(0.0, 6.0), source="article,torch",
     cite=("krizhevsky2010convolutional",), ship="torch:relu6,ReLU6 keras:relu6 jax:relu6 flax:relu6 hf:relu6",
     note="f'(0) = f'(6) = 0 as in PyTorch and JAX.")

_add("relu2", "Squared ReLU", "relu", lambda x: np.square(np.maximum(x, 0.0)), lambda x: 2.0 * np.maximum(x, 0.0),
     r"$f(x)=\max(0,x)^2$", _props((0, INF), INF, "monotonic smooth dmono", c=1),
     ends=_RELU_ENDS, dends=(0.0, INF), kinks=(0.0,), aliases=("squared_relu", "relu_squared"), source="hf,paper",
     cite=("so2021primer",), ship="hf:relu2",
     note="Primer's squared ReLU (So et al. 2021); f' = 2 max(0, x) is continuous, f'' jumps at 0.")

_add("star_relu", "StarReLU", "relu",
     lambda x, s, b: (s * np.square(np.maximum(x, 0.0)) if s else np.zeros_like(x)) + b,
     lambda x, s, b: 2.0 * s * np.maximum(x, 0.0),
     r"$f(x)=s\,\max(0,x)^2+b$", _props((STAR_B, INF), INF, "monotonic smooth dmono", c=1),
     ends=lambda s, b: (b, INF if s else b), dends=lambda s, b: (0.0, INF if s else 0.0), kinks=(0.0,),
     params=(Param("s", STAR_S, low=0.0, doc="scale (0.8944 in the paper)"),
             Param("b", STAR_B, doc="bias (-0.4472 in the paper)")),
     aliases=("starrelu",), source="paper", cite=("yu2022metaformer",),
     note="MetaFormer's StarReLU: squared ReLU scaled and shifted so its output has mean 0 and variance 1 for a "
          "standard normal input (s = 0.8944, b = -0.4472 as printed; learnable in the paper's code, "
          "initialised there at 1 and 0).")

_add("leaky_relu", "Leaky ReLU", "relu",
     lambda x, negative_slope: nx.leaky(x, negative_slope), lambda x, negative_slope: nx.leaky_d(x, negative_slope),
     r"$f(x)=\max(0,x)+s\,\min(0,x)$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred dmono", c=0),
     ends=lambda negative_slope: nx.leaky_ends(negative_slope), dends=lambda negative_slope: (negative_slope, 1.0),
     kinks=(0.0,),
     params=(Param("negative_slope", 0.01, low=0.0, high=1.0, doc="slope s for x < 0 (PyTorch default 0.01)"),),
     aliases=("lrelu", "leakyrelu"), source="article,catalogue26,torch,keras,jax", cite=("maas2013rectifier",),
     ship="torch:leaky_relu,LeakyReLU keras:leaky_relu(negative_slope=0.2) keras:LeakyReLU(negative_slope=0.3) "
          "jax:leaky_relu flax:leaky_relu hf:leaky_relu",
     note="s = negative_slope; f'(0) = s as in PyTorch (JAX and Keras give 1). Defaults differ: PyTorch, JAX "
          "and Flax 0.01, keras.activations.leaky_relu 0.2 (spec keras.leaky_relu), keras.layers.LeakyReLU 0.3 "
          "(spec keras.LeakyReLU).")

_add("prelu", "PReLU", "relu", lambda x, a: nx.leaky(x, a), lambda x, a: nx.leaky_d(x, a),
     r"$f(x)=\max(0,x)+a\,\min(0,x)$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred dmono", c=0),
     ends=lambda a: nx.leaky_ends(a), dends=lambda a: (a, 1.0), kinks=(0.0,),
     params=(Param("a", 0.25, doc="learned slope for x < 0 (PyTorch's initial value 0.25)"),),
     aliases=("parametric_relu",), source="article,catalogue26,torch", cite=("he2015delving",),
     ship="torch:prelu,PReLU keras:PReLU(a=0) flax:PReLU(a=0.01) hf:prelu",
     note="Parametric ReLU with one shared slope a; f'(0) = a as in PyTorch. Initial slopes differ: PyTorch "
          "0.25, Flax 0.01 (spec flax.PReLU), keras.layers.PReLU 0 (spec keras.PReLU).")

_add("rrelu", "RReLU", "relu",
     lambda x, lower, upper: nx.leaky(x, 0.5 * (lower + upper)),
     lambda x, lower, upper: nx.leaky_d(x, 0.5 * (lower + upper)),
     r"$f(x)=\max(0,x)+\frac{l+u}{2}\min(0,x)$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred dmono", c=0),
     ends=lambda lower, upper: nx.leaky_ends(0.5 * (lower + upper)),
     dends=lambda lower, upper: (0.5 * (lower + upper), 1.0), kinks=(0.0,),
     params=(Param("lower", 1 / 8, low=0.0, high=1.0, doc="lower bound l of the random slope"),
             Param("upper", 1 / 3, low=0.0, high=1.0, doc="upper bound u of the random slope")),
     aliases=("randomized_relu",), source="article,catalogue26,torch", cite=("xu2015empirical",),
     ship="torch:rrelu,RReLU",
     note="Randomized leaky ReLU in evaluation mode (PyTorch training=False): slope (lower+upper)/2 = 11/48 "
          "at PyTorch's defaults. In training the slope is drawn from U(lower, upper); the article's example "
          "draws it from [0.1, 0.3] (mean 0.2 at test time).")

_add("threshold", "Threshold", "relu",
     lambda x, threshold, value: np.where(x > threshold, x, value),
     lambda x, threshold, value: (x > threshold).astype(float),
     r"$f(x)=x$ if $x>\theta$ else $v$", _props((0, INF), 1.0, "monotonic dmono", c=0),
     ends=lambda threshold, value: (value, INF), dends=_RELU_DENDS,
     kinks=lambda threshold, value: (threshold,),
     params=(Param("threshold", 0.0, doc="theta: inputs above it pass"), Param("value", 0.0, doc="v: output otherwise")),
     source="article,torch", cite=("paszke2019pytorch",), ship="torch:threshold,Threshold keras:threshold",
     note="torch.nn.Threshold and keras.activations.threshold, which have no defaults: here threshold=0, value=0 "
          "(then equal to ReLU). f'(threshold) = 0 as in PyTorch; f jumps unless value = threshold.")

_add("crelu", "CReLU", "relu", lambda x: np.maximum(x, 0.0), nx.relu_d,
     r"$(\max(0,x),\ \max(0,-x))$", _props((0, INF), 1.0, "monotonic dmono", c=0),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=(0.0,), kind="widening", aliases=("concatenated_relu",),
     source="article", cite=("shang2016understanding",), ship="keras:crelu",
     note="Widening function: each unit gives two outputs, relu(x) and relu(-x), doubling the layer. "
          "The curve is the first output, relu(x) (the second is its mirror image); warp and train refuse it.")

_add("maxout", "Maxout", "relu",
     lambda x, a, b: np.maximum(x, a * x + b), lambda x, a, b: np.where(x > a * x + b, 1.0, a),
     r"$f(x)=\max(x,\ a x+b)$", _props((0, INF), 1.0, "dmono", c=0),
     ends=lambda a, b: (nx.leaky_ends(a)[0] if a else b, INF), dends=lambda a, b: (a, 1.0),
     kinks=lambda a, b: (b / (1.0 - a),),
     params=(Param("a", -0.5, low=-1.0, high=1.0, high_inclusive=False, doc="slope of the second piece"),
             Param("b", 0.0, doc="intercept of the second piece")),
     kind="pooling", source="article", cite=("goodfellow2013maxout",),
     note="Pooling function: maxout takes the max over a group of units. The curve is a group of two "
          "pieces z1 = x and z2 = a x + b fed by the same input, max(x, a x + b); the default a = -0.5, "
          "b = 0 draws a V with its kink at 0. At the tie f' is a (the second piece wins, so a = b = 0 is "
          "ReLU including f'(0) = 0). Warp and train refuse it.")

_add("srelu", "SReLU", "relu",
     lambda x, t_l, a_l, t_r, a_r: np.where(x >= t_r, t_r + a_r * (x - t_r),
                                            np.where(x <= t_l, t_l + a_l * (x - t_l), x)),
     lambda x, t_l, a_l, t_r, a_r: np.where(x >= t_r, a_r, np.where(x <= t_l, a_l, 1.0)),
     r"$f(x)=\mathrm{clip}(x,t_l,t_r)+a_l(x-t_l)_{-}+a_r(x-t_r)_{+}$",
     _props(_LIN_ENDS, 1.0, "monotonic zero_centred ident", c=0),
     ends=lambda t_l, a_l, t_r, a_r: (nx.leaky_ends(a_l)[0] if a_l else t_l, math.copysign(INF, a_r) if a_r else t_r),
     dends=lambda t_l, a_l, t_r, a_r: (a_l, a_r), kinks=lambda t_l, a_l, t_r, a_r: (t_l, t_r),
     params=(Param("t_l", -1.0, high=0.0, doc="left threshold"), Param("a_l", 0.1, doc="slope left of t_l"),
             Param("t_r", 1.0, low=0.0, doc="right threshold"), Param("a_r", 0.5, doc="slope right of t_r")),
     aliases=("s_shaped_relu",), source="article,catalogue26", cite=("jin2016deep",),
     note="S-shaped ReLU (Jin et al. 2016) with fixed, documented parameters t_l=-1, a_l=0.1, t_r=1, a_r=0.5 "
          "(learned in the paper); z_+ = max(0, z), z_- = min(0, z). At a threshold f' is the outer slope.")

_add("apl", "APL", "relu",
     lambda x, a, b: np.maximum(x, 0.0) + a * np.maximum(b - x, 0.0),
     lambda x, a, b: (x > 0).astype(float) - a * (x < b),
     r"$f(x)=\max(0,x)+a\max(0,-x+b)$", _props(_LIN_ENDS, 1.5, "monotonic", c=0),
     ends=lambda a, b: (-nx.leaky_ends(a)[0], INF), dends=lambda a, b: (-a, 1.0),
     kinks=lambda a, b: (0.0, b),
     params=(Param("a", -0.5, doc="weight of the hinge"), Param("b", 1.0, doc="position of the hinge")),
     aliases=("adaptive_piecewise_linear",), source="catalogue26", cite=("agostinelli2014learning",),
     note="Adaptive piecewise linear unit (Agostinelli et al. 2014) with one hinge (S = 1) and fixed, "
          "documented a = -0.5, b = 1 (learned in the paper): slopes 0.5, 1.5, 1 on x < 0, 0 < x < 1, x > 1. "
          "Each max(0, .) has PyTorch's relu'(0) = 0 convention.")

_add("sparse_plus", "Sparse Plus (SmeLU)", "relu", nx.smelu, nx.smelu_d,
     r"$f(x)=\frac{(x+\beta)^2}{4\beta}$ on $|x|<\beta$, else $\mathrm{relu}(x)$",
     _props((0, INF), 1.0, "monotonic smooth dmono", c=1),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=lambda beta: (-beta, beta),
     params=(Param("beta", 1.0, low=0.0, low_inclusive=False, doc="half-width of the quadratic joint"),),
     aliases=("smelu", "smooth_relu"), source="keras,jax,paper", cite=("shamir2020smooth", "bradbury2018jax"),
     ship="keras:sparse_plus jax:sparse_plus",
     note="ReLU with a quadratic joint on [-beta, beta]: Shamir et al.'s SmeLU; JAX's and Keras 3's sparse_plus "
          "is beta = 1. Continuously differentiable; f'' jumps at +-beta.")

_add("nlrelu", "NLReLU", "relu",
     lambda x, beta: np.log1p(nx.scale(np.maximum(x, 0.0), beta)),
     lambda x, beta: np.where(x > 0, beta / (1.0 + nx.scale(np.maximum(x, 0.0), beta)), 0.0),
     r"$f(x)=\ln(\beta\max(0,x)+1)$", _props((0, INF), 1.0, "monotonic", c=0),
     ends=_RELU_ENDS, dends=lambda beta: (0.0, 0.0), kinks=(0.0,),
     params=(Param("beta", 1.0, low=0.0, low_inclusive=False, doc="scale inside the logarithm"),),
     aliases=("natural_log_relu",), source="paper", cite=("liu2019natural",),
     note="Natural-logarithm-rectified linear unit (Liu et al. 2019): ReLU compressed by log1p; f'(0) = 0.")

# --------------------------------------------------------------------------- smooth ReLU-like

_add("elu", "ELU", "smooth-relu", nx.elu, nx.elu_d,
     r"$f(x)=x$ if $x>0$ else $\alpha(e^{x}-1)$", _props((-1, INF), 1.0, _ODD_MONO + " dmono ident", c=1),
     ends=lambda alpha: (-alpha, INF), dends=_RELU_DENDS, kinks=(0.0,),
     params=(_p_alpha(),), source="article,catalogue26,torch", cite=("clevert2016fast",),
     ship="torch:elu,ELU keras:elu jax:elu flax:elu",
     note="f'(0) = alpha as in PyTorch; continuously differentiable only for alpha = 1 (C1: f'' jumps at 0).")

_add("selu", "SELU", "smooth-relu",
     lambda x: nx.sat_mul(SELU_SCALE, nx.elu(x, SELU_ALPHA)), lambda x: SELU_SCALE * nx.elu_d(x, SELU_ALPHA),
     r"$f(x)=\lambda x$ if $x>0$ else $\lambda\alpha(e^{x}-1)$",
     _props((-SELU_SCALE * SELU_ALPHA, INF), SELU_SCALE * SELU_ALPHA, "monotonic zero_centred", c=0),
     ends=(-SELU_SCALE * SELU_ALPHA, INF), dends=(0.0, SELU_SCALE), kinks=(0.0,),
     source="article,catalogue26,torch", cite=("klambauer2017self",), ship="torch:selu,SELU keras:selu jax:selu flax:selu",
     note="alpha = 1.6732632423543772848170429916717, lambda = 1.0507009873554804934193349852946 exactly "
          "(Klambauer et al., PyTorch). f' jumps at 0 from lambda*alpha to lambda; f'(0) = lambda*alpha.")

_add("celu", "CELU", "smooth-relu",
     lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0) / alpha)),
     lambda x, alpha: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0) / alpha)),
     r"$f(x)=\max(0,x)+\min(0,\alpha(e^{x/\alpha}-1))$", _props((-1, INF), 1.0, _ODD_MONO + " dmono ident", c=1),
     ends=lambda alpha: (-alpha, INF), dends=_RELU_DENDS, kinks=(0.0,),
     params=(_p_alpha(),), source="torch", cite=("barron2017continuously",),
     ship="torch:celu,CELU keras:celu jax:celu flax:celu",
     note="Continuously differentiable ELU for every alpha (f'(0) = 1; f'' jumps at 0).")

_add("pelu", "PELU", "smooth-relu",
     nx.pelu, nx.pelu_d,
     r"$f(x)=\frac{a}{b}x$ if $x\geq 0$ else $a(e^{x/b}-1)$", _props((-1, INF), 1.0, _ODD_MONO + " dmono ident", c=1),
     ends=lambda a, b: (-a, INF), dends=lambda a, b: (0.0, a / b), kinks=(0.0,),
     params=(Param("a", 1.0, low=0.0, low_inclusive=False, doc="saturation: f tends to -a"),
             Param("b", 1.0, low=0.0, low_inclusive=False, doc="scale of the exponential")),
     aliases=("parametric_elu",), source="paper", cite=("trottier2017parametric",),
     note="Parametric ELU (Trottier et al. 2017) with its learned a, b fixed at 1 (then it is ELU); "
          "f' = a/b at 0 from both sides, f'' jumps there.")

_add("softplus", "Softplus", "smooth-relu",
     nx.softplus_torch, nx.softplus_torch_d,
     r"$f(x)=\frac{1}{\beta}\ln(1+e^{\beta x})$", _props((0, INF), 1.0, _SMOOTH_MONO + " dmono", c=-1),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=lambda beta, threshold: (threshold / beta,),
     params=(Param("beta", 1.0, low=0.0, low_inclusive=False, doc="sharpness"),
             Param("threshold", 20.0, low=0.0, low_inclusive=False, doc="beta x above it: f(x) = x")),
     source="article,catalogue26,torch", cite=("dugas2001incorporating", "paszke2019pytorch"),
     ship="torch:softplus,Softplus",
     note="PyTorch's definition: f(x) = x where beta x > threshold. At x = threshold/beta f and f' jump by "
          "~2e-9 at the defaults (listed as a kink and as order of continuity C-1; drawn smooth); small "
          "thresholds make a visible jump. The plain log(1+e^x) of JAX and Keras is softplus_smooth.")

_add("softplus_smooth", "Softplus (no threshold)", "smooth-relu", nx.softplus, nx.sigmoid,
     r"$f(x)=\ln(1+e^{x})$", _props((0, INF), 1.0, _SMOOTH_MONO + " dmono", c=INF),
     ends=_RELU_ENDS, dends=_RELU_DENDS, aliases=("log1pexp",), source="keras,jax",
     cite=("dugas2001incorporating", "bradbury2018jax"), ship="keras:softplus jax:softplus flax:softplus",
     note="Softplus as JAX (logaddexp(x, 0)), Flax and Keras define it: no threshold, so it is C-infinity and "
          "differs from PyTorch's softplus by up to 2e-9 just above x = 20.")

_add("shifted_softplus", "Shifted Softplus", "smooth-relu", nx.shifted_softplus, nx.sigmoid,
     r"$f(x)=\ln(1+e^{x})-\ln 2$", _props((-math.log(2.0), INF), 1.0, _ODD_MONO + " dmono", c=INF),
     ends=(-math.log(2.0), INF), dends=_RELU_DENDS, aliases=("ssp",), source="paper", cite=("schutt2017schnet",),
     note="SchNet's softplus shifted so that f(0) = 0; computed as log1p(expm1(x)/2) near 0, no cancellation.")

_add("squareplus", "Squareplus", "smooth-relu", nx.squareplus, nx.squareplus_d,
     r"$f(x)=\frac{x+\sqrt{x^2+b}}{2}$", _props((0, INF), 1.0, _SMOOTH_MONO + " dmono", c=INF),
     ends=_RELU_ENDS, dends=_RELU_DENDS,
     params=(Param("b", 4.0, low=0.0, low_inclusive=False, doc="smoothness (JAX and Keras default 4)"),),
     source="keras,jax,paper", cite=("barron2021squareplus",), ship="keras:squareplus jax:squareplus",
     note="An algebraic softplus (Barron 2021): f(0) = sqrt(b)/2; for x < 0 computed as b/(2(sqrt(x^2+b) - x)).")

_add("logsigmoid", "LogSigmoid", "smooth-relu",
     lambda x: -nx.softplus(-x), lambda x: nx.sigmoid(-x),
     r"$f(x)=\ln\frac{1}{1+e^{-x}}$", _props((-INF, 0), 1.0, _SMOOTH_MONO + " dmono", c=INF),
     ends=(-INF, 0.0), dends=(1.0, 0.0), aliases=("log_sigmoid",), source="torch,keras,jax",
     cite=("paszke2019pytorch",),
     ship="torch:logsigmoid,LogSigmoid keras:log_sigmoid jax:log_sigmoid flax:log_sigmoid",
     note="-softplus(-x): a softplus mirrored through the origin, hence in the smooth-ReLU family.")

_add("log_softmax", "LogSoftmax", "smooth-relu",
     lambda x: -nx.softplus(-x), lambda x: nx.sigmoid(-x),
     r"$\mathrm{log\,softmax}(x,0)_1=x-\ln(e^{x}+1)$", _props((-INF, 0), 1.0, _SMOOTH_MONO + " dmono", c=INF),
     ends=(-INF, 0.0), dends=(1.0, 0.0), kind="vector", aliases=("logsoftmax",), source="torch,keras,jax",
     cite=("bridle1990probabilistic", "paszke2019pytorch"),
     ship="torch:log_softmax,LogSoftmax keras:log_softmax jax:log_softmax flax:log_softmax",
     note="Vector function: log(softmax(x)). The curve is the first component of log_softmax([x, 0]) (equal to "
          "logsigmoid(x)) and f' its partial derivative; warp and train refuse it.")

_add("silu", "SiLU", "smooth-relu", lambda x: nx.swish(x, 1.0), lambda x: nx.swish_d(x, 1.0),
     r"$f(x)=\frac{x}{1+e^{-x}}$", _props((-0.2784645427610738, INF), 1.0998393201288669, "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=_RELU_DENDS, aliases=("sigmoid_linear_unit",), source="article,catalogue26,torch",
     cite=("hendrycks2016gaussian", "elfwing2018sigmoid"),
     ship="torch:silu,SiLU keras:silu,swish jax:silu,swish flax:silu,swish hf:silu,swish",
     note="x sigmoid(x), swish with beta = 1 (named SiLU by Hendrycks and Gimpel, studied by Elfwing et al.); "
          "minimum -0.27846 at x = -1.27846.")

_add("swish", "Swish", "smooth-relu", nx.swish, nx.swish_d,
     r"$f(x)=\frac{x}{1+e^{-\beta x}}$", _props((-0.2784645427610738, INF), 1.0998393201288669, "zero_centred smooth", c=INF),
     ends=lambda beta: (0.0 if beta else -INF, INF), dends=lambda beta: (0.0 if beta else 0.5, 1.0 if beta else 0.5),
     params=(_BETA,), aliases=("swish_beta",), source="article", cite=("ramachandran2017searching",),
     note="x sigmoid(beta x) (Ramachandran et al.); beta = 1 is SiLU, beta = 0 is x/2. Frameworks' swish is "
          "SiLU (beta = 1).")

_add("e_swish", "E-swish", "smooth-relu",
     lambda x, beta: beta * nx.swish(x, 1.0), lambda x, beta: beta * nx.swish_d(x, 1.0),
     r"$f(x)=\beta\,x\,\sigma(x)$", _props((-1.375 * 0.2784645427610738, INF), 1.375 * 1.0998393201288669,
                                          "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=lambda beta: (0.0, beta),
     params=(Param("beta", 1.375, low=1.0, high=2.0, doc="scale, 1 to 2 in the paper"),),
     aliases=("eswish",), source="paper", cite=("alcaide2018eswish",),
     note="Swish scaled by beta (Alcaide 2018); beta = 1.375 was the paper's best.")

_add("dsilu", "dSiLU", "smooth-relu", lambda x: nx.swish_d(x, 1.0), nx.dsilu_d,
     r"$f(x)=\sigma(x)(1+x(1-\sigma(x)))$", _props((-0.09983932012886684, 1.0998393201288669), 0.5, "smooth", c=INF),
     ends=(0.0, 1.0), dends=(0.0, 0.0), aliases=("silu_derivative",), source="paper", cite=("elfwing2018sigmoid",),
     note="The derivative of SiLU used as an activation (Elfwing et al. 2018): a sigmoid that overshoots, "
          "between -0.0998 and 1.0998.")

_add("gelu", "GELU", "smooth-relu",
     lambda x: x * nx.ndtr(x), lambda x: nx.ndtr(x) + x * nx.npdf(x),
     r"$f(x)=x\,\Phi(x)=\frac{x}{2}(1+\mathrm{erf}(x/\sqrt{2}))$",
     _props((-0.16997120747990366, INF), 1.1289041451851548, "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=_RELU_DENDS, aliases=("gelu_erf", "gelu_exact", "gelu_python"), source="torch,keras,hf",
     cite=("hendrycks2016gaussian",),
     ship="torch:gelu,GELU keras:gelu jax:gelu[approximate=False] flax:gelu[approximate=False] hf:gelu,gelu_python",
     note="Exact (erf) GELU: PyTorch (approximate='none'), Keras and Hugging Face's gelu. JAX's and Flax's gelu "
          "default to the tanh approximation (entry gelu_tanh, spec jax.gelu). erfc is a vectorised Chebyshev fit.")

_add("gelu_tanh", "GELU (tanh approx.)", "smooth-relu",
     nx.gelu_tanh, nx.gelu_tanh_d,
     r"$f(x)=\frac{x}{2}(1+\tanh(\sqrt{2/\pi}(x+0.044715x^3)))$",
     _props((-0.17004075057125405, INF), 1.1289930686587718, "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=_RELU_DENDS,
     aliases=("gelu_approximate", "gelu_new", "gelu_fast", "gelu_pytorch_tanh", "gelu_accurate"),
     source="torch,jax,hf", cite=("hendrycks2016gaussian",),
     ship="torch:gelu[approximate='tanh'] keras:gelu[approximate=True] jax:gelu flax:gelu "
          "hf:gelu_new,gelu_pytorch_tanh,gelu_accurate,gelu_fast",
     note="The tanh approximation: JAX's and Flax's default gelu, PyTorch approximate='tanh', Hugging Face "
          "gelu_new / gelu_pytorch_tanh / gelu_accurate (gelu_fast rounds sqrt(2/pi) to 0.7978845608, a "
          "difference below 4e-12). Computed as x sigmoid(2u), which is the same function.")

_add("quick_gelu", "QuickGELU", "smooth-relu",
     lambda x: nx.swish(x, QUICK_GELU_BETA), lambda x: nx.swish_d(x, QUICK_GELU_BETA),
     r"$f(x)=x\,\sigma(1.702x)$",
     _props((-0.2784645427610738 / QUICK_GELU_BETA, INF), 1.0998393201288669, "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=_RELU_DENDS, aliases=("gelu_sigmoid",), source="hf", cite=("hendrycks2016gaussian",
                                                                                       "radford2021learning"),
     ship="hf:quick_gelu",
     note="GELU's sigmoid approximation x sigmoid(1.702 x) (Hendrycks and Gimpel), used by CLIP; Hugging "
          "Face's quick_gelu.")

_add("clipped_gelu", "Clipped GELU", "smooth-relu",
     lambda x, min_val, max_val: np.clip(x * nx.ndtr(x), min_val, max_val),
     lambda x, min_val, max_val: np.where((x * nx.ndtr(x) >= min_val) & (x * nx.ndtr(x) <= max_val),
                                          nx.ndtr(x) + x * nx.npdf(x), 0.0),
     r"$f(x)=\mathrm{clip}(x\,\Phi(x),x_{\min},x_{\max})$",
     _props((-0.16997120747990366, 10.0), 1.1289041451851548, "zero_centred", c=0),
     ends=lambda min_val, max_val: (0.0, max_val), dends=_SIG_DENDS,
     kinks=lambda min_val, max_val: (nx.gelu_inverse(max_val),),
     params=(Param("min_val", -10.0, high=-0.17, doc="lower clip (below GELU's minimum, so never reached)"),
             Param("max_val", 10.0, low=0.0, low_inclusive=False, doc="upper clip")),
     aliases=("gelu_10",), source="hf", cite=("wolf2020transformers",), ship="hf:gelu_10",
     note="Hugging Face's gelu_10: exact GELU clipped to [-10, 10] for quantisation. Like torch.clip, the "
          "derivative passes where f equals a bound, so f' jumps from about 1 to 0 just after x = 10.")

_add("mish", "Mish", "smooth-relu", nx.mish, nx.mish_d,
     r"$f(x)=x\tanh(\ln(1+e^{x}))$", _props((-0.30884341301725041, INF), 1.0884981612517279, "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=_RELU_DENDS, source="torch", cite=("misra2019mish",),
     ship="torch:mish,Mish keras:mish jax:mish hf:mish", note="Misra (2019).")

_add("hardswish", "Hardswish", "smooth-relu",
     lambda x: x * (np.clip(x + 3.0, 0.0, 6.0) / 6.0),
     lambda x: np.where(x <= -3.0, 0.0, np.where(x < 3.0, x / 3.0 + 0.5, 1.0)),
     r"$f(x)=x\,\frac{\min(\max(0,x+3),6)}{6}$", _props((-0.375, INF), 1.5, "zero_centred", c=0),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=(-3.0, 3.0), aliases=("hard_swish", "hard_silu"),
     source="torch,keras,jax", cite=("howard2019searching",),
     ship="torch:hardswish,Hardswish keras:hard_silu,hard_swish jax:hard_silu,hard_swish flax:hard_silu,hard_swish",
     note="Piecewise quadratic swish (MobileNetV3); f' jumps at -3 (0 to -1/2) and at 3 (3/2 to 1); "
          "f'(-3) = 0 and f'(3) = 1 as in PyTorch.")

_add("isrlu", "ISRLU", "smooth-relu",
     lambda x, alpha: np.where(x >= 0, x, x * nx.rsqrt1p(x, alpha)),
     lambda x, alpha: np.where(x >= 0, 1.0, nx.rsqrt1p(x, alpha) ** 3),
     r"$f(x)=x$ if $x\geq 0$ else $\frac{x}{\sqrt{1+\alpha x^2}}$",
     _props((-1, INF), 1.0, _ODD_MONO + " dmono ident", c=2),
     ends=lambda alpha: (-alpha ** -0.5, INF), dends=_RELU_DENDS, kinks=(0.0,),
     params=(_p_alpha(doc="negative part tends to -1/sqrt(alpha)"),),
     aliases=("inverse_square_root_linear_unit",), source="catalogue26", cite=("carlile2017improving",),
     note="Inverse square root linear unit (Carlile et al. 2017); twice continuously differentiable at 0 (C2).")

_add("bent_identity", "Bent Identity", "smooth-relu",
     nx.bent_identity,
     lambda x: 1.0 + 0.5 * (x / np.hypot(x, 1.0)),
     r"$f(x)=\frac{\sqrt{x^2+1}-1}{2}+x$", _props(_LIN_ENDS, 1.5, _ODD_MONO + " dmono ident", c=INF),
     ends=_LIN_ENDS, dends=(0.5, 1.5), aliases=("bent",), source="article,catalogue26",
     cite=("sheehan2017visualising",),
     note="Slopes tend to 1/2 and 3/2; computed as x + x^2/(2(sqrt(x^2+1)+1)) to avoid cancellation; "
          "+inf beyond about 1.2e308, where 3x/2 overflows.")

_add("xielu", "xIELU", "smooth-relu", nx.xielu, nx.xielu_d,
     r"$\alpha_p x^2+\beta x$ if $x>0$, else $\alpha_n(e^{x}-1-x)+\beta x$",
     _props((-0.2057512240964821, INF), INF, "zero_centred smooth dmono", c=1),
     ends=lambda alpha_p, alpha_n, beta: (INF if alpha_n > beta else (-INF if alpha_n < beta else -alpha_n), INF),
     dends=lambda alpha_p, alpha_n, beta: (beta - alpha_n, INF), kinks=(0.0,),
     params=(Param("alpha_p", 0.8, low=0.0, low_inclusive=False, doc="curvature for x > 0"),
             Param("alpha_n", 0.8, low=0.0, low_inclusive=False, doc="weight of the exponential part for x <= 0"),
             Param("beta", 0.5, low=0.0, doc="slope at 0")),
     aliases=("expanded_integral_elu",), source="hf,paper", cite=("huang2024deriving",), ship="hf:xielu",
     note="Expanded integral of ELU (Huang and Schlag), at Hugging Face's initial values alpha_p = alpha_n = 0.8, "
          "beta = 0.5 (trainable there). f' = beta at 0 from both sides; f'' jumps. Hugging Face also clamps "
          "e^x's argument at -1e-6, a change below 1e-6 on (-1e-6, 0]; this is the paper's formula, with "
          "e^x - 1 - x computed without cancellation.")

_add("elish", "ELiSH", "smooth-relu", nx.elish, nx.elish_d,
     r"$f(x)=x\,\sigma(x)$ if $x\geq 0$ else $(e^{x}-1)\sigma(x)$",
     _props((-0.1715728752538099, INF), 1.0998393201288669, "zero_centred smooth", c=1),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=(0.0,), source="paper", cite=("basirat2018quest",),
     note="Exponential linear sigmoid squashing (Basirat and Roth 2018): swish on the right, ELU times a "
          "sigmoid on the left; f'(0) = 1/2 from both sides, f'' jumps.")

_add("hard_elish", "HardELiSH", "smooth-relu", nx.hard_elish, nx.hard_elish_d,
     r"$f(x)=(x$ if $x\geq 0$ else $e^{x}-1)\,\mathrm{clip}(\frac{x+1}{2},0,1)$",
     _props((-0.09967315152874263, INF), 1.5, "zero_centred", c=0),
     ends=_RELU_ENDS, dends=_RELU_DENDS, kinks=(-1.0, 0.0, 1.0), source="paper", cite=("basirat2018quest",),
     note="ELiSH with a hard sigmoid (Basirat and Roth 2018); f' jumps at -1 and 1; at a joint the closed "
          "side's value (f'(-1) = 0, f'(1) = 1).")

_add("serf", "SERF", "smooth-relu", nx.serf, nx.serf_d,
     r"$f(x)=x\,\mathrm{erf}(\ln(1+e^{x}))$", _props((-0.34843745875960647, INF), 1.086125444150997, "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=_RELU_DENDS, source="paper", cite=("nag2021serf",),
     note="Log-softplus error activation (Nag et al. 2021).")

_add("smish", "Smish", "smooth-relu", nx.smish, nx.smish_d,
     r"$f(x)=x\tanh(\ln(1+\sigma(x)))$", _props((-0.24999366366012954, INF), 0.6368842228812264, "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=(0.0, 0.6), source="paper", cite=("wang2022smish",),
     note="Wang et al. (2022) with alpha = beta = 1; slope tends to tanh(ln 2) = 0.6 on the right.")

_add("logish", "Logish", "smooth-relu", nx.logish, nx.logish_d,
     r"$f(x)=x\ln(1+\sigma(x))$", _props((-0.2527688167894404, INF), 0.7463111804127398, "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=(0.0, math.log(2.0)), source="paper", cite=("zhu2021logish",),
     note="Zhu et al. (2021); slope tends to ln 2 on the right.")

_add("tanhexp", "TanhExp", "smooth-relu", nx.tanhexp, nx.tanhexp_d,
     r"$f(x)=x\tanh(e^{x})$", _props((-0.3532857778482113, INF), 1.061975308717916, "zero_centred smooth", c=INF),
     ends=_RELU_ENDS, dends=_RELU_DENDS, aliases=("telu",), source="paper", cite=("liu2020tanhexp",),
     note="Liu and Di (2020); TeLU (2024) is the same function.")

_add("lisht", "LiSHT", "smooth-relu", lambda x: x * np.tanh(x), lambda x: np.tanh(x) + x * nx.sech2(x),
     r"$f(x)=x\tanh(x)$", _props((0, INF), 1.199678640257734, "smooth", c=INF),
     ends=(INF, INF), dends=(-1.0, 1.0), source="paper", cite=("roy2019lisht",),
     note="Linearly scaled hyperbolic tangent (Roy et al. 2019): even, so f' is odd.")

_add("sinlu", "SinLU", "smooth-relu",
     lambda x, a, b: (x + a * nx.sin_cos_scaled(x, b)[0]) * nx.sigmoid(x),
     lambda x, a, b: (1.0 + a * b * nx.sin_cos_scaled(x, b)[1]) * nx.sigmoid(x)
     + (x + a * nx.sin_cos_scaled(x, b)[0]) * nx.sigmoid_d(x),
     r"$f(x)=(x+a\sin(bx))\,\sigma(x)$", _props((-0.49737055418999104, INF), 2.007970722522658, "zero_centred smooth ident", c=INF),
     ends=_RELU_ENDS, dends=lambda a, b: (0.0, NAN if a and b else 1.0),
     params=(Param("a", 1.0, doc="amplitude of the sine"), Param("b", 1.0, doc="frequency of the sine")),
     aliases=("sinu_sigmoidal_linear_unit",), source="paper", cite=("paul2022sinlu",),
     note="Sinu-sigmoidal linear unit (Paul et al. 2022) with its trainable a, b at 1. f' oscillates for "
          "large x (no limit: f'(+inf) = NaN).")

_add("cube", "Cube", "smooth-relu", lambda x: x ** 3, lambda x: 3.0 * x * x,
     r"$f(x)=x^3$", _props(_LIN_ENDS, INF, "monotonic zero_centred smooth", c=INF),
     ends=_LIN_ENDS, dends=(INF, INF), source="paper", cite=("chen2014fast",),
     note="Chen and Manning's dependency parser: x^3 captures products of three features. +-inf beyond "
          "about 5.6e102, where the cube overflows.")

_add("exponential", "Exponential", "smooth-relu", np.exp, np.exp,
     r"$f(x)=e^{x}$", _props((0, INF), INF, "monotonic smooth dmono", c=INF),
     ends=(0.0, INF), dends=(0.0, INF), aliases=("exp",), source="keras", cite=("chollet2015keras",),
     ship="keras:exponential", note="keras.activations.exponential; +inf beyond x = 709.78 (log of the largest float).")

# --------------------------------------------------------------------------- shrink

_add("hardshrink", "Hardshrink", "shrink",
     lambda x, lambd: np.where(np.abs(x) > lambd, x, 0.0), lambda x, lambd: nx.outside(x, lambd),
     r"$f(x)=x$ if $|x|>\lambda$ else $0$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred", c=-1),
     ends=_LIN_ENDS, dends=(1.0, 1.0), kinks=lambda lambd: (-lambd, lambd),
     params=(_LAMBD,), aliases=("hard_shrink",), source="torch,keras", cite=("donoho1994ideal",),
     ship="torch:hardshrink,Hardshrink keras:hard_shrink",
     note="Hard thresholding; jumps at +-lambd, where f = 0 and f' = 0 as in PyTorch (Keras calls lambd threshold).")

_add("softshrink", "Softshrink", "shrink",
     lambda x, lambd: np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0)),
     lambda x, lambd: nx.outside(x, lambd),
     r"$f(x)=x-\lambda\,\mathrm{sgn}(x)$ if $|x|>\lambda$ else $0$", _props(_LIN_ENDS, 1.0, "monotonic zero_centred", c=0),
     ends=_LIN_ENDS, dends=(1.0, 1.0), kinks=lambda lambd: (-lambd, lambd),
     params=(_LAMBD,), aliases=("soft_shrink",), source="torch,keras", cite=("donoho1995denoising",),
     ship="torch:softshrink,Softshrink keras:soft_shrink",
     note="Soft thresholding; f'(+-lambd) = 0 as in PyTorch (Keras calls lambd threshold).")

_add("tanhshrink", "Tanhshrink", "shrink", nx.x_minus_tanh, lambda x: np.tanh(x) ** 2,
     r"$f(x)=x-\tanh(x)$", _props(_LIN_ENDS, 1.0, _ODD_MONO, c=INF),
     ends=_LIN_ENDS, dends=(1.0, 1.0), aliases=("tanh_shrink",), source="article,torch,keras",
     cite=("paszke2019pytorch",), ship="torch:tanhshrink,Tanhshrink keras:tanh_shrink",
     note="f' = tanh^2 x: flat at 0, slope tends to 1; a series near 0 keeps f(1e-9) = 3.3e-28 exact.")

# --------------------------------------------------------------------------- other

_add("identity", "Identity", "other", lambda x: x * 1.0, nx.ones,
     r"$f(x)=x$", _props(_LIN_ENDS, 1.0, _ODD_MONO + " dmono ident", c=INF),
     ends=_LIN_ENDS, dends=(1.0, 1.0), aliases=("linear",), source="catalogue26,torch,keras,jax,hf",
     cite=("widrow1960adaptive",), ship="torch:Identity keras:linear jax:identity hf:linear")

_add("soft_exponential", "Soft Exponential", "other", nx.soft_exp, nx.soft_exp_d,
     r"$\frac{e^{\alpha x}-1}{\alpha}+\alpha$ if $\alpha>0$, $\frac{\ln(1-\alpha(x+\alpha))}{-\alpha}$ if $\alpha<0$",
     _props(_LIN_ENDS, 1.0, _ODD_MONO + " dmono ident", c=INF),
     ends=lambda alpha: (NAN, INF) if alpha < 0 else ((-INF, INF) if alpha == 0 else (alpha - 1 / alpha, INF)),
     dends=lambda alpha: (NAN, 0.0) if alpha < 0 else ((1.0, 1.0) if alpha == 0 else (0.0, INF)),
     kinks=nx.soft_exp_domain,
     params=(Param("alpha", 0.0, low=-1.0, high=1.0, doc="-1: log-like, 0: identity, 1: exp-like"),),
     aliases=("soft_exp",), source="catalogue26", cite=("godfrey2015continuum",),
     note="Godfrey and Gashler (2015); alpha = 0 (the limit of both formulas) is exactly the identity. For alpha < 0, f is defined only for "
          "x > (alpha^2-1)/(-alpha) (f = -inf at that end, NaN below); for alpha > 0 it overflows to +inf "
          "where e^(alpha x)/alpha exceeds the float range.")

_add("absolute", "Absolute", "other", np.abs, np.sign,
     r"$f(x)=|x|$", _props((0, INF), 1.0, "dmono", c=0),
     ends=(INF, INF), dends=(-1.0, 1.0), kinks=(0.0,), aliases=("abs",), source="catalogue26",
     cite=("jarrett2009best",), note="Absolute value rectification; f'(0) = 0 as torch.abs's gradient.")

_add("gaussian", "Gaussian", "other",
     lambda x: np.exp(-np.clip(x, -40.0, 40.0) ** 2),
     lambda x: -2.0 * np.clip(x, -40.0, 40.0) * np.exp(-np.clip(x, -40.0, 40.0) ** 2),
     r"$f(x)=e^{-x^2}$", _props((0, 1), math.sqrt(2.0) * math.exp(-0.5), "smooth", c=INF),
     ends=(0.0, 0.0), dends=(0.0, 0.0), aliases=("gauss",), source="catalogue26", cite=("broomhead1988multivariable",),
     note="Steepest (sqrt(2/e)) at x = +-1/sqrt(2).")

_add("laplace", "Laplace (MEGA)", "other",
     lambda x, mu, sigma: nx.ndtr((x - mu) / sigma), lambda x, mu, sigma: nx.npdf((x - mu) / sigma) / sigma,
     r"$f(x)=\frac{1}{2}(1+\mathrm{erf}(\frac{x-\mu}{\sigma\sqrt{2}}))$",
     _props((0, 1), 1.0 / (LAPLACE_SIGMA * math.sqrt(2.0 * math.pi)), _SMOOTH_MONO, c=INF),
     ends=_SIG_ENDS, dends=_SIG_DENDS,
     params=(Param("mu", LAPLACE_MU, doc="centre (sqrt(1/2) rounded)"),
             Param("sigma", LAPLACE_SIGMA, low=0.0, low_inclusive=False, doc="width (1/sqrt(4 pi) rounded)")),
     source="hf,paper", cite=("ma2022mega",), ship="hf:laplace",
     note="MEGA's attention activation, a Gaussian CDF placed to match relu^2 near 0 while staying bounded; "
          "mu = 0.707107 and sigma = 0.282095 as Hugging Face's laplace.")

_add("sq_rbf", "SQ-RBF", "other", nx.sq_rbf, nx.sq_rbf_d,
     r"$f(x)=1-\frac{x^2}{2}$ on $|x|\leq 1$, $\frac{(2-|x|)^2}{2}$ on $|x|<2$",
     _props((0, 1), 1.0, "smooth", c=1),
     ends=(0.0, 0.0), dends=(0.0, 0.0), kinks=(-2.0, -1.0, 1.0, 2.0), aliases=("sqrbf",), source="paper",
     cite=("wuraola2021efficient",),
     note="A Gaussian-like bump from squares only (Wuraola et al. 2021); f' is continuous, f'' jumps at +-1, +-2.")

_add("sinusoid", "Sinusoid", "other", np.sin, np.cos,
     r"$f(x)=\sin(x)$", _props(_SYM_ENDS, 1.0, "zero_centred smooth ident", c=INF),
     ends=(NAN, NAN), dends=(NAN, NAN), aliases=("sin", "sine"), source="catalogue26", cite=("sheehan2017visualising",),
     note="Periodic; no limit at +-inf, so f(+-inf) = NaN.")

_add("siren", "SIREN Sine", "other",
     lambda x, w0: nx.sin_cos_scaled(x, w0)[0], lambda x, w0: w0 * nx.sin_cos_scaled(x, w0)[1],
     r"$f(x)=\sin(\omega_0 x)$", _props(_SYM_ENDS, 30.0, "zero_centred smooth", c=INF),
     ends=(NAN, NAN), dends=(NAN, NAN),
     params=(Param("w0", 30.0, low=0.0, low_inclusive=False, doc="frequency omega_0 (30 in SIREN)"),),
     aliases=("sine_w0",), source="paper", cite=("sitzmann2020implicit",),
     note="SIREN's periodic activation sin(30 x) (Sitzmann et al. 2020). Periodic: f(+-inf) = NaN.")

_add("snake", "Snake", "other",
     lambda x, alpha: x + nx.sin_cos_scaled(x, alpha)[0] ** 2 / alpha,
     lambda x, alpha: sum(nx.sin_cos_scaled(x, alpha)) ** 2,  # = 1 + sin(2 alpha x)
     r"$f(x)=x+\frac{\sin^2(\alpha x)}{\alpha}$", _props(_LIN_ENDS, 2.0, "monotonic zero_centred smooth ident", c=INF),
     ends=_LIN_ENDS, dends=(NAN, NAN),
     params=(Param("alpha", 1.0, low=0.0, low_inclusive=False, doc="frequency"),),
     source="paper", cite=("ziyin2020neural",),
     note="Ziyin et al. (2020): a line with a periodic ripple, so networks can extrapolate periodic signals; "
          "f' = 1 + sin(2 alpha x), computed as (sin + cos)^2 without cancellation where it nears 0, has no "
          "limit at +-inf (NaN).")

_add("snake_beta", "SnakeBeta", "other",
     lambda x, alpha, beta: x + nx.sin_cos_scaled(x, alpha)[0] ** 2 / beta,
     lambda x, alpha, beta: (1.0 - alpha / beta) + (alpha / beta) * sum(nx.sin_cos_scaled(x, alpha)) ** 2,
     r"$f(x)=x+\frac{\sin^2(\alpha x)}{\beta}$", _props(_LIN_ENDS, 2.0, "monotonic zero_centred smooth ident", c=INF),
     ends=_LIN_ENDS, dends=(NAN, NAN),
     params=(Param("alpha", 1.0, low=0.0, low_inclusive=False, doc="frequency"),
             Param("beta", 1.0, low=0.0, low_inclusive=False, doc="inverse amplitude")),
     aliases=("snakebeta",), source="paper", cite=("lee2022bigvgan",),
     note="BigVGAN's Snake with a separate amplitude 1/beta (Lee et al. 2022; alpha and beta learned there, "
          "initialised at 1). f' has no limit at +-inf (NaN).")

_add("gcu", "GCU", "other", lambda x: x * np.cos(x), lambda x: np.cos(x) - x * np.sin(x),
     r"$f(x)=x\cos(x)$", _props(_LIN_ENDS, INF, "zero_centred smooth ident", c=INF),
     ends=(NAN, NAN), dends=(NAN, NAN), aliases=("growing_cosine_unit",), source="paper", cite=("noel2021growing",),
     note="Growing cosine unit (Noel et al. 2021): oscillates with growing amplitude, so f(+-inf) = NaN.")

_add("cos", "Cos", "other", np.cos, lambda x: -np.sin(x),
     r"$f(x)=\cos(x)$", _props(_SYM_ENDS, 1.0, "smooth", c=INF),
     ends=(NAN, NAN), dends=(NAN, NAN), aliases=("cosine",), source="catalogue26", cite=("sheehan2017visualising",),
     note="Periodic; no limit at +-inf, so f(+-inf) = NaN.")

_add("sinc", "Sinc", "other", nx.sinc, nx.sinc_d,
     r"$f(x)=\frac{\sin(x)}{x}$, $f(0)=1$", _props((-0.21723362821122166, 1), 0.4361818172714585, "smooth", c=INF),
     ends=(0.0, 0.0), dends=(0.0, 0.0), source="catalogue26", cite=("sheehan2017visualising",),
     note="Unnormalised sinc (torch.sinc is sin(pi x)/(pi x)); f'(0) = 0, series near 0.")

# --------------------------------------------------------------------------- gated: f(a, b) = value(a) gate(b)

_ident = lambda a, **_: a * 1.0  # noqa: E731
_one = lambda a, **_: np.ones_like(a)  # noqa: E731
_GATED = "zero_centred"


def _gated_props(c, rng=_LIN_ENDS, slope=INF):
    return _props(rng, slope, _GATED + (" smooth" if c >= 1 else ""), c=c, gated=True)


_add_gated("glu", "GLU", _ident, _one, lambda b: nx.sigmoid(b), lambda b: nx.sigmoid_d(b),
           r"$f(a,b)=a\,\sigma(b)$", _gated_props(INF), gate_ends=_SIG_ENDS, dgate_ends=_SIG_DENDS,
           aliases=("gated_linear_unit",), source="torch,keras,jax", cite=("dauphin2017language",),
           ship="torch:glu,GLU keras:glu jax:glu flax:glu",
           note="Gated linear unit: the layer's first half a times the sigmoid of its second half b "
                "(torch.nn.functional.glu, jax.nn.glu, keras glu split it that way).")

_add_gated("swiglu", "SwiGLU", _ident, _one, lambda b, beta: nx.swish(b, beta), lambda b, beta: nx.swish_d(b, beta),
           r"$f(a,b)=a\,b\,\sigma(\beta b)$", _gated_props(INF),
           gate_ends=lambda beta: (0.0 if beta else -INF, INF),
           dgate_ends=lambda beta: (0.0 if beta else 0.5, 1.0 if beta else 0.5),
           params=(Param("beta", 1.0, low=0.0, doc="slope of the swish gate"),), source="paper",
           cite=("shazeer2020glu",),
           note="GLU with a swish gate (Shazeer 2020), the MLP of LLaMA-style transformers: act(gate) * up.")

_add_gated("geglu", "GeGLU", _ident, _one, lambda b: b * nx.ndtr(b), lambda b: nx.ndtr(b) + b * nx.npdf(b),
           r"$f(a,b)=a\,b\,\Phi(b)$", _gated_props(INF), gate_ends=_RELU_ENDS, dgate_ends=_RELU_DENDS,
           source="paper", cite=("shazeer2020glu",), note="GLU with an exact GELU gate (Shazeer 2020).")

_add_gated("geglu_tanh", "GeGLU (tanh GELU)", _ident, _one, nx.gelu_tanh, nx.gelu_tanh_d,
           r"$f(a,b)=a\,\mathrm{gelu}_{\tanh}(b)$", _gated_props(INF), gate_ends=_RELU_ENDS, dgate_ends=_RELU_DENDS,
           source="paper", cite=("gemma2024gemma", "shazeer2020glu"),
           note="GeGLU with the tanh-approximate GELU, as Gemma's MLP (hidden_activation gelu_pytorch_tanh).")

_add_gated("reglu", "ReGLU", _ident, _one, lambda b: np.maximum(b, 0.0), nx.relu_d,
           r"$f(a,b)=a\,\max(0,b)$", _gated_props(0), gate_ends=_RELU_ENDS, dgate_ends=_RELU_DENDS,
           source="paper", cite=("shazeer2020glu",),
           note="GLU with a ReLU gate (Shazeer 2020); df/db = 0 at b = 0 (relu'(0) = 0).")

_add_gated("bilinear", "Bilinear", _ident, _one, lambda b: b * 1.0, nx.ones,
           r"$f(a,b)=a\,b$", _gated_props(INF), gate_ends=_LIN_ENDS, dgate_ends=(1.0, 1.0),
           source="paper", cite=("shazeer2020glu",), note="GLU without a nonlinearity (Shazeer 2020): the product.")

_add_gated("clamped_swiglu", "Clamped SwiGLU (gpt-oss)",
           lambda a, alpha, limit: np.clip(a, -limit, limit) + 1.0,
           lambda a, alpha, limit: ((a >= -limit) & (a <= limit)).astype(float),
           lambda b, alpha, limit: nx.swish(np.minimum(b, limit), alpha),
           lambda b, alpha, limit: np.where(b <= limit, nx.swish_d(np.minimum(b, limit), alpha), 0.0),
           r"$f(a,b)=(\mathrm{clip}(a,-L,L)+1)\,g\,\sigma(\alpha g)$, $g=\min(b,L)$",
           _props((-41.99971876981991, 55.99962502642654), 10.630554937055916, _GATED, c=0, gated=True),
           gate_ends=lambda alpha, limit: (0.0, limit * float(nx.sigmoid(np.float64(alpha * limit)))),
           dgate_ends=(0.0, 0.0),
           params=(Param("alpha", 1.702, low=0.0, low_inclusive=False, doc="slope of the swish gate"),
                   Param("limit", 7.0, low=0.0, low_inclusive=False, doc="clamp L")),
           source="paper", cite=("openai2025gptoss",),
           note="gpt-oss's SwiGLU: the gate b is clamped above at L = 7 and the value a to [-L, L], plus 1; "
                "alpha = 1.702. The clamps pass the gradient at their bounds (torch.clamp).")

# ------------------------------------------------------------------------- checks of the data itself

for _act in BUILTINS:
    if not set(_act.source.split(",")) <= set(SOURCES):
        raise ValueError(f"{_act.name}: unknown source in {_act.source!r}")

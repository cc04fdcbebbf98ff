"""Reference definitions of the one-input catalogue in mpmath: the formulas as written in the sources,
evaluated at 50 digits with an unbounded exponent range, so they are exact where floats are not.

``value(name, x, params)`` and ``derivative(name, x, params)`` return floats (nan where undefined);
the derivative is mpmath's numerical differentiation of the formula with a step far below the distance
to any kink, not the catalogue's analytic derivative.
"""
from __future__ import annotations

import math

import mpmath as mp

DPS = 50


def _c(v):
    """A float constant as mpmath holds it exactly (0.044715 means the double nearest 0.044715)."""
    return mp.mpf(float(v))


def expm1(t):
    """e^t - 1; far from 0 as exp(t) - 1 (mpmath's expm1 aligns e^(-1e300) with 1 bit by bit)."""
    return mp.expm1(t) if abs(t) < 1e4 else mp.exp(t) - 1


def log1p(t):
    """log(1 + t); for tiny t it is t to far beyond 50 digits, for huge t log(t) is exact enough."""
    if abs(t) < mp.mpf("1e-200"):
        return t
    return mp.log1p(t) if abs(t) < mp.mpf("1e20") else mp.log(1 + t)


def sig(x):
    return 1 / (1 + mp.exp(-x))


def softplus(x):
    return log1p(mp.exp(x)) if x < 1000 else x + log1p(mp.exp(-x))


def relu(x):
    return x if x > 0 else mp.mpf(0)


def clip(x, lo, hi):
    return min(max(x, lo), hi)


def erfc(z):
    """mpmath's erfc, which overflows on |z| beyond about 1e150; there it is 0 or 2 far below a float's reach."""
    if abs(z) > 1e6:
        return mp.mpf(0) if z > 0 else mp.mpf(2)
    return mp.erfc(z)


def erf(z):
    return 1 - erfc(z) if abs(z) > 1 else mp.erf(z)


def ncdf(x):
    return erfc(-x / mp.sqrt(2)) / 2


def gelu(x):
    return x * ncdf(x)


def gelu_tanh(x):
    return x / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (x + _c(0.044715) * x ** 3)))


SELU_A = mp.mpf("1.6732632423543772848170429916717")
SELU_L = mp.mpf("1.0507009873554804934193349852946")


def _soft_exp(x, alpha):
    a = _c(alpha)
    if a == 0:
        return x
    if a > 0:
        return expm1(a * x) / a + a
    arg = 1 - a * (x + a)
    return -mp.log(arg) / a if arg > 0 else mp.nan


FORMULAS = {
    "sigmoid": lambda x: sig(x),
    "tanh": lambda x: mp.tanh(x),
    "arctan": lambda x: mp.atan(x),
    "softsign": lambda x: x / (1 + abs(x)),
    "isru": lambda x, alpha: x / mp.sqrt(1 + _c(alpha) * x * x),
    "lecun_tanh": lambda x: _c(1.7159) * mp.tanh(_c(2 / 3) * x),
    "symmetrical_sigmoid": lambda x: mp.tanh(x / 2),
    "hardsigmoid": lambda x: clip(x / 6 + mp.mpf(1) / 2, 0, 1),
    "hard_sigmoid_keras": lambda x: clip(_c(0.2) * x + mp.mpf(1) / 2, 0, 1),
    "hardtanh": lambda x, min_val, max_val: clip(x, _c(min_val), _c(max_val)),
    "log_log": lambda x: -expm1(-mp.exp(x)) if x < 1000 else mp.mpf(1),
    "soft_clipping": lambda x, alpha: (softplus(_c(alpha) * x) - softplus(_c(alpha) * (x - 1))) / _c(alpha),
    "binary_step": lambda x: mp.mpf(1) if x >= 0 else mp.mpf(0),
    "signum": lambda x: mp.sign(x),
    "erf": lambda x: erf(x),
    "sqnl": lambda x: mp.mpf(1) if x > 2 else (mp.mpf(-1) if x < -2 else (x - x * x / 4 if x >= 0 else x + x * x / 4)),
    "softmax": lambda x: sig(x),
    "softmin": lambda x: sig(-x),
    "sparsemax": lambda x: clip((x + 1) / 2, 0, 1),
    "sparse_sigmoid": lambda x: clip((x + 1) / 2, 0, 1),
    "penalized_tanh": lambda x, a: mp.tanh(x) if x > 0 else _c(a) * mp.tanh(x),
    "srs": lambda x: x / (x / 2 + mp.exp(-x / 3)),
    "relu": relu,
    "relu6": lambda x: clip(x, 0, 6),
    "relu2": lambda x: relu(x) ** 2,
    "star_relu": lambda x, s, b: _c(s) * relu(x) ** 2 + _c(b),
    "leaky_relu": lambda x, negative_slope: x if x > 0 else _c(negative_slope) * x,
    "prelu": lambda x, a: x if x > 0 else _c(a) * x,
    "rrelu": lambda x, lower, upper: x if x > 0 else _c(0.5 * (lower + upper)) * x,
    "threshold": lambda x, threshold, value: x if x > _c(threshold) else _c(value),
    "crelu": relu,
    "maxout": lambda x, a, b: max(x, _c(a) * x + _c(b)),
    "srelu": lambda x, t_l, a_l, t_r, a_r: (_c(t_r) + _c(a_r) * (x - _c(t_r)) if x >= _c(t_r) else
                                            (_c(t_l) + _c(a_l) * (x - _c(t_l)) if x <= _c(t_l) else x)),
    "apl": lambda x, a, b: relu(x) + _c(a) * relu(_c(b) - x),
    "sparse_plus": lambda x, beta: (mp.mpf(0) if x <= -_c(beta) else
                                    (x if x >= _c(beta) else (x + _c(beta)) ** 2 / (4 * _c(beta)))),
    "nlrelu": lambda x, beta: log1p(_c(beta) * relu(x)),
    "elu": lambda x, alpha: x if x > 0 else _c(alpha) * expm1(x),
    "selu": lambda x: SELU_L * (x if x > 0 else SELU_A * expm1(x)),
    "celu": lambda x, alpha: x if x > 0 else _c(alpha) * expm1(x / _c(alpha)),
    "pelu": lambda x, a, b: _c(a) / _c(b) * x if x >= 0 else _c(a) * expm1(x / _c(b)),
    "softplus": lambda x, beta, threshold: x if _c(beta) * x > _c(threshold) else softplus(_c(beta) * x) / _c(beta),
    "softplus_smooth": softplus,
    "shifted_softplus": lambda x: softplus(x) - mp.log(2),
    "squareplus": lambda x, b: (x + mp.sqrt(x * x + _c(b))) / 2,
    "logsigmoid": lambda x: -softplus(-x),
    "log_softmax": lambda x: -softplus(-x),
    "silu": lambda x: x * sig(x),
    "swish": lambda x, beta: x * sig(_c(beta) * x),
    "e_swish": lambda x, beta: _c(beta) * x * sig(x),
    "dsilu": lambda x: sig(x) * (1 + x * (1 - sig(x))),
    "gelu": gelu,
    "gelu_tanh": gelu_tanh,
    "quick_gelu": lambda x: x * sig(_c(1.702) * x),
    "clipped_gelu": lambda x, min_val, max_val: clip(gelu(x), _c(min_val), _c(max_val)),
    "mish": lambda x: x * mp.tanh(softplus(x)),
    "hardswish": lambda x: x * clip(x + 3, 0, 6) / 6,
    "isrlu": lambda x, alpha: x if x >= 0 else x / mp.sqrt(1 + _c(alpha) * x * x),
    "bent_identity": lambda x: (mp.sqrt(x * x + 1) - 1) / 2 + x,
    "xielu": lambda x, alpha_p, alpha_n, beta: (_c(alpha_p) * x * x + _c(beta) * x if x > 0 else
                                                 _c(alpha_n) * (expm1(x) - x) + _c(beta) * x),
    "elish": lambda x: x * sig(x) if x >= 0 else expm1(x) * sig(x),
    "hard_elish": lambda x: (x if x >= 0 else expm1(x)) * clip((x + 1) / 2, 0, 1),
    "serf": lambda x: x * erf(softplus(x)),
    "smish": lambda x: x * mp.tanh(log1p(sig(x))),
    "logish": lambda x: x * log1p(sig(x)),
    "tanhexp": lambda x: x * mp.tanh(mp.exp(x)) if x < 50 else x,  # beyond, tanh(e^x) = 1 - 2e-2e21
    "lisht": lambda x: x * mp.tanh(x),
    "sinlu": lambda x, a, b: (x + _c(a) * mp.sin(_c(b) * x)) * sig(x),
    "cube": lambda x: x ** 3,
    "exponential": lambda x: mp.exp(x),
    "hardshrink": lambda x, lambd: x if abs(x) > _c(lambd) else mp.mpf(0),
    "softshrink": lambda x, lambd: x - _c(lambd) if x > _c(lambd) else (x + _c(lambd) if x < -_c(lambd) else mp.mpf(0)),
    "tanhshrink": lambda x: x - mp.tanh(x),
    "identity": lambda x: x,
    "soft_exponential": _soft_exp,
    "absolute": lambda x: abs(x),
    "gaussian": lambda x: mp.exp(-x * x),
    "laplace": lambda x, mu, sigma: ncdf((x - _c(mu)) / _c(sigma)),
    "sq_rbf": lambda x: (1 - x * x / 2 if abs(x) <= 1 else ((2 - abs(x)) ** 2 / 2 if abs(x) < 2 else mp.mpf(0))),
    "sinusoid": lambda x: mp.sin(x),
    "siren": lambda x, w0: mp.sin(_c(w0) * x),
    "snake": lambda x, alpha: x + mp.sin(_c(alpha) * x) ** 2 / _c(alpha),
    "snake_beta": lambda x, alpha, beta: x + mp.sin(_c(alpha) * x) ** 2 / _c(beta),
    "gcu": lambda x: x * mp.cos(x),
    "cos": lambda x: mp.cos(x),
    "sinc": lambda x: mp.sin(x) / x if x != 0 else mp.mpf(1),
}
"""Catalogue name -> the formula in mpmath (parameters by name, as floats)."""


def _float(v) -> float:
    if isinstance(v, mp.mpc):
        return float(v.real) if v.imag == 0 else math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _ladder(compute, base: int) -> float:
    """``compute()`` at more and more digits until two precisions agree to 30 digits: cancellation
    (x + sqrt(x^2 + b) at x = -1e100) needs as many digits as the terms have above the result."""
    previous = None
    for dps in (base, 2 * base, 4 * base, 8 * base):
        with mp.workdps(dps):
            try:
                v = compute()
            except (ValueError, ZeroDivisionError):
                return math.nan
            if isinstance(v, mp.mpc):
                v = v.real if v.imag == 0 else mp.nan
            # agreement on 0 proves nothing (both precisions may have lost a tiny difference): go on
            if previous is not None and v != 0 and abs(v - previous) <= abs(v) * mp.mpf("1e-30"):
                return _float(v)
            previous = v
    return _float(previous)


def value(name: str, x: float, params: dict) -> float:
    """The formula at x, exact to a float."""
    return _ladder(lambda: FORMULAS[name](mp.mpf(x), **params), DPS)


def derivative(name: str, x: float, params: dict) -> float:
    """The formula's derivative by Richardson-extrapolated central differences (error of order h^4) with a
    step 1e-20 relative to x: far below the distance to any kink the tests use, so it never straddles one."""
    # a step 1e-20 absolute at most: relative to a huge x it would span whole periods of sin(x)
    h = min(abs(mp.mpf(x)), mp.mpf(1)) * mp.mpf("1e-20") if x != 0 else mp.mpf("1e-30")
    f = FORMULAS[name]

    def compute():
        xm = mp.mpf(x)
        d1 = (f(xm + h, **params) - f(xm - h, **params)) / (2 * h)
        d2 = (f(xm + h / 2, **params) - f(xm - h / 2, **params)) / h
        return (4 * d2 - d1) / 3

    return _ladder(compute, 60 + max(0, int(mp.log10(max(abs(mp.mpf(x)), 1) / h))))

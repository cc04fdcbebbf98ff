"""Stable numerical primitives shared by the catalogue and by expressions.

Each takes finite float arrays (the catalogue's :func:`guarded` wrapper sees to
non-finite inputs) and stays accurate in the tails: the logistic function without
overflow, softplus and sech^2 without cancellation, erfc to ~1e-15 relative without
SciPy, and so on.
"""
from __future__ import annotations

import math

from actviz.core.lazy import numpy as np  # numpy loads when a function first runs (actviz list needs none)

INF = math.inf
NAN = math.nan
GELU_TANH_C, GELU_TANH_K = math.sqrt(2.0 / math.pi), 0.044715
"""Constants of GELU's tanh approximation (Hendrycks and Gimpel; PyTorch approximate='tanh')."""

SQRT1_2 = math.sqrt(0.5)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
HUGE = 1e300
LOG_MAX = 709.78  # exp() of anything above overflows float64

# Chebyshev coefficients of log(erfc(z) / t) + z^2 in t = 2 / (2 + z) (the method of
# Numerical Recipes' erfccheb), recomputed with mpmath to 50 digits.
ERFC_COF = (
    -1.3026537197817094, 0.6419697923564902, 0.019476473204185836, -0.009561514786808632,
    -0.0009465953444820369, 0.00036683949785276145, 4.252332480690777e-05, -2.0278578112534242e-05,
    -1.6242900046470256e-06, 1.3036558355805232e-06, 1.5626441722066142e-08, -8.523809591492654e-08,
    6.5290544390988515e-09, 5.059343495551469e-09, -9.91364156493033e-10, -2.273651222931836e-10,
    9.646791102015527e-11, 2.3940380830391146e-12, -6.886027526497553e-12, 8.944879273090725e-13,
    3.130921399342958e-13, -1.1270822361367252e-13, 3.810905255189232e-16, 7.106097613609237e-15,
    -1.5230282014571043e-15, -9.457494571291233e-17, 1.210237189224279e-16, -2.816663087747177e-17,
)


# --------------------------------------------------------------------------- helpers
# Every helper takes finite float arrays (the registry's wrapper sees to that).

def scale(x, s):
    """``s * x`` with x clamped so the product never overflows (it saturates every caller)."""
    lim = HUGE / max(abs(s), 1.0)
    return s * np.clip(x, -lim, lim)


def sigmoid(x):
    """Logistic function without overflow: exp only ever sees non-positive arguments."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x):
    """log(1 + e^x) without overflow and accurate in both tails."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def sech2(x):
    """sech^2 x = 1 - tanh^2 x, accurate in the tails (no 1 - tanh^2 cancellation)."""
    e = np.exp(-2.0 * np.minimum(np.abs(x), 400.0))
    return 4.0 * e / (1.0 + e) ** 2


def exp_neg_sq(a):
    """exp(-a^2) for a >= 0, with a^2 split so its rounding does not spoil the tail."""
    hi = a.astype(np.float32).astype(float)
    return np.exp(-hi * hi) * np.exp(-(a - hi) * (a + hi))


def erfc(z):
    """Complementary error function to ~1e-15 relative (Chebyshev fit, no scipy)."""
    a = np.minimum(np.abs(z), 40.0)
    t = 2.0 / (2.0 + a)
    ty = 4.0 * t - 2.0
    d = np.zeros_like(a)
    dd = np.zeros_like(a)
    for c in ERFC_COF[:0:-1]:
        d, dd = ty * d - dd + c, d
    e = t * np.exp(0.5 * (ERFC_COF[0] + ty * d) - dd) * exp_neg_sq(a)
    return np.where(z >= 0, e, 2.0 - e)


def ndtr(x):
    """Standard normal CDF Phi(x), accurate in the lower tail."""
    return 0.5 * erfc(-SQRT1_2 * x)


def npdf(x):
    """Standard normal density phi(x); exactly 0 far out."""
    xc = np.clip(x, -40.0, 40.0)
    return INV_SQRT_2PI * np.exp(-0.5 * xc * xc)


def rsqrt1p(x, alpha):
    """1 / sqrt(1 + alpha x^2) without overflowing x^2."""
    a = np.abs(x)
    u = 1.0 / np.maximum(a, 1.0)
    s = np.minimum(a, 1.0)
    return np.where(a > 1.0, u / np.sqrt(u * u + alpha), 1.0 / np.sqrt(1.0 + alpha * s * s))


def inside(x, lo, hi):
    """1 strictly between lo and hi, else 0: the derivative of a clip (PyTorch's kinks)."""
    return ((x > lo) & (x < hi)).astype(float)


def outside(x, lambd):
    """1 where |x| > lambd, else 0: the derivative of the shrink functions."""
    return (np.abs(x) > lambd).astype(float)


def leaky(x, slope):
    return np.where(x > 0, x, slope * x)


def leaky_ends(slope):
    """Limits of max(0,x) + slope min(0,x) at -inf and +inf."""
    return (-math.copysign(INF, slope) if slope else 0.0, INF)


def leaky_d(x, slope):
    return np.where(x > 0, 1.0, slope)


def elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_d(x, alpha):
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def swish(x, beta):
    return x * sigmoid(scale(x, beta))


def swish_d(x, beta):
    z = scale(x, beta)
    return sigmoid(z) * (1.0 + z * sigmoid(-z))


def tanh_scaled(x, a, b):
    """a tanh(b x) and its derivative, the shape of the scaled tanh family."""
    return a * np.tanh(b * x)


def tanh_scaled_d(x, a, b):
    return (a * b) * sech2(b * x)


def sigmoid_d(x):
    return sigmoid(x) * sigmoid(-x)


def softplus_torch(x, beta, threshold):
    """PyTorch's softplus: log(1 + e^(beta x))/beta, and x itself where beta x > threshold."""
    z = scale(x, beta)
    return np.where(z > threshold, x, softplus(z) / beta)


def softplus_torch_d(x, beta, threshold):
    z = scale(x, beta)
    return np.where(z > threshold, 1.0, sigmoid(z))


def gelu_tanh_2u(x):
    """2u with u = sqrt(2/pi)(x + 0.044715 x^3), from x clamped where the gate has saturated."""
    xc = np.clip(x, -1e5, 1e5)
    return xc, 2.0 * GELU_TANH_C * (xc + GELU_TANH_K * xc ** 3)


def gelu_tanh(x):
    """x (1 + tanh u)/2 = x sigmoid(2u): the same function, without 1 + tanh cancellation."""
    return x * sigmoid(gelu_tanh_2u(x)[1])


def gelu_tanh_d(x):
    xc, two_u = gelu_tanh_2u(x)
    s = sigmoid(two_u)
    return s + (xc * (s * sigmoid(-two_u))) * (2.0 * GELU_TANH_C * (1.0 + 3.0 * GELU_TANH_K * xc * xc))


def sat_mul(k, x):
    """k x, or +-inf (without an overflow flag) where the product leaves the float range."""
    lim = np.finfo(float).max / abs(k) * (1.0 - 2.0 ** -50)
    return np.where(np.abs(x) > lim, np.where((x > 0) == (k > 0), INF, -INF), k * np.clip(x, -lim, lim))


def bent_identity(x):
    """x + x^2/(2(sqrt(x^2+1)+1)): no cancellation near 0, no overflow of x^2; 3x/2 far right."""
    xc = np.minimum(x, HUGE)
    a = np.abs(xc)
    return np.where(x > HUGE, sat_mul(1.5, x), xc + 0.5 * a * (a / (np.hypot(xc, 1.0) + 1.0)))


def mish(x):
    return x * np.tanh(softplus(x))


def mish_d(x):
    sp = softplus(x)
    return np.tanh(sp) + x * sigmoid(x) * sech2(sp)


def zeros(x, **_):
    return np.zeros_like(x)


def ones(x, **_):
    return np.ones_like(x)


def relu_d(x):
    return (x > 0).astype(float)


# ------------------------------------------------------------- soft exponential / clipping

def soft_exp(x, alpha):
    if alpha == 0:
        return x * 1.0
    if alpha > 0:  # (e^{ax} - 1)/a + a; +inf once e^{ax}/a overflows
        t = alpha * x
        limit = LOG_MAX + min(0.0, math.log(alpha))
        return np.where(t > limit, INF, np.expm1(np.minimum(t, limit)) / alpha + alpha)
    u, v = soft_exp_log_arg(x, alpha)  # -ln(1 + u)/a = -ln(v)/a, defined for v > 0
    ok = v > 0.0
    near_one = np.abs(u) < 0.5
    inside = -np.where(near_one, np.log1p(np.where(near_one, u, 0.0)), np.log(np.where(ok, v, 1.0))) / alpha
    return np.where(ok, inside, np.where(v == 0.0, -INF, NAN))


def soft_exp_d(x, alpha):
    if alpha == 0:
        return np.ones_like(x)
    if alpha > 0:
        t = alpha * x
        return np.where(t > LOG_MAX, INF, np.exp(np.minimum(t, LOG_MAX)))
    v = soft_exp_log_arg(x, alpha)[1]
    ok = v > 0
    return np.where(ok, 1.0 / np.where(ok, v, 1.0), np.where(v == 0, INF, NAN))


def soft_exp_log_arg(x, alpha):
    """u = -a(x + a) and v = 1 + u = (1 - a)(1 + a) - a x for alpha < 0. u is accurate where it is
    small (log1p's side); v where it is small, near the end of the domain, where x + a would lose x."""
    return -alpha * (x + alpha), (1.0 - alpha) * (1.0 + alpha) - alpha * x


def soft_exp_domain(alpha):
    """Left end of soft exponential's domain (a singular point) for alpha < 0."""
    return ((alpha * alpha - 1.0) / -alpha,) if alpha < 0 else ()


def soft_clip_half(y, alpha):
    """(softplus(a y) - softplus(a (y - 1))) / a for y <= 1/2, where it has no cancellation."""
    return (softplus(scale(y, alpha)) - softplus(scale(y - 1.0, alpha))) / alpha


def soft_clip(x, alpha):
    """Uses the symmetry f(x) = 1 - f(1 - x) so both tails are computed from small terms."""
    left = x < 0.5
    return np.where(left, soft_clip_half(np.minimum(x, 0.5), alpha),
                    1.0 - soft_clip_half(np.minimum(1.0 - x, 0.5), alpha))


def soft_clip_d(x, alpha):
    y = np.where(x < 0.5, x, 1.0 - x)  # f' is symmetric about 1/2
    return sigmoid(scale(y, alpha)) - sigmoid(scale(y - 1.0, alpha))


# --------------------------------------------------------------------------- sinc

# sinc'(x) = sum_k (-1)^k 2k x^(2k-1) / (2k+1)!, used for |x| < 1 (no cancellation).
SINC_D_SERIES = tuple((-1) ** k * 2 * k / math.factorial(2 * k + 1) for k in range(1, 12))


def sinc(x):
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 1.0, np.sin(safe) / safe)


def sinc_d(x):
    small = np.abs(x) < 1.0
    s = np.where(small, x, 0.0)
    s2 = s * s
    series = np.zeros_like(s)
    for c in SINC_D_SERIES[::-1]:
        series = series * s2 + c
    big = np.where(small, 1.0, x)
    return np.where(small, s * series, (np.cos(big) - np.sin(big) / big) / big)


def as_shape(y, shape):
    y = np.asarray(y, dtype=float)
    return y if y.shape == shape else np.broadcast_to(y, shape).copy()


def guarded(fn, ends):
    """Wrap ``fn`` (written for finite inputs) so that NaN maps to NaN and -inf, +inf to
    ``ends`` (the limits there, possibly depending on the parameters), silencing only
    underflow and overflow. The finite fast path costs one ``isfinite`` pass."""

    def wrapped(x, **params):
        x = np.asarray(x, dtype=float)
        with np.errstate(under="ignore", over="ignore"):
            finite = np.isfinite(x)
            if finite.all():
                return as_shape(fn(x, **params), x.shape)
            lo, hi = ends(**params) if callable(ends) else ends
            y = as_shape(fn(np.where(finite, x, 0.0), **params), x.shape)
            y = np.where(x == INF, hi, np.where(x == -INF, lo, y))
            return np.where(np.isnan(x), NAN, y)

    wrapped.__name__ = getattr(fn, "__name__", "f")
    wrapped.__doc__ = fn.__doc__
    return wrapped



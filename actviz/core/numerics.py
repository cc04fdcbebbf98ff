"""Stable numerical primitives shared by the catalogue and by expressions.

Each takes finite float arrays (the catalogue's :func:`guarded` wrapper sees to
non-finite inputs) and stays accurate in the tails: the logistic function without
overflow, softplus and sech^2 without cancellation, erfc to ~1e-15 relative without
SciPy, and so on.
"""
from __future__ import annotations

import math
import sys

from actviz.core.lazy import numpy as np  # numpy loads when a function first runs (actviz list needs none)

INF = math.inf
NAN = math.nan
GELU_TANH_C, GELU_TANH_K = math.sqrt(2.0 / math.pi), 0.044715
"""Constants of GELU's tanh approximation (Hendrycks and Gimpel; PyTorch approximate='tanh')."""

SQRT1_2 = math.sqrt(0.5)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
HUGE = 1e300
DBL_MAX = sys.float_info.max  # (numpy.finfo would load numpy at import)
LOG_MAX = 709.78  # exp() of anything above overflows float64 (a round figure just below log(DBL_MAX))
LOG_DBL_MAX = math.log(DBL_MAX)  # 709.782712893384
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

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
    """``s * x`` with x clamped only where the product would leave the float range (every caller
    saturates long before that), so that any valid s, however large, keeps s * x exact elsewhere."""
    if abs(s) <= 1.0:
        return s * x
    lim = DBL_MAX / abs(s) * (1.0 - 2.0 ** -50)
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


def gelu_inverse(y: float) -> float:
    """The x > 0 with x Phi(x) = y, for y > 0 (Newton's method on floats; for clipped GELU's kink)."""
    x = max(float(y), 1.0)
    for _ in range(100):
        phi = 0.5 * math.erfc(-x * SQRT1_2)
        step = (x * phi - y) / (phi + x * INV_SQRT_2PI * math.exp(-0.5 * x * x))
        x -= step
        if abs(step) <= 1e-16 * max(1.0, abs(x)):
            break
    return x


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
    """Soft exponential (Godfrey and Gashler): accurate to a few ulps everywhere it is defined."""
    if alpha == 0:
        return x * 1.0
    if alpha > 0:
        return _soft_exp_pos(x, alpha)
    u, v = soft_exp_log_arg(x, alpha)  # -ln(1 + u)/a = -ln(v)/a, defined for v > 0
    ok = v > 0.0
    near_one = np.abs(u) < 0.5
    inside = -np.where(near_one, np.log1p(np.where(near_one, u, 0.0)), np.log(np.where(ok, v, 1.0))) / alpha
    return np.where(ok, inside, np.where(v == 0.0, -INF, NAN))


def _soft_exp_pos(x, alpha):
    """(e^t - 1)/a + a with t = a x, in whichever of two exact rewritings adds the smaller terms:
    expm1(t)/a + a, or e^t/a - (1 - a)(1 + a)/a (no cancellation in the left tail, exactly e^x for
    a = 1). Far right, e^t/a = (e^(t/2)/a) e^(t/2), so it overflows only where the true value does."""
    t = alpha * x
    near = t > 2.0 * math.log(alpha)
    c = (alpha - 1.0) * (alpha + 1.0) / alpha
    tl = np.minimum(t, LOG_MAX)
    small = np.where(near, np.expm1(tl) / alpha + alpha, np.exp(tl) / alpha + c)
    half = np.exp(0.5 * np.maximum(t, LOG_MAX))
    big = (half / alpha) * half
    return np.where(t > LOG_MAX, big, small)


def soft_exp_d(x, alpha):
    if alpha == 0:
        return np.ones_like(x)
    if alpha > 0:
        return np.exp(alpha * x)  # +inf (overflow silenced by the wrapper) exactly where e^(a x) overflows
    v = soft_exp_log_arg(x, alpha)[1]
    ok = v > 0
    return np.where(ok, 1.0 / np.where(ok, v, 1.0), np.where(v == 0, INF, NAN))


def two_sum(a, b):
    """a + b = s + e exactly (Knuth's TwoSum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a):
    """Veltkamp's split: a = hi + lo with 26-bit halves (a finite and below 1e300)."""
    c = 134217729.0 * a  # 2^27 + 1
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a, b):
    """a * b = p + e exactly (Dekker's TwoProduct, no FMA needed); a, b below about 1e150 in size."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def fma(a, x, c):
    """a x + c with one rounding (error-free product, then the sum): no cancellation where a x is near -c."""
    xs = np.clip(x, -1e150, 1e150)
    p, e = two_prod(np.full_like(xs, a), xs)
    return np.where(np.abs(x) > 1e150, a * x + c, (p + c) + e)


def sin_cos_scaled(x, w):
    """sin(w x) and cos(w x) for the exact product w x, not its rounding (which at x = 1e100 is off by
    many periods): w x = p + e exactly (two_prod on x scaled by a power of two), then the addition
    formulas, each sine and cosine of a float being accurate. Where w x leaves the float range, w x is
    clamped as :func:`scale` does."""
    if w == 1.0:
        return np.sin(x), np.cos(x)
    if abs(w) > 1e150:  # beyond two_prod's range; such a frequency has no meaningful phase anyway
        z = scale(x, w)
        return np.sin(z), np.cos(z)
    big = np.abs(x) > 1e150
    xs = np.where(big, x * 2.0 ** -200, x)  # exact: a power of two
    p, e = two_prod(np.full_like(xs, w), xs)
    p, e = np.where(big, p * 2.0 ** 200, p), np.where(big, e * 2.0 ** 200, e)
    over = ~np.isfinite(p)
    p = np.where(over, scale(x, w), p)
    e = np.where(over, 0.0, e)
    sp, cp, se, ce = np.sin(p), np.cos(p), np.sin(e), np.cos(e)
    return sp * ce + cp * se, cp * ce - sp * se


def soft_exp_log_arg(x, alpha):
    """u = -a(x + a) and v = 1 + u = (1 - a)(1 + a) - a x for alpha < 0, both in double-double
    arithmetic: v is tiny near the end of the domain, where plain floats would lose it entirely
    (and give -inf or NaN a few ulps inside the domain)."""
    xs = np.clip(x, -1e150, 1e150)  # beyond, u and v are -a x to full precision anyway
    p, pe = two_prod(np.full_like(xs, -alpha), xs)  # -a x
    q, qe = two_prod(alpha, alpha)  # a^2 (a scalar)
    s1, e1 = two_sum(p, -q)  # u = -a x - a^2
    u = s1 + (e1 + pe - qe)
    s2, e2 = two_sum(1.0, s1)
    v = s2 + (e2 + e1 + pe - qe)
    big = np.abs(x) > 1e150
    return np.where(big, -alpha * x, u), np.where(big, -alpha * x, v)


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


# --------------------------------------------------------------------------- series near 0

def _bernoulli(n):
    """B_0..B_n as exact fractions (Akiyama-Tanigawa)."""
    from fractions import Fraction

    out, a = [], [Fraction(0)] * (n + 1)
    for m in range(n + 1):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        out.append(a[0])
    return out


def _tanh_series(terms=20):
    """Coefficients c_k of x - tanh(x) = sum_k c_k x^(2k+1), k >= 1 (from the Bernoulli numbers)."""
    b = _bernoulli(2 * terms + 2)
    coef = []
    for n in range(2, terms + 2):  # tanh x = sum_n 2^2n (2^2n - 1) B_2n x^(2n-1) / (2n)!
        c = 2 ** (2 * n) * (2 ** (2 * n) - 1) * b[2 * n] / math.factorial(2 * n)
        coef.append(-float(c))
    return tuple(coef)


X_MINUS_TANH = _tanh_series()


def _even_series_near_zero(x, coefficients: tuple[float, ...]):
    """Where |x| < 1/2 (``small``), ``s`` = x there and 0 elsewhere, and sum c_k s^(2k) by Horner's rule."""
    small = np.abs(x) < 0.5
    s = np.where(small, x, 0.0)
    s2 = s * s
    acc = np.zeros_like(s)
    for c in coefficients[::-1]:
        acc = acc * s2 + c
    return small, s, acc


def x_minus_tanh(x):
    """x - tanh(x) without cancellation near 0 (a series below |x| = 1/2, ratio about 0.1 a term)."""
    small, s, acc = _even_series_near_zero(x, X_MINUS_TANH)
    return np.where(small, s * s * s * acc, x - np.tanh(np.where(small, 0.0, x)))


ERF_SERIES = tuple((-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(22))


def erf(z):
    """Error function to ~1e-15 relative, also for tiny arguments (a series below |z| = 1/2)."""
    small, s, acc = _even_series_near_zero(z, ERF_SERIES)
    a = np.abs(np.where(small, 1.0, z))
    big = np.sign(z) * (1.0 - erfc(a))
    return np.where(small, TWO_OVER_SQRT_PI * s * acc, big)


def erf_d(z):
    """erf'(z) = 2/sqrt(pi) exp(-z^2)."""
    return TWO_OVER_SQRT_PI * exp_neg_sq(np.minimum(np.abs(z), 40.0))


def expm1_minus_x(x):
    """e^x - 1 - x for x <= 0, without cancellation near 0 (series below |x| = 1/2)."""
    small = np.abs(x) < 0.5
    s = np.where(small, x, 0.0)
    acc = np.zeros_like(s)
    for k in range(24, 1, -1):
        acc = acc * s + 1.0 / math.factorial(k)
    return np.where(small, s * s * acc, np.expm1(np.where(small, -1.0, x)) - np.where(small, -1.0, x))


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




# --------------------------------------------------------------------------- newer entries

def squareplus(x, b):
    """(x + sqrt(x^2 + b))/2 (Barron): for x < 0 as b/(2(sqrt(x^2+b) - x)), no cancellation, no overflow."""
    h = np.hypot(x, math.sqrt(b))
    gap = np.where(x < 0, h - x, 1.0)  # h - x >= h > 0 where used
    return np.where(x >= 0, 0.5 * (x + h), (0.5 * b) / gap)


def squareplus_d(x, b):
    h = np.hypot(x, math.sqrt(b))
    gap = np.where(x < 0, h - x, 1.0)
    return np.where(x >= 0, 0.5 * (1.0 + x / h), ((0.5 * b) / h) / gap)


def smelu(x, beta):
    """0, (x + beta)^2/(4 beta), x: the smooth ReLU of Shamir et al. (JAX's and Keras's sparse_plus at beta = 1)."""
    m = 0.5 * (x + beta)
    return np.where(x <= -beta, 0.0, np.where(x >= beta, x, m * (m / beta)))


def smelu_d(x, beta):
    return np.where(x <= -beta, 0.0, np.where(x >= beta, 1.0, 0.5 * (x + beta) / beta))


def shifted_softplus(x):
    """softplus(x) - ln 2 = log1p(expm1(x)/2) below 1: no cancellation near 0, where it is about x/2."""
    low = np.minimum(x, 1.0)
    return np.where(x <= 1.0, np.log1p(0.5 * np.expm1(low)), softplus(x) - math.log(2.0))


def xielu(x, alpha_p, alpha_n, beta):
    """alpha_p x^2 + beta x for x > 0, alpha_n (e^x - 1 - x) + beta x otherwise (Huang and Schlag)."""
    pos = np.maximum(x, 0.0)
    neg = np.minimum(x, 0.0)
    near = np.maximum(neg, -0.5)
    far = np.minimum(neg, -0.5)
    # near 0 the series form of e^x - 1 - x; further left alpha_n expm1(x) + (beta - alpha_n) x, whose
    # terms do not grow together (alpha_n (e^x - 1 - x) + beta x would lose the -alpha_n limit to rounding)
    left = np.where(x > -0.5, alpha_n * expm1_minus_x(near) + beta * near,
                    alpha_n * np.expm1(far) + (beta - alpha_n) * far)
    return np.where(x > 0, alpha_p * pos * pos + beta * pos, left)


def xielu_d(x, alpha_p, alpha_n, beta):
    return np.where(x > 0, 2.0 * alpha_p * np.maximum(x, 0.0) + beta, alpha_n * np.expm1(np.minimum(x, 0.0)) + beta)


def elish(x):
    """x sigmoid(x) for x >= 0, (e^x - 1) sigmoid(x) below (Basirat and Roth)."""
    return np.where(x >= 0, swish(x, 1.0), np.expm1(np.minimum(x, 0.0)) * sigmoid(x))


def elish_d(x):
    neg = np.minimum(x, 0.0)
    s = sigmoid(neg)
    return np.where(x >= 0, swish_d(x, 1.0), np.exp(neg) * s + np.expm1(neg) * s * sigmoid(-neg))


def hard_elish(x):
    h = np.clip(0.5 * (x + 1.0), 0.0, 1.0)
    return np.where(x >= 0, x * h, np.expm1(np.minimum(x, 0.0)) * h)


def hard_elish_d(x):
    h = np.clip(0.5 * (x + 1.0), 0.0, 1.0)
    dh = 0.5 * inside(x, -1.0, 1.0)
    neg = np.minimum(x, 0.0)
    return np.where(x >= 0, h + x * dh, np.exp(neg) * h + np.expm1(neg) * dh)


def dsilu_d(x):
    """d/dx of SiLU's derivative: sigma(x) sigma(-x) (2 - x tanh(x/2))."""
    return sigmoid(x) * sigmoid(-x) * (2.0 - x * np.tanh(0.5 * x))


def serf(x):
    return x * erf(softplus(x))


def serf_d(x):
    sp = softplus(x)
    return erf(sp) + (x * sigmoid(x)) * erf_d(sp)  # x sigma(x) first: -0, not -inf * 0, far left


def smish(x):
    return x * np.tanh(np.log1p(sigmoid(x)))


def smish_d(x):
    s = sigmoid(x)
    lg = np.log1p(s)
    return np.tanh(lg) + x * sech2(lg) * (s * sigmoid(-x)) / (1.0 + s)


def logish(x):
    return x * np.log1p(sigmoid(x))


def logish_d(x):
    s = sigmoid(x)
    return np.log1p(s) + x * (s * sigmoid(-x)) / (1.0 + s)


def tanhexp(x):
    """x tanh(e^x); tanh(e^x) is exactly 1 in floats beyond x = 6."""
    xc = np.minimum(x, 6.0)
    return np.where(x > 6.0, x, xc * np.tanh(np.exp(xc)))


def tanhexp_d(x):
    xc = np.minimum(x, 6.0)
    e = np.exp(xc)
    return np.where(x > 6.0, 1.0, np.tanh(e) + xc * e * sech2(e))


SRS_ALPHA, SRS_BETA = 2.0, 3.0
"""Soft-root-sign's parameters, at the values Zhou et al. initialise them to."""


def srs(x):
    """x / (x/alpha + e^(-x/beta)); for x < 0 both terms are multiplied by e^(x/beta) (no overflow)."""
    pos = np.maximum(x, 0.0)
    neg = np.minimum(x, 0.0)
    q = np.exp(neg / SRS_BETA)
    return np.where(x >= 0, pos / (pos / SRS_ALPHA + np.exp(-pos / SRS_BETA)), neg * q / (neg * q / SRS_ALPHA + 1.0))


def srs_d(x):
    pos = np.maximum(x, 0.0)
    neg = np.minimum(x, 0.0)
    ep = np.exp(-pos / SRS_BETA)
    dp = pos / SRS_ALPHA + ep
    q = np.exp(neg / SRS_BETA)
    dn = neg * q / SRS_ALPHA + 1.0
    right = (ep * (1.0 + pos / SRS_BETA) / dp) / dp
    left = q * (1.0 + neg / SRS_BETA) / (dn * dn)
    return np.where(x >= 0, right, left)


def sqnl(x):
    """Square nonlinearity (Wuraola and Patel): x -+ x^2/4 on [-2, 2], then -1 and 1."""
    c = np.clip(x, -2.0, 2.0)
    return c - c * np.abs(c) / 4.0


def sqnl_d(x):
    c = np.clip(x, -2.0, 2.0)
    return 1.0 - np.abs(c) / 2.0


def sq_rbf(x):
    a = np.minimum(np.abs(x), 2.0)
    return np.where(a <= 1.0, 1.0 - 0.5 * a * a, 0.5 * (2.0 - a) ** 2)


def sq_rbf_d(x):
    a = np.minimum(np.abs(x), 2.0)
    return np.where(a <= 1.0, -np.clip(x, -1.0, 1.0), -np.sign(x) * (2.0 - a))


# --------------------------------------------------------------------------- gated (two inputs)

def gated_product(u, g, a, b):
    """u(a) g(b) with the limits of a product: 0 where a factor is exactly 0 (f(0, b) = 0 for every b,
    so also at b = +-inf), NaN where a or b is NaN or both are infinite with a zero factor."""
    out = u * g
    zero = ((u == 0) | (g == 0)) & ~(np.isinf(a) & np.isinf(b))
    out = np.where(zero, 0.0, out)
    return np.where(np.isnan(a) | np.isnan(b), NAN, out)


def gated(value, dvalue, gate, dgate):
    """f, df/da and df/db of f(a, b) = value(a) gate(b), from one-input pieces (``gate`` and ``dgate``
    already guarded, so they give their limits at +-inf). Parameters are passed to every piece."""

    def run(fn):
        def wrapped(a, b, **params):
            a = np.asarray(a, dtype=float)
            b = np.asarray(b, dtype=float)
            a, b = np.broadcast_arrays(a, b)
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                return as_shape(fn(a, b, params), a.shape)
        return wrapped

    f = run(lambda a, b, p: gated_product(value(a, **p), gate(b, **p), a, b))
    fa = run(lambda a, b, p: gated_product(dvalue(a, **p), gate(b, **p), a, b))
    fb = run(lambda a, b, p: gated_product(value(a, **p), dgate(b, **p), a, b))
    return f, fa, fb


def pelu(x, a, b):
    """(a/b) x for x >= 0, a (e^(x/b) - 1) below; a/b may overflow for a tiny b (then +inf for x > 0)."""
    k = a / b
    pos = np.maximum(x, 0.0)
    right = sat_mul(k, pos) if math.isfinite(k) else np.where(pos > 0, INF, 0.0)
    return np.where(x >= 0, right, a * np.expm1(np.minimum(x, 0.0) / b))


def pelu_d(x, a, b):
    """a/b, and (a/b) e^(x/b) = a e^(x/b - ln b) for x < 0 (no inf * 0 where a/b overflows)."""
    k = a / b
    return np.where(x >= 0, k, a * np.exp(np.minimum(x, 0.0) / b - math.log(b)))

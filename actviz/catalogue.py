"""The built-in activation catalogue: one entry per function, f and f' side by side.

Derivatives are analytic. At a kink the derivative follows PyTorch's autograd
convention (e.g. relu'(0) = 0). All functions are written to stay finite and
warning-free for every finite float64 input.
"""
from __future__ import annotations

import math

import numpy as np

from actviz.activations import Activation, Param, Properties, register

INF = math.inf


def _sigmoid(x):
    """Logistic function without overflow: exp only ever sees non-positive arguments."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


register(Activation(
    name="identity", title="Identity", family="other", aliases=("linear",),
    f=lambda x: x * 1.0, df=lambda x: np.ones_like(x),
    latex=r"$f(x)=x$",
    props=Properties(range=(-INF, INF), monotonic=True, zero_centred=True, smooth=True, bounded=False, max_slope=1.0),
    source="catalogue26",
))

register(Activation(
    name="sigmoid", title="Sigmoid", family="sigmoidal", aliases=("logistic",),
    f=_sigmoid, df=lambda x: _sigmoid(x) * _sigmoid(-x),
    latex=r"$f(x)=\frac{1}{1+e^{-x}}$",
    props=Properties(range=(0.0, 1.0), monotonic=True, zero_centred=False, smooth=True, bounded=True, max_slope=0.25),
    source="article",
))

register(Activation(
    name="tanh", title="Tanh", family="sigmoidal",
    f=np.tanh, df=lambda x: 1.0 - np.tanh(x) ** 2,
    latex=r"$f(x)=\tanh(x)$",
    props=Properties(range=(-1.0, 1.0), monotonic=True, zero_centred=True, smooth=True, bounded=True, max_slope=1.0),
    source="article",
))

register(Activation(
    name="relu", title="ReLU", family="relu",
    f=lambda x: np.maximum(x, 0.0), df=lambda x: (x > 0).astype(float),
    latex=r"$f(x)=\max(0,x)$", kinks=(0.0,),
    props=Properties(range=(0.0, INF), monotonic=True, zero_centred=False, smooth=False, bounded=False, max_slope=1.0),
    source="article",
))

register(Activation(
    name="elu", title="ELU", family="smooth-relu",
    params=(Param("alpha", 1.0, low=0.0, low_inclusive=False),),
    f=lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0))),
    df=lambda x, alpha: np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))),
    latex=r"$f(x)=x$ if $x>0$ else $\alpha(e^{x}-1)$", kinks=(0.0,),
    props=Properties(range=(-1.0, INF), monotonic=True, zero_centred=False, smooth=True, bounded=False, max_slope=1.0),
    source="article",
))

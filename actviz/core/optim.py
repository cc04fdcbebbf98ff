"""Optimisers as data, each an in-place update ``step(theta, grad)`` that follows ``torch.optim``.

One implementation serves both the training command (:mod:`actviz.core.net`) and the
optimiser races on 2-D surfaces (:mod:`actviz.core.race`). Each entry names its
``torch.optim`` counterpart; ``tests/test_optim.py`` checks every trajectory against
it step for step in float64. The formulations (t counts steps from 1, g is the gradient,
plus ``weight_decay * theta`` when that is set, except for AdamW):

* sgd       theta -= lr g                                     (torch.optim.SGD)
* momentum  b = g at t = 1, else b = mu b + (1 - dampening) g; theta -= lr b
                                                              (SGD(momentum=mu, dampening))
* nesterov  b as momentum (dampening 0); theta -= lr (g + mu b)  (SGD(momentum=mu, nesterov=True))
* adagrad   s += g^2; theta -= lr / (1 + (t-1) lr_decay) g / (sqrt(s) + eps)   (Adagrad)
* rmsprop   v = alpha v + (1-alpha) g^2 (centred: minus the square of the running mean of g);
            theta -= lr g / (sqrt(v) + eps), through a momentum buffer when momentum > 0  (RMSprop)
* adam      m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2 (amsgrad: the running maximum of v);
            theta -= lr/(1-b1^t) m / (sqrt(v)/sqrt(1-b2^t) + eps)   (Adam)
* adamw     theta *= 1 - lr weight_decay (decoupled, not added to g), then adam   (AdamW)

Hyper-parameter defaults are torch.optim's, except that ``momentum`` and ``nesterov``
default to mu = 0.9 (torch's SGD has 0, i.e. plain SGD). The learning rate's default
is torch's too, but every caller states its own rule (see ``DEFAULT_LR`` in net and the
race's learning-rate rule). The arithmetic of sgd, momentum and adam is, operation for
operation, that of the training command before this module existed, so its runs keep
their numbers to the last bit; it differs from torch's own (e.g. torch's lerp for Adam's
first moment) only in rounding. The others round as torch's formulas are written, but
torch's CPU kernels fuse some multiply-adds (addcmul, lerp) where numpy rounds twice, so a
single step may differ in the last bit: a trajectory agrees to about 1e-12 unless its
dynamics are chaotic enough to amplify that (as they would amplify torch's own rounding
from one machine to another).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from actviz.core.activation import Bound, Param, Parametrised
from actviz.core.activation import name_key as key
from actviz.errors import UserError

Decay = slice
"""Which entries of theta weight decay applies to (the training command leaves out the biases)."""


def _flag(name: str, doc: str) -> Param:
    return Param(name, 0.0, low=0.0, high=1.0, doc=doc + " (0 or 1)")


def _lr(default: float) -> Param:
    return Param("lr", default, low=0.0, low_inclusive=False, doc=f"learning rate (torch.optim default {default:g})")


_WD = Param("weight_decay", 0.0, low=0.0, doc="L2 penalty: weight_decay * theta is added to the gradient")
_MU = Param("momentum", 0.9, low=0.0, high=1.0, high_inclusive=False, doc="momentum mu (torch's SGD default is 0)")
_EPS = Param("eps", 1e-8, low=0.0, low_inclusive=False, doc="added to the denominator")
_BETA1 = Param("beta1", 0.9, low=0.0, high=1.0, high_inclusive=False, doc="decay of the first moment")
_BETA2 = Param("beta2", 0.999, low=0.0, high=1.0, high_inclusive=False, doc="decay of the second moment")
_AMSGRAD = _flag("amsgrad", "use the running maximum of the second moment")


class Step:
    """An in-place update ``step(theta, grad)``; the optimiser's state lives in the instance.

    ``theta`` and ``grad`` are float arrays of one shape; ``decay`` selects the entries
    weight decay applies to. The learning rate may be an array that broadcasts against
    theta (one rate per row: several runs side by side, each as it would run alone).
    """

    def __init__(self, lr, weight_decay: float = 0.0, decay: Decay = slice(None)):
        self.lr = lr
        self.weight_decay = weight_decay
        self.decay = decay
        self.t = 0

    def decayed(self, theta: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """The gradient plus the L2 term (torch: ``grad.add(param, alpha=weight_decay)``)."""
        if not self.weight_decay:
            return grad
        g = grad.copy()
        g[..., self.decay] += self.weight_decay * theta[..., self.decay]
        return g

    def __call__(self, theta: np.ndarray, grad: np.ndarray) -> None:
        raise NotImplementedError


class SGD(Step):
    """torch.optim.SGD: plain, with momentum (and dampening) or Nesterov momentum."""

    def __init__(self, lr, momentum: float = 0.0, dampening: float = 0.0, nesterov: bool = False, **kw):
        super().__init__(lr, **kw)
        self.momentum, self.dampening, self.nesterov = momentum, dampening, nesterov
        self.buf: np.ndarray | None = None

    def __call__(self, theta, grad):
        g = self.decayed(theta, grad)
        if self.momentum:
            if self.buf is None:
                self.buf = np.array(g, dtype=float, copy=True)
            else:
                np.multiply(self.buf, self.momentum, out=self.buf)
                if self.dampening:
                    self.buf += (1.0 - self.dampening) * g
                else:
                    np.add(self.buf, g, out=self.buf)
            g = g + self.momentum * self.buf if self.nesterov else self.buf
        theta -= self.lr * g


class Adagrad(Step):
    """torch.optim.Adagrad."""

    def __init__(self, lr, lr_decay: float = 0.0, initial_accumulator_value: float = 0.0, eps: float = 1e-10, **kw):
        super().__init__(lr, **kw)
        self.lr_decay, self.initial, self.eps = lr_decay, initial_accumulator_value, eps
        self.sum: np.ndarray | None = None

    def __call__(self, theta, grad):
        if self.sum is None:
            self.sum = np.full(theta.shape, float(self.initial))
        self.t += 1
        g = self.decayed(theta, grad)
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)
        self.sum += g * g
        theta -= (clr * g) / (np.sqrt(self.sum) + self.eps)  # torch's addcdiv: (value * g) / std


class RMSprop(Step):
    """torch.optim.RMSprop (optionally centred, optionally with momentum)."""

    def __init__(self, lr, alpha: float = 0.99, eps: float = 1e-8, momentum: float = 0.0, centered: bool = False,
                 **kw):
        super().__init__(lr, **kw)
        self.alpha, self.eps, self.momentum, self.centered = alpha, eps, momentum, centered
        self.square: np.ndarray | None = None

    def __call__(self, theta, grad):
        if self.square is None:
            self.square = np.zeros(theta.shape)
            self.mean = np.zeros(theta.shape)
            self.buf = np.zeros(theta.shape)
        g = self.decayed(theta, grad)
        a = self.alpha
        self.square *= a
        self.square += (1 - a) * g * g  # torch's addcmul: (value * g) * g
        if self.centered:
            self.mean += (1 - a) * (g - self.mean)  # torch's lerp with weight 1 - alpha < 0.5
            avg = np.sqrt(self.square - self.mean * self.mean)
        else:
            avg = np.sqrt(self.square)
        avg += self.eps
        if self.momentum > 0:
            self.buf *= self.momentum
            self.buf += g / avg
            theta -= self.lr * self.buf
        else:
            theta -= (self.lr * g) / avg


class Adam(Step):
    """torch.optim.Adam, and AdamW when ``decoupled`` (weight decay shrinks theta, not the gradient)."""

    def __init__(self, lr, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, amsgrad: bool = False,
                 decoupled: bool = False, **kw):
        super().__init__(lr, **kw)
        self.b1, self.b2, self.eps, self.amsgrad, self.decoupled = beta1, beta2, eps, amsgrad, decoupled
        self.m: np.ndarray | None = None

    def __call__(self, theta, grad):
        if self.m is None:
            self.m, self.v, self.tmp = np.zeros(theta.shape), np.zeros(theta.shape), np.empty(theta.shape)
            self.vmax = np.zeros(theta.shape) if self.amsgrad else None
        self.t += 1
        if self.decoupled:
            if self.weight_decay:
                theta[..., self.decay] *= 1 - self.lr * self.weight_decay
            g = grad
        else:
            g = self.decayed(theta, grad)
        b1, b2, m, v, tmp = self.b1, self.b2, self.m, self.v, self.tmp
        np.multiply(m, b1, out=m)
        np.multiply(g, 1 - b1, out=tmp)
        np.add(m, tmp, out=m)
        np.multiply(v, b2, out=v)
        np.multiply(g, g, out=tmp)
        np.multiply(tmp, 1 - b2, out=tmp)
        np.add(v, tmp, out=v)
        if self.amsgrad:
            np.maximum(self.vmax, v, out=self.vmax)
            v = self.vmax
        np.sqrt(v, out=tmp)
        np.multiply(tmp, 1.0 / math.sqrt(1 - b2 ** self.t), out=tmp)
        np.add(tmp, self.eps, out=tmp)
        np.divide(m, tmp, out=tmp)
        theta -= tmp * (self.lr / (1 - b1 ** self.t))


# --------------------------------------------------------------------------- the catalogue

@dataclass(frozen=True)
class Optimizer(Parametrised):
    """One optimiser: its hyper-parameters (lr first) with torch.optim's defaults, and how to build it."""

    name: str
    title: str
    params: tuple[Param, ...]
    build: Callable[..., Step]
    rule: str
    torch: str
    note: str = ""

    def as_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "parameters": {p.name: p.default for p in self.params},
                "rule": self.rule, "torch": self.torch, "note": self.note}


@dataclass(frozen=True)
class BoundOptimizer(Bound):
    """An optimiser with its hyper-parameters fixed; :meth:`make` gives a fresh :class:`Step`."""

    act: Optimizer

    @property
    def lr(self) -> float:
        return self.params["lr"]

    def with_lr(self, lr: float) -> "BoundOptimizer":
        return BoundOptimizer(self.act, {**self.params, "lr": float(lr)})

    def make(self, decay: Decay = slice(None), lr=None) -> Step:
        """A fresh update with empty state; ``lr`` (a float or an array, see :class:`Step`) overrides the rate."""
        params = dict(self.params)
        if lr is not None:
            params["lr"] = lr
        return self.act.build(decay=decay, **params)


def _flags(params: dict, *names: str) -> dict:
    for name in names:
        if params.get(name, 0.0) not in (0.0, 1.0):
            raise UserError(f"parameter {name} is a switch: 0 or 1, got {params[name]:g}")
        params[name] = bool(params.get(name, 0.0))
    return params


OPTIMIZERS: tuple[Optimizer, ...] = (
    Optimizer("sgd", "SGD", (_lr(1e-3), _WD),
              lambda decay, **p: SGD(decay=decay, **p),
              r"$\theta \leftarrow \theta-\eta g$", "torch.optim.SGD(lr)"),
    Optimizer("momentum", "Momentum", (_lr(1e-3), _MU,
                                       Param("dampening", 0.0, low=0.0, high=1.0, doc="scales the new gradient by 1 - dampening"),
                                       _WD),
              lambda decay, **p: SGD(decay=decay, **p),
              r"$b \leftarrow \mu b+g,\ \theta \leftarrow \theta-\eta b$",
              "torch.optim.SGD(lr, momentum, dampening)", "Heavy-ball momentum; PyTorch's form (no 1 - mu on g)."),
    Optimizer("nesterov", "Nesterov", (_lr(1e-3), _MU, _WD),
              lambda decay, **p: SGD(decay=decay, nesterov=True, **p),
              r"$b \leftarrow \mu b+g,\ \theta \leftarrow \theta-\eta (g+\mu b)$",
              "torch.optim.SGD(lr, momentum, nesterov=True)", "Nesterov momentum in PyTorch's (Sutskever's) form."),
    Optimizer("adagrad", "Adagrad", (_lr(1e-2), Param("lr_decay", 0.0, low=0.0, doc="lr / (1 + (t-1) lr_decay)"),
                                     Param("initial_accumulator_value", 0.0, low=0.0, doc="starting sum of g^2"),
                                     Param("eps", 1e-10, low=0.0, low_inclusive=False, doc="added to the denominator"),
                                     _WD),
              lambda decay, **p: Adagrad(decay=decay, **p),
              r"$s \leftarrow s+g^2,\ \theta \leftarrow \theta-\eta\,g/(\sqrt{s}+\epsilon)$",
              "torch.optim.Adagrad", "Each coordinate's step shrinks with the sum of its squared gradients."),
    Optimizer("rmsprop", "RMSprop", (_lr(1e-2), Param("alpha", 0.99, low=0.0, high=1.0, doc="decay of the mean square"),
                                     _EPS, Param("momentum", 0.0, low=0.0, high=1.0, high_inclusive=False,
                                                 doc="momentum on the scaled step"),
                                     _flag("centered", "divide by the variance, not the mean square"), _WD),
              lambda decay, **p: RMSprop(decay=decay, **_flags(p, "centered")),
              r"$v \leftarrow \alpha v+(1-\alpha)g^2,\ \theta \leftarrow \theta-\eta\,g/(\sqrt{v}+\epsilon)$",
              "torch.optim.RMSprop", "Adagrad with a decaying average instead of a sum (Hinton's lecture 6e)."),
    Optimizer("adam", "Adam", (_lr(1e-3), _BETA1, _BETA2, _EPS, _WD, _AMSGRAD),
              lambda decay, **p: Adam(decay=decay, **_flags(p, "amsgrad")),
              r"$\theta \leftarrow \theta-\eta\,\hat{m}/(\sqrt{\hat{v}}+\epsilon)$",
              "torch.optim.Adam", "Kingma and Ba (2015), bias-corrected moments."),
    Optimizer("adamw", "AdamW", (_lr(1e-3), _BETA1, _BETA2, _EPS,
                                 Param("weight_decay", 1e-2, low=0.0, doc="decoupled: theta *= 1 - lr weight_decay"),
                                 _AMSGRAD),
              lambda decay, **p: Adam(decay=decay, decoupled=True, **_flags(p, "amsgrad")),
              r"$\theta \leftarrow (1-\eta\lambda)\theta-\eta\,\hat{m}/(\sqrt{\hat{v}}+\epsilon)$",
              "torch.optim.AdamW", "Loshchilov and Hutter (2019): weight decay taken out of the gradient."),
)

NAMES: tuple[str, ...] = tuple(o.name for o in OPTIMIZERS)
_BY_NAME = {o.name: o for o in OPTIMIZERS}


def get(name: str) -> Optimizer:
    """An optimiser by name; an unknown name lists the others."""
    found = _BY_NAME.get(key(name))
    if found is None:
        raise UserError(f"unknown optimiser {name.strip()!r}; choose from {', '.join(NAMES)}")
    return found


def parse(spec: str) -> BoundOptimizer:
    """``adam`` or ``adam:lr=0.1,beta1=0.8`` -> an optimiser with its hyper-parameters."""
    from actviz.core.spec import parse_values

    if not isinstance(spec, str) or not spec.strip():
        raise UserError("empty optimiser spec; give a name such as adam or momentum:momentum=0.95")
    opt = get(spec.strip().partition(":")[0])
    values = parse_values(opt, spec, "optimiser")
    _flags(dict(values), *(p.name for p in opt.params if p.name in ("centered", "amsgrad")))
    return BoundOptimizer(opt, values)


def given(bound: BoundOptimizer, spec: str, name: str) -> bool:
    """Whether ``spec`` sets the hyper-parameter ``name`` explicitly (not left at its default)."""
    rest = spec.partition(":")[2]
    return any(item.partition("=")[0].strip() == name for item in rest.split(",") if "=" in item)

"""A tiny fully connected classifier in plain numpy: arrays and free functions.

The network is ``inputs -> hidden layers (one activation) -> softmax over classes``,
trained on mean cross-entropy plus L2 weight decay ``wd/2 * sum(W**2)`` on the
weights (not the biases). All parameters live in ONE flat float64 vector
``theta`` laid out as ``[W1, W2, ..., Wk, b1, ..., bk]`` (each ``W`` is
fan_in x fan_out, row-major), so an optimiser step and the weight-decay term are
a handful of whole-vector numpy operations whatever the depth.

Gradients are analytic: backpropagation through the catalogue's derivatives
(:meth:`BoundActivation.df`). The tests check them against finite differences
and against PyTorch autograd.

:func:`train` is a generator that yields a :class:`Snapshot` (step, loss,
accuracy, a copy of ``theta``) at each requested step, and fills a
:class:`TrainingCurve` with the loss and accuracy of every step on the way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

import numpy as np

from actviz.core import optim
from actviz.core.activation import BoundActivation
from actviz.core.datasets import Dataset
from actviz.errors import RunFailure, UserError

INITS = ("auto", "he", "xavier", "gain")
"""``train``'s choices; :func:`init` also takes every scheme of :mod:`actviz.core.inits` (``lecun``, ``gain:1.5``...)."""
OPTIMIZERS = optim.NAMES
SCHEDULES = ("log", "linear")
DEFAULT_LR = {"sgd": 1.0, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.1, "rmsprop": 0.01, "adam": 0.01,
              "adamw": 0.01}
"""Learning rate per optimiser when none is given (the other hyper-parameters: actviz.core.optim)."""
DEFAULT_STEPS = 1000
DEFAULT_WEIGHT_DECAY = 1e-4

MAX_UNITS = 4096
MAX_STEPS = 10_000_000
HE_FAMILIES = ("relu", "smooth-relu")
HIDDEN_BIAS = 0.1
XAVIER_EXCEPTIONS = ("softplus",)
"""Softplus is ReLU-like but, as the reference article found, does better with Xavier."""


@dataclass(frozen=True)
class Architecture:
    """Layer sizes ``(inputs, hidden..., classes)`` and the hidden activation.

    ``weights(theta)`` and ``biases(theta)`` return per-layer *views* of a flat
    parameter vector, so writing into them changes ``theta``.
    """

    sizes: tuple[int, ...]
    act: BoundActivation
    _w_slices: tuple = field(init=False, repr=False, compare=False)
    _b_slices: tuple = field(init=False, repr=False, compare=False)
    n_weights: int = field(init=False, repr=False, compare=False)
    n_params: int = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        w, pos = [], 0
        for fan_in, fan_out in pairs:
            w.append((pos, pos + fan_in * fan_out, (fan_in, fan_out)))
            pos += fan_in * fan_out
        n_weights = pos
        b = []
        for _, fan_out in pairs:
            b.append((pos, pos + fan_out))
            pos += fan_out
        object.__setattr__(self, "_w_slices", tuple(w))
        object.__setattr__(self, "_b_slices", tuple(b))
        object.__setattr__(self, "n_weights", n_weights)
        object.__setattr__(self, "n_params", pos)

    @property
    def hidden(self) -> tuple[int, ...]:
        return self.sizes[1:-1]

    @property
    def classes(self) -> int:
        return self.sizes[-1]

    def weights(self, theta: np.ndarray) -> list[np.ndarray]:
        return [theta[a:b].reshape(shape) for a, b, shape in self._w_slices]

    def biases(self, theta: np.ndarray) -> list[np.ndarray]:
        return [theta[a:b] for a, b in self._b_slices]

    @property
    def title(self) -> str:
        """The reference article's panel title, e.g. ``ReLU 4`` or ``Tanh 8-8``."""
        return f"{self.act.label} {'-'.join(str(h) for h in self.hidden)}"


def architecture(act: BoundActivation, hidden: Sequence[int], classes: int = 2, inputs: int = 2,
                 command: str = "train") -> Architecture:
    """Validate and build an architecture; the activation must work element by element."""
    act.require_kind(("elementwise",), command)
    hidden = check_hidden(hidden)
    if classes < 2:
        raise UserError(f"a classifier needs at least 2 classes, got {classes}")
    return Architecture((inputs, *hidden, classes), act)


def check_hidden(hidden: Sequence[int]) -> tuple[int, ...]:
    """Hidden layer sizes: at least one layer, each of 1 to :data:`MAX_UNITS` units."""
    hidden = tuple(int(h) for h in hidden)
    if not hidden:
        raise UserError("give at least one hidden layer, e.g. --hidden 4")
    for h in hidden:
        if not 1 <= h <= MAX_UNITS:
            raise UserError(f"hidden layer size must be between 1 and {MAX_UNITS}, got {h}")
    return hidden


def parse_hidden(text: str) -> tuple[int, ...]:
    """``4`` or ``8,8`` -> layer sizes; a user error names the bad item (:func:`architecture` checks the range)."""
    from actviz.core.spec import parse_sizes

    return parse_sizes(text, "hidden layer size", "4 or 8,8")


def parse_model(text: str, default_hidden: Sequence[int] = (4,),
                command: str = "train") -> tuple[BoundActivation, tuple[int, ...]]:
    """``ACT[@H[,H...]]`` -> (activation, hidden sizes), the activation element-wise."""
    from actviz.core.spec import parse_model as parse

    act, hidden = parse(text, default_hidden)
    act.require_kind(("elementwise",), command)
    return act, check_hidden(hidden)


def seed_streams(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Two independent generators from one seed: one for the data, one for the network
    (initial weights and mini-batches), so changing the network never changes the data."""
    data_seq, net_seq = np.random.SeedSequence(int(seed)).spawn(2)
    return np.random.default_rng(data_seq), np.random.default_rng(net_seq)


def init_scheme(act: BoundActivation, scheme: str = "auto") -> str:
    """The scheme for the hidden layers: ``auto`` picks ``he`` for the ReLU family (except softplus) and
    ``xavier`` otherwise, the reference article's advice; ``gain`` is normal with variance g^2/fan_in, g the
    activation's computed gain (:func:`actviz.core.gain.gain`); any other scheme of
    :mod:`actviz.core.inits` comes back in its canonical spelling."""
    if scheme not in INITS:
        from actviz.core.inits import parse_init

        return parse_init(scheme).spec
    if scheme != "auto":
        return scheme
    if act.act.family in HE_FAMILIES and act.name not in XAVIER_EXCEPTIONS:
        return "he"
    return "xavier"


def init(arch: Architecture, rng: np.random.Generator, scheme: str = "auto") -> np.ndarray:
    """A fresh flat parameter vector; hidden weights by ``scheme``.

    He: normal with variance 2/fan_in. Xavier (Glorot): uniform with variance
    2/(fan_in + fan_out). Gain: normal with variance g^2/fan_in, g the activation's
    computed gain; other schemes as in :mod:`actviz.core.inits`. The output layer feeds
    a softmax, not the activation, so it always gets Xavier. Hidden biases start at a
    small positive value (:data:`HIDDEN_BIAS`), which keeps ReLU units from starting
    dead; output biases at 0.
    """
    from actviz.core.inits import draw, parse_init

    hidden = parse_init(init_scheme(arch.act, scheme))
    gain2 = hidden.gain2(arch.act)
    theta = np.zeros(arch.n_params)
    ws = arch.weights(theta)
    for i, w in enumerate(ws):
        fan_in, fan_out = w.shape
        if i < len(ws) - 1:
            w[...] = draw(hidden, gain2, fan_in, fan_out, rng)
        else:
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            w[...] = rng.uniform(-limit, limit, size=w.shape)
    for b in arch.biases(theta)[:-1]:
        b[...] = HIDDEN_BIAS
    return theta


BLOCK_VALUES = 1 << 20
"""Hidden values (points x widest layer) evaluated at once by :func:`forward` and
:func:`hidden_preactivations`: a raster is taken in blocks of points, so the temporary
arrays stay a few times 8 MB whatever the width (``boundary relu@3000`` over a 300 x 300
raster held 4.4 GB at once before).

Blocks change no formula, but BLAS may round a sum differently for a point at the edge of
a matrix than inside one, so a logit can differ from the one-piece evaluation in its last
bit or two (measured: at most a few 1e-15); the pictures come out the same
(tests/test_net.py and tests/test_boundary.py check both)."""
BLOCK_ALIGN = 64
"""Blocks hold a multiple of this many points (whole BLAS micro-kernel tiles: fewer edges)."""


MAX_UNIT_LINES = 16
"""Networks whose first layer has at most this many units get each unit's line w.x + b = 0 drawn."""


def rows_per_block(sizes: Sequence[int]) -> int:
    """How many points one evaluation block holds for a network with layer sizes ``sizes``."""
    return max(BLOCK_ALIGN, BLOCK_VALUES // max(sizes) // BLOCK_ALIGN * BLOCK_ALIGN)


def block_rows(arch: Architecture) -> int:
    """How many points one evaluation block holds for ``arch``."""
    return rows_per_block(arch.sizes)


def forward(arch: Architecture, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The logits (unnormalised class scores, n x classes) of the inputs ``X`` (n x inputs).

    Evaluated in blocks of :func:`block_rows` points, so memory does not grow with the width.
    """
    rows = block_rows(arch)
    if len(X) <= rows:
        return _forward_columns(arch, theta, X.T).T
    out = np.empty((len(X), arch.classes), dtype=np.result_type(X, theta))
    for start in range(0, len(X), rows):
        out[start:start + rows] = _forward_columns(arch, theta, X[start:start + rows].T).T
    return out


def _forward_columns(arch: Architecture, theta: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Logits with one sample per column: inputs x n in, classes x n out.

    Samples run along the last (contiguous) axis throughout, so bias additions and
    reductions over units loop over n, not over a handful of units (much faster in numpy).
    """
    ws, bs = arch.weights(theta), arch.biases(theta)
    last = len(ws) - 1
    for i, (w, b) in enumerate(zip(ws, bs)):
        z = w.T @ h
        z += b[:, None]
        h = z if i == last else arch.act.f(z)
    return h


def hidden_preactivations(arch: Architecture, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """First-layer pre-activations ``X W1 + b1`` (n x units), whose zero lines are each unit's boundary.

    Computed in blocks of points into the result, with no temporary of the result's size.
    """
    w, b = arch.weights(theta)[0], arch.biases(theta)[0]
    out = np.empty((len(X), w.shape[1]), dtype=np.result_type(X, theta))
    rows = block_rows(arch)
    for start in range(0, len(X), rows):
        block = out[start:start + rows]
        np.matmul(X[start:start + rows], w, out=block)
        block += b
    return out


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax without overflow."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def one_hot(y: np.ndarray, classes: int) -> np.ndarray:
    out = np.zeros((len(y), classes))
    out[np.arange(len(y)), y] = 1.0
    return out


def loss_and_grad(arch: Architecture, theta: np.ndarray, X: np.ndarray, onehot: np.ndarray, weight_decay: float,
                  grad: np.ndarray | None = None) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean cross-entropy + ``weight_decay/2 * |W|^2``, its gradient (written into ``grad``) and the logits.

    ``X`` is n x inputs and ``onehot`` n x classes; the logits come back n x classes.
    """
    grad = np.empty_like(theta) if grad is None else grad
    value, logits = _loss_and_grad_columns(arch, theta, X.T, np.ascontiguousarray(onehot.T), weight_decay, grad)
    return value, grad, logits.T


def _loss_and_grad_columns(arch: Architecture, theta: np.ndarray, xt: np.ndarray, target: np.ndarray,
                           weight_decay: float, grad: np.ndarray) -> tuple[float, np.ndarray]:
    """Backpropagation with one sample per column (see :func:`_forward_columns`); returns loss and logits."""
    ws, bs = arch.weights(theta), arch.biases(theta)
    gws, gbs = arch.weights(grad), arch.biases(grad)
    f, df = arch.act.f, arch.act.df
    n = xt.shape[1]
    last = len(ws) - 1
    inputs, pre = [xt], []
    h = xt
    for i in range(last + 1):
        z = ws[i].T @ h
        z += bs[i][:, None]
        if i < last:
            pre.append(z)
            h = f(z)
            inputs.append(h)
    logits = z
    shifted = logits - logits.max(axis=0)
    e = np.exp(shifted)
    total = e.sum(axis=0)
    weights = theta[:arch.n_weights]
    value = (float(np.log(total).sum()) - float(np.vdot(target, shifted))) / n
    value += 0.5 * weight_decay * float(np.dot(weights, weights))
    d = e
    d /= total
    d -= target
    d *= 1.0 / n
    for i in range(last, -1, -1):
        np.matmul(inputs[i], d.T, out=gws[i])
        np.sum(d, axis=1, out=gbs[i])
        if i:
            d = ws[i] @ d
            d *= df(pre[i - 1])
    if weight_decay:
        grad[:arch.n_weights] += weight_decay * weights
    return value, logits


def loss(arch: Architecture, theta: np.ndarray, X: np.ndarray, y: np.ndarray, weight_decay: float = 0.0) -> float:
    """The training objective at ``theta`` (cross-entropy + weight decay)."""
    value, _, _ = loss_and_grad(arch, theta, X, one_hot(y, arch.classes), weight_decay)
    return value


def accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows (samples) of ``logits`` whose largest entry is the label."""
    return _accuracy_columns(logits.T, y)


def _accuracy_columns(logits: np.ndarray, y: np.ndarray) -> float:
    if logits.shape[0] == 2:
        correct = np.count_nonzero((logits[1] > logits[0]) == (y == 1))
    else:
        correct = np.count_nonzero(logits.argmax(axis=0) == y)
    return float(correct) / len(y)


def optimizer(spec: str, lr: float | None = None, weight_decay: float = 0.0) -> optim.BoundOptimizer:
    """The optimiser of a training run, from :mod:`actviz.core.optim` (the one implementation
    ``actviz optim`` races too): ``spec`` is a name with optional hyper-parameters
    (``adam``, ``momentum:momentum=0.95``), ``lr`` the learning rate (None: the spec's, else
    :data:`DEFAULT_LR`). sgd, momentum and adam give the numbers they always gave.

    Weight decay is the L2 term of the loss for every optimiser except AdamW, whose decay is
    decoupled: ``weight_decay`` is then the optimiser's own (:func:`train` applies it to the
    weights, not the biases) and the loss has no L2 term (:func:`loss_weight_decay`).
    """
    bound = optim.parse(spec)
    if optim.given(bound, spec, "weight_decay"):
        raise UserError(f"set weight decay with --weight-decay, not in the optimiser spec {spec!r}")
    if optim.given(bound, spec, "lr"):
        if lr is not None and float(lr) != bound.lr:
            raise UserError(f"the learning rate is given twice: in {spec!r} and as --lr {lr:g}")
        lr = bound.lr
    lr = DEFAULT_LR[bound.name] if lr is None else float(lr)
    if not (math.isfinite(lr) and lr > 0):
        raise UserError(f"learning rate must be a positive number, got {lr:g}")
    bound = bound.with_lr(lr)
    if bound.name == "adamw":
        bound = optim.BoundOptimizer(bound.act, {**bound.params, "weight_decay": float(weight_decay)})
    return bound


def loss_weight_decay(bound: optim.BoundOptimizer, weight_decay: float) -> float:
    """The L2 weight of the loss: none for AdamW, whose decay is the optimiser's (see :func:`optimizer`)."""
    return 0.0 if bound.name == "adamw" else weight_decay


def frame_steps(steps: int, frames: int, schedule: str = "log") -> np.ndarray:
    """``frames`` distinct steps from 0 to ``steps`` inclusive.

    ``log`` spaces them evenly in log(1 + step / c) with c = steps / 100 (at least 1):
    logarithmic over the last two decades, so the fast early changes get more frames
    without the first few steps taking half of them; ``linear`` spaces them evenly.
    Needs ``2 <= frames <= steps``.
    """
    if schedule not in SCHEDULES:
        raise UserError(f"unknown frame schedule {schedule!r}; choose from {', '.join(SCHEDULES)}")
    if frames < 2:
        raise UserError(f"frames must be at least 2, got {frames}")
    if frames > steps:
        raise UserError(f"cannot take {frames} frames from {steps} steps; ask for at most {steps} frames or more steps")
    if schedule == "log":
        c = max(1.0, steps / 100)
        ideal = c * np.expm1(np.linspace(0.0, math.log1p(steps / c), frames))
    else:
        ideal = np.linspace(0.0, steps, frames)
    out = np.empty(frames, dtype=np.int64)
    prev = -1
    for i, target in enumerate(ideal):
        value = max(int(round(target)), prev + 1)
        value = min(value, steps - (frames - 1 - i))
        out[i] = prev = value
    return out


@dataclass(frozen=True)
class Snapshot:
    """The network at one step: full-data loss and accuracy, and a copy of the parameters."""

    step: int
    loss: float
    accuracy: float
    theta: np.ndarray


@dataclass
class TrainingCurve:
    """Loss and accuracy at every step 0..steps (of the batch used at that step)."""

    loss: np.ndarray
    accuracy: np.ndarray

    @classmethod
    def empty(cls, steps: int) -> "TrainingCurve":
        return cls(np.full(steps + 1, np.nan), np.full(steps + 1, np.nan))

    def rows(self) -> list[tuple[int, float, float]]:
        return [(i, float(a), float(b)) for i, (a, b) in enumerate(zip(self.loss, self.accuracy))]


def diverged(step: int, value: float, lr: float) -> RunFailure:
    what = "NaN" if math.isnan(value) else "infinite"
    return RunFailure(f"training diverged at step {step}: the loss became {what}; "
                      f"try a smaller learning rate, e.g. --lr {lr / 10:g}")


def train(arch: Architecture, theta: np.ndarray, X: np.ndarray, y: np.ndarray, *, steps: int, lr: float,
          optimizer_name: str = "adam", weight_decay: float = 0.0, batch: int | None = None,
          rng: np.random.Generator | None = None, record: Sequence[int] = (), curve: TrainingCurve | None = None,
          progress: Callable[[int], None] | None = None) -> Iterator[Snapshot]:
    """Train in place and yield a :class:`Snapshot` at each step listed in ``record``.

    ``batch`` None (or >= n) is full-batch gradient descent; otherwise each epoch
    visits a fresh permutation (drawn from ``rng``) in batches of that size.
    ``progress(k)`` is called with the number of steps done since its last call.
    A NaN or infinite loss raises :class:`RunFailure` naming the step. The settings are
    trusted (see :class:`actviz.core.fit.FitSettings`).
    """
    bound = optimizer(optimizer_name, lr, weight_decay)
    update = bound.make(decay=slice(0, arch.n_weights))
    weight_decay = loss_weight_decay(bound, weight_decay)
    n = len(X)
    xt = np.ascontiguousarray(X.T)
    target = np.ascontiguousarray(one_hot(y, arch.classes).T)
    grad = np.empty_like(theta)
    wanted = {int(s) for s in record if 0 <= s <= steps}
    full = batch is None or batch >= n
    order, cursor = None, n
    every = max(1, steps // 200)
    step = 0
    # numpy's error state is set only around the arithmetic, never across a yield.
    for stop in sorted(wanted | {steps}):
        snapshot = None
        with np.errstate(all="ignore"):
            while True:
                if full:
                    xb, tb, yb = xt, target, y
                else:
                    if cursor + batch > n:
                        order, cursor = rng.permutation(n), 0
                    idx = order[cursor:cursor + batch]
                    cursor += batch
                    xb, tb, yb = xt[:, idx], target[:, idx], y[idx]
                value, logits = _loss_and_grad_columns(arch, theta, xb, tb, weight_decay, grad)
                if not math.isfinite(value):
                    raise diverged(step, value, lr)
                acc = _accuracy_columns(logits, yb)
                if curve is not None:
                    curve.loss[step], curve.accuracy[step] = value, acc
                if step == stop and step in wanted:
                    if not full:
                        value = loss(arch, theta, X, y, weight_decay)
                        acc = accuracy(forward(arch, theta, X), y)
                    snapshot = Snapshot(step, value, acc, theta.copy())
                if step == steps:
                    break
                update(theta, grad)
                step += 1
                if progress is not None and step % every == 0:
                    progress(every)
                if step > stop:
                    break
        if snapshot is not None:
            yield snapshot
    if progress is not None and steps % every:
        progress(steps % every)


@dataclass(frozen=True)
class TrainingRun:
    """Everything a picture of one training run needs: the network, its data, the snapshots."""

    arch: Architecture
    data: Dataset
    snapshots: tuple[Snapshot, ...]
    curve: TrainingCurve
    settings: dict

    @property
    def final(self) -> Snapshot:
        return self.snapshots[-1]

"""Optimisers against torch.optim step for step in float64, on every test surface and in training; the
training command's old optimisers kept to the bit; the surfaces' gradients against autograd; the race's
learning-rate rules."""
from __future__ import annotations

import math

import numpy as np
import pytest

from actviz.core import net, optim, race, surfaces
from actviz.core.fit import FitSettings
from actviz.errors import UserError

torch = pytest.importorskip("torch", reason="PyTorch oracle not installed: pip install torch==2.13.0")
T64 = torch.float64
pytestmark = pytest.mark.torch

TORCH_SURFACES = {  # written independently of actviz.core.surfaces, differentiated by autograd
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
    "beale": lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
    "himmelblau": lambda x, y: (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2,
    "saddle": lambda x, y: x ** 2 - y ** 2,
    "quadratic": lambda x, y: 0.5 * (x ** 2 + 25 * y ** 2),
    "rastrigin": lambda x, y: 20 + x ** 2 - 10 * torch.cos(2 * math.pi * x) + y ** 2 - 10 * torch.cos(2 * math.pi * y),
}


def torch_optimizer(bound: optim.BoundOptimizer, params):
    """The torch.optim counterpart of an optimiser, built from its hyper-parameters by name."""
    p = dict(bound.params)
    name = bound.name
    if name in ("sgd", "momentum", "nesterov"):
        return torch.optim.SGD(params, lr=p["lr"], momentum=p.get("momentum", 0.0), dampening=p.get("dampening", 0.0),
                               weight_decay=p["weight_decay"], nesterov=name == "nesterov")
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=p["lr"], lr_decay=p["lr_decay"], weight_decay=p["weight_decay"],
                                   initial_accumulator_value=p["initial_accumulator_value"], eps=p["eps"])
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=p["lr"], alpha=p["alpha"], eps=p["eps"], weight_decay=p["weight_decay"],
                                   momentum=p["momentum"], centered=bool(p["centered"]))
    cls = torch.optim.AdamW if name == "adamw" else torch.optim.Adam
    return cls(params, lr=p["lr"], betas=(p["beta1"], p["beta2"]), eps=p["eps"], weight_decay=p["weight_decay"],
               amsgrad=bool(p["amsgrad"]))


def torch_path(surface: str, bound: optim.BoundOptimizer, start, steps: int, noise=None) -> np.ndarray:
    p = torch.tensor(start, dtype=T64, requires_grad=True)
    opt = torch_optimizer(bound, [p])
    out = [p.detach().numpy().copy()]
    for t in range(steps):
        opt.zero_grad()
        TORCH_SURFACES[surface](p[0], p[1]).backward()
        if noise is not None:
            p.grad += torch.tensor(noise[t], dtype=T64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


VARIANTS = {
    "sgd": ["", "weight_decay=0.1"],
    "momentum": ["", "momentum=0.5,dampening=0.3,weight_decay=0.05"],
    "nesterov": ["", "momentum=0.95,weight_decay=0.02"],
    "adagrad": ["", "lr_decay=0.01,initial_accumulator_value=0.5,eps=1e-6,weight_decay=0.05"],
    "rmsprop": ["", "centered=1,momentum=0.5", "alpha=0.999,eps=1e-6", "weight_decay=0.1,eps=1e-4"],
    "adam": ["", "amsgrad=1,beta1=0.5,beta2=0.9", "weight_decay=0.1"],
    "adamw": ["", "weight_decay=0.5,amsgrad=1"],
}
STEPS = 150


@pytest.fixture(scope="module")
def tuned():
    """Each optimiser's tuned rate on each surface: the rates the races actually draw."""
    return {name: {p.opt.name: p.opt.lr for p in race.race(surfaces.get(name), list(optim.NAMES), steps=STEPS).paths}
            for name in surfaces.NAMES}


TRAJECTORIES = [pytest.param(spec, surface, marks=[pytest.mark.slow] if ":" in spec and surface != "rosenbrock" else [])
                for spec in (f"{n}:{v}" if v else n for n, vs in VARIANTS.items() for v in vs)
                for surface in surfaces.NAMES]


@pytest.mark.parametrize("spec, surface", TRAJECTORIES)
def test_every_trajectory_is_torch_optims_step_for_step(surface, spec, tuned):
    """150 steps at the rate the race picks for the optimiser. torch's CPU kernels fuse some multiply-adds
    (addcmul, lerp), numpy rounds twice, so single steps differ in the last bit; the dynamics of these runs
    do not amplify that beyond 1e-12 (a chaotic setting, such as rmsprop with alpha = 0.9 at lr 0.1 on
    Beale, would: there two runs of torch itself on different hardware would part too)."""
    s = surfaces.get(surface)
    bound = optim.parse(spec)
    lr = tuned[surface][bound.name]
    xy, _ = race.run(s, bound, [lr], STEPS)
    theirs = torch_path(surface, bound.with_lr(lr), s.start, STEPS)
    assert np.isfinite(theirs).all()
    np.testing.assert_allclose(xy[0], theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", optim.NAMES)
def test_gradient_noise_is_added_to_the_gradient_before_the_step(name):
    s = surfaces.get("himmelblau")
    bound = optim.parse(name).with_lr(0.01)
    noise = race.noise_draws(80, 3.0, seed=4)
    xy, _ = race.run(s, bound, [0.01], 80, noise)
    np.testing.assert_allclose(xy[0], torch_path("himmelblau", bound, s.start, 80, noise), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", surfaces.NAMES)
def test_surface_gradients_equal_autograd(name):
    s = surfaces.get(name)
    rng = np.random.default_rng(3)
    (x0, x1), (y0, y1) = s.xlim, s.ylim
    x, y = rng.uniform(x0, x1, 50), rng.uniform(y0, y1, 50)
    xt, yt = torch.tensor(x, dtype=T64, requires_grad=True), torch.tensor(y, dtype=T64, requires_grad=True)
    f = TORCH_SURFACES[name](xt, yt)
    f.sum().backward()
    np.testing.assert_allclose(s.value(x, y), f.detach().numpy(), rtol=1e-13, atol=1e-12)
    gx, gy = s.gradient(x, y)
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-12, atol=1e-11)
    np.testing.assert_allclose(gy, yt.grad.numpy(), rtol=1e-12, atol=1e-11)


@pytest.mark.parametrize("name", surfaces.NAMES)
def test_minima_are_minima(name):
    s = surfaces.get(name)
    for mx, my in s.minima:
        assert s.value(mx, my) == pytest.approx(s.fmin, abs=1e-12)
        gx, gy = s.gradient(mx, my)
        assert abs(gx) < 1e-9 and abs(gy) < 1e-9


def test_an_expression_surface_has_the_exact_gradient():
    s = surfaces.get("expr:log(1+x**2) + sin(x*y) + y**2/3")
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-3, 3, 40), rng.uniform(-3, 3, 40)
    xt, yt = torch.tensor(x, dtype=T64, requires_grad=True), torch.tensor(y, dtype=T64, requires_grad=True)
    (torch.log(1 + xt ** 2) + torch.sin(xt * yt) + yt ** 2 / 3).sum().backward()
    gx, gy = s.gradient(x, y)
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gy, yt.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert s.xlim == (-3.0, 3.0) and s.start == (-2.0, 2.0) and s.fmin is None


@pytest.mark.parametrize("text, message", [
    ("expr:x+z", "unknown name 'z': the variables are x and y"), ("expr:__import__('os')", "strings are not allowed"), ("expr:exec(x)", "unknown function 'exec'"),
    ("expr:x.real", "attribute access"), ("expr:", "empty expression; write one in x and y"),
    ("rosenbrok", "did you mean rosenbrock"), ("nope", "unknown surface 'nope'"), ("expr:1/0", "bad expression"),
])
def test_bad_surfaces_are_user_errors(text, message):
    with pytest.raises(UserError, match=message):
        surfaces.get(text)


def test_an_activation_expression_still_has_one_variable():
    from actviz.core.expr.check import check

    with pytest.raises(UserError, match="the variable is x, constants"):
        check("x*y")


# --------------------------------------------------------------------------- the training command

def old_optimizer(name, lr, size):
    """The training command's optimisers before actviz.core.optim, verbatim (the numbers of the gallery's
    training figures): every one of their runs must come out the same to the last bit."""
    MOMENTUM, ADAM_BETAS, ADAM_EPS = 0.9, (0.9, 0.999), 1e-8
    if name == "sgd":
        def sgd(theta, grad):
            theta -= lr * grad
        return sgd
    if name == "momentum":
        velocity = np.zeros(size)

        def momentum(theta, grad):
            np.multiply(velocity, MOMENTUM, out=velocity)
            np.add(velocity, grad, out=velocity)
            theta -= lr * velocity
        return momentum
    b1, b2 = ADAM_BETAS
    m, v, tmp = np.zeros(size), np.zeros(size), np.empty(size)
    t = [0]

    def adam(theta, grad):
        t[0] += 1
        np.multiply(m, b1, out=m)
        np.multiply(grad, 1 - b1, out=tmp)
        np.add(m, tmp, out=m)
        np.multiply(v, b2, out=v)
        np.multiply(grad, grad, out=tmp)
        np.multiply(tmp, 1 - b2, out=tmp)
        np.add(v, tmp, out=v)
        np.sqrt(v, out=tmp)
        np.multiply(tmp, 1.0 / math.sqrt(1 - b2 ** t[0]), out=tmp)
        np.add(tmp, ADAM_EPS, out=tmp)
        np.divide(m, tmp, out=tmp)
        np.multiply(tmp, lr / (1 - b1 ** t[0]), out=tmp)
        theta -= tmp
    return adam


def problem(seed=1, count=60, hidden=(5,)):
    from actviz.core.spec import parse_spec

    rng_data, rng_net = net.seed_streams(seed)
    from actviz.core import datasets

    ds = datasets.make("circles", count, 0.1, rng_data, 2)
    arch = net.architecture(parse_spec("tanh"), hidden)
    return arch, net.init(arch, rng_net), ds


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch", [None, 16])
def test_the_training_command_keeps_its_numbers_to_the_bit(name, batch):
    arch, theta, ds = problem()
    lr = net.DEFAULT_LR[name]

    def trained():
        out = theta.copy()
        list(net.train(arch, out, ds.X, ds.y, steps=60, lr=lr, optimizer_name=name, weight_decay=1e-3, batch=batch,
                       rng=np.random.default_rng(9)))
        return out

    mine = trained()

    class Old:  # the training loop as it is, the optimiser as it was
        def __init__(self, bound):
            self.name, self.lr = bound.name, bound.lr

        def make(self, **_):
            return old_optimizer(name, lr, arch.n_params)

    real = net.optimizer
    monkey = pytest.MonkeyPatch()
    monkey.setattr(net, "optimizer", lambda *a, **k: Old(real(*a, **k)))
    try:
        old = trained()
    finally:
        monkey.undo()
    assert mine.tobytes() == old.tobytes()
    assert not np.array_equal(mine, theta)


@pytest.mark.parametrize("spec, lr", [("nesterov", 0.1), ("adagrad", 0.1), ("rmsprop", 0.01), ("adamw", 0.01),
                                      ("rmsprop:centered=1,momentum=0.3", 0.005), ("adam:amsgrad=1", 0.02)])
def test_the_new_training_optimisers_follow_torch_optim(spec, lr):
    """The network of test_net in torch, the L2 penalty in the loss, except for AdamW, whose decay is
    decoupled and applies to the weights only (a torch parameter group without decay for the biases)."""
    arch, theta, ds = problem(seed=2, count=50)
    wd = 0.01
    mine = theta.copy()
    list(net.train(arch, mine, ds.X, ds.y, steps=25, lr=lr, optimizer_name=spec, weight_decay=wd))
    ws = [torch.tensor(w.copy(), requires_grad=True) for w in arch.weights(theta)]
    bs = [torch.tensor(b.copy(), requires_grad=True) for b in arch.biases(theta)]
    bound = optim.parse(spec).with_lr(lr)
    adamw = bound.name == "adamw"
    if adamw:
        opt = torch_optimizer(optim.BoundOptimizer(bound.act, {**bound.params, "weight_decay": wd}), ws)
        opt.add_param_group({"params": bs, "weight_decay": 0.0})
    else:
        opt = torch_optimizer(bound, ws + bs)
    X, y = torch.tensor(ds.X), torch.tensor(ds.y)
    for _ in range(25):
        opt.zero_grad()
        h = torch.tanh(X @ ws[0] + bs[0]) @ ws[1] + bs[1]
        loss = torch.nn.functional.cross_entropy(h, y)
        if not adamw:
            loss = loss + 0.5 * wd * sum((w ** 2).sum() for w in ws)
        loss.backward()
        opt.step()
    theirs = np.concatenate([w.detach().numpy().ravel() for w in ws] + [b.detach().numpy() for b in bs])
    np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("spec, lr, message", [
    ("adam:weight_decay=0.1", None, "set weight decay with --weight-decay"),
    ("adam:lr=0.1", 0.2, "the learning rate is given twice"),
    ("adam:lr=0", None, "out of range"), ("adamax", None, "unknown optimiser 'adamax'"),
    ("rmsprop:centered=0.5", None, "a switch: 0 or 1"), ("sgd", -1.0, "learning rate must be a positive"),
])
def test_bad_training_optimisers_are_user_errors(spec, lr, message):
    with pytest.raises(UserError, match=message):
        FitSettings(steps=10, lr=lr, optimizer=spec, weight_decay=0.0)


def test_a_rate_in_the_spec_is_the_training_rate():
    assert FitSettings(steps=10, optimizer="momentum:lr=0.3,momentum=0.5", weight_decay=0.0).lr == 0.3
    assert FitSettings(steps=10, optimizer="adagrad", weight_decay=0.0).lr == net.DEFAULT_LR["adagrad"]


# --------------------------------------------------------------------------- races

def test_rows_of_a_grid_run_as_they_would_alone():
    s = surfaces.get("beale")
    for name in optim.NAMES:
        rates = [1e-4, 3e-3, 0.05, 0.4]
        xy, loss = race.run(s, optim.parse(name), rates, 120)
        for i, lr in enumerate(rates):
            alone, _ = race.run(s, optim.parse(name), [lr], 120)
            assert xy[i].tobytes() == alone[0].tobytes(), (name, lr)


def test_best_rate_follows_the_stated_rule():
    s = surfaces.get("quadratic")  # view x in [-5, 5], y in [-2.5, 2.5]
    start = 10.0
    xy = np.zeros((5, 3, 2))
    loss = np.array([[start, 5.0, 4.0],       # calm, in view: 4
                     [start, 20.0, 1.0],      # rose above the start
                     [start, 2.0, 2.0],       # calm, in view: 2  <- best
                     [start, 1.0, 0.5],       # ends outside the view
                     [start, np.nan, np.nan]])  # diverged
    xy[3, -1] = (9.0, 0.0)
    assert race.best_rate(s, xy, loss) == (2, "")
    assert race.best_rate(s, xy[[0, 1, 3]], loss[[0, 1, 3]])[0] == 0
    assert race.best_rate(s, xy[[1, 3]], loss[[1, 3]]) == (0, "rose above the start")
    assert race.best_rate(s, xy[[3, 4]], loss[[3, 4]]) == (0, "none in view")
    assert race.best_rate(s, xy[[4]], loss[[4]]) == (0, "all diverged")


def test_the_race_states_its_rule_and_honours_rates_set_by_hand():
    s = surfaces.get("rosenbrock")
    tuned = race.race(s, ["sgd", "adam:lr=0.05"], steps=50)
    assert tuned.paths[1].opt.lr == 0.05 and "set" in tuned.paths[1].label
    assert "best of 1e-5 \u2026 1" in tuned.rule and "(set by hand: Adam)" in tuned.rule
    grid = race.LR_GRID
    assert tuned.paths[0].opt.lr in grid
    fixed = race.race(s, ["sgd", "adam"], steps=20, lr=1e-4)
    assert [p.opt.lr for p in fixed.paths] == [1e-4, 1e-4] and fixed.rule == "learning rate 0.0001 for every optimiser"
    torchy = race.race(s, ["sgd", "adagrad"], steps=20, rule="torch")
    assert [p.opt.lr for p in torchy.paths] == [1e-3, 1e-2] and "torch.optim's defaults" in torchy.rule
    noisy = race.race(s, ["sgd"], steps=20, lr=1e-4, noise=0.5, seed=3)
    assert "N(0, 0.5\u00b2) per coordinate, seed 3" in noisy.statement()


def test_the_tuned_rate_is_the_best_of_the_grid():
    s = surfaces.get("himmelblau")
    chosen = race.race(s, ["momentum"], steps=100).paths[0]
    start = s.value(*s.start)
    for lr in race.LR_GRID:
        xy, loss = race.run(s, optim.parse("momentum"), [lr], 100)
        x, y = xy[0, -1]
        calm = np.nanmax(loss[0]) <= start and -5 <= x <= 5 and -5 <= y <= 5
        if calm:
            assert chosen.loss[-1] <= loss[0, -1]


def test_races_are_deterministic_and_noise_is_shared():
    s = surfaces.get("saddle")
    a = race.race(s, ["sgd", "adam"], steps=40, lr=0.01, noise=0.2, seed=5)
    b = race.race(s, ["sgd", "adam"], steps=40, lr=0.01, noise=0.2, seed=5)
    for p, q in zip(a.paths, b.paths):
        assert p.xy.tobytes() == q.xy.tobytes()
    c = race.race(s, ["sgd", "sgd"], steps=40, lr=0.01, noise=0.2, seed=6)
    assert c.paths[0].xy.tobytes() == c.paths[1].xy.tobytes()  # the same draws for every optimiser
    assert c.paths[0].xy.tobytes() != a.paths[0].xy.tobytes()


def test_a_diverging_run_is_marked_and_stays_nan():
    s = surfaces.get("rosenbrock")
    r = race.race(s, ["sgd"], steps=30, lr=1.0)
    p = r.paths[0]
    k = p.diverged
    assert k is not None and 0 < k <= 30 and np.isnan(p.xy[k:]).all()


@pytest.mark.parametrize("kwargs, message", [
    (dict(steps=0), "steps must be between"), (dict(lr=0.0), "learning rate must be a positive"),
    (dict(rule="best"), "unknown learning-rate rule"), (dict(grid=[]), "grid needs 1 to"),
    (dict(grid=[0.1, -1]), "positive numbers"), (dict(noise=-1.0), "gradient noise"),
])
def test_bad_race_settings_are_user_errors(kwargs, message):
    with pytest.raises(UserError, match=message):
        race.race(surfaces.get("saddle"), ["sgd"], **kwargs)


def test_the_commands_spell_the_catalogues_out():
    from actviz.cli import optim as cmd
    from actviz.cli import train

    assert cmd.OPTIMIZER_NAMES == optim.NAMES == train.OPTIMIZER_NAMES == net.OPTIMIZERS
    assert cmd.SURFACE_NAMES == surfaces.NAMES and cmd.RULE_NAMES == race.RULES
    assert set(net.DEFAULT_LR) == set(optim.NAMES)

"""Data sets: one signature, the geometry each promises, exact repeatability, honest noise."""
from __future__ import annotations

import math

import numpy as np
import pytest

from actviz.core import datasets
from actviz.errors import UserError

NAMES = list(datasets.DATASETS)


def clean(name: str, count: int = 300, seed: int = 3, classes: int = 2) -> datasets.Dataset:
    return datasets.make(name, count, 0.0, seed, classes)


@pytest.mark.parametrize("name", NAMES)
def test_one_signature_shapes_and_balanced_labels(name):
    entry = datasets.DATASETS[name]
    ds = entry.make(101, 0.05, np.random.default_rng(0))
    assert ds.name == name and ds.classes == 2
    assert ds.X.shape == (101, 2) and ds.X.dtype == np.float64 and np.isfinite(ds.X).all()
    assert ds.y.shape == (101,) and set(np.unique(ds.y)) == {0, 1}
    counts = np.bincount(ds.y)
    assert abs(int(counts[0]) - int(counts[1])) <= 1
    assert np.abs(ds.X).max() < 2.0  # every set lives in about [-1.3, 1.3]^2
    for label, curve in ds.curves:
        assert 0 <= label < ds.classes and curve.ndim == 2 and curve.shape[1] == 2 and len(curve) > 10


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_bytes_other_seed_other_data(name):
    a, b, c = datasets.make(name, 200, 0.1, 7), datasets.make(name, 200, 0.1, 7), datasets.make(name, 200, 0.1, 8)
    assert a.X.tobytes() == b.X.tobytes() and a.y.tobytes() == b.y.tobytes()
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", NAMES)
def test_noise_is_gaussian_jitter_of_the_given_size(name):
    # the clean points are drawn first from the same stream, so the difference is exactly the jitter
    noisy, plain = datasets.make(name, 4000, 0.07, 11), datasets.make(name, 4000, 0.0, 11)
    jitter = noisy.X - plain.X
    assert np.array_equal(noisy.y, plain.y)
    assert abs(jitter.mean()) < 0.005
    assert jitter.std() == pytest.approx(0.07, rel=0.05)


def distance_to(points: np.ndarray, curve: np.ndarray) -> np.ndarray:
    return np.sqrt(((points[:, None, :] - curve[None, :, :]) ** 2).sum(-1)).min(axis=1)


@pytest.mark.parametrize("name", ["spiral", "moons"])
def test_clean_points_lie_on_their_class_curve(name):
    ds = clean(name)
    assert sorted(label for label, _ in ds.curves) == [0, 1]
    for label, curve in ds.curves:
        spacing = np.hypot(*np.diff(curve, axis=0).T).max()
        own = distance_to(ds.X[ds.y == label], curve)
        assert own.max() <= spacing  # on the polyline, up to its sampling
        other = distance_to(ds.X[ds.y != label], curve)
        assert other.min() > 0.1  # and the other class keeps away from it


def test_spiral_arms_wind_out_of_the_origin_one_turn():
    ds = clean("spiral")
    for label, curve in ds.curves:
        r = np.hypot(*curve.T)
        assert r[0] == pytest.approx(0.2) and r[-1] == pytest.approx(1.2)
        angle = np.unwrap(np.arctan2(curve[:, 1], curve[:, 0]))
        assert angle[-1] - angle[0] == pytest.approx(2 * math.pi)  # a whole turn, counter-clockwise
    starts = [curve[0] for _, curve in ds.curves]
    assert np.allclose(starts[0], -starts[1])  # the two arms start opposite each other


def test_spiral_and_blobs_take_more_classes():
    for name in ("spiral", "blobs"):
        ds = clean(name, count=301, classes=5)
        assert ds.classes == 5 and set(np.unique(ds.y)) == set(range(5))
        assert np.bincount(ds.y).max() - np.bincount(ds.y).min() <= 1
    assert len(clean("spiral", classes=3).curves) == 3


def test_circles_inner_disk_against_outer_ring():
    ds = clean("circles", count=2000)
    r = np.hypot(*ds.X.T)
    assert r[ds.y == 0].max() <= 0.5 and r[ds.y == 1].min() >= 0.8 and r[ds.y == 1].max() <= 1.2
    # uniform over each area: half the disk's points lie within radius 0.5 / sqrt(2)
    assert np.mean(r[ds.y == 0] < 0.5 / math.sqrt(2)) == pytest.approx(0.5, abs=0.05)
    radii = {label: np.hypot(*curve.T) for label, curve in ds.curves}
    assert np.allclose(radii[0], 0.5) and np.allclose(radii[1], 0.8)  # the edges facing across the gap


def test_xor_quadrants_and_blob_centres():
    ds = clean("xor", count=1000)
    assert np.all(np.abs(ds.X) >= 0.1) and np.all(np.abs(ds.X) <= 1.0)
    assert np.array_equal(ds.y, (ds.X[:, 0] * ds.X[:, 1] < 0).astype(int))
    assert ds.curves == ()
    blobs = clean("blobs", count=4000, classes=4)
    for k in range(4):
        angle = 2 * math.pi * k / 4 + math.pi / 4
        centre = blobs.X[blobs.y == k].mean(axis=0)
        assert np.allclose(centre, 0.8 * np.array([math.cos(angle), math.sin(angle)]), atol=0.03)
        assert blobs.X[blobs.y == k].std(axis=0) == pytest.approx([0.2, 0.2], rel=0.1)


@pytest.mark.parametrize("call, fragment", [
    (lambda: datasets.make("spirals"), "did you mean spiral"),
    (lambda: datasets.make("nothing"), "choose from spiral, circles"),
    (lambda: datasets.make("circles", classes=3), "takes 2 classes"),
    (lambda: datasets.make("spiral", classes=9), "2 to 8 classes"),
    (lambda: datasets.make("moons", count=3), "count must be"),
    (lambda: datasets.make("moons", noise=-0.1), "noise must be"),
    (lambda: datasets.make("moons", noise=float("nan")), "noise must be"),
])
def test_bad_arguments_are_user_errors(call, fragment):
    with pytest.raises(UserError, match=fragment):
        call()

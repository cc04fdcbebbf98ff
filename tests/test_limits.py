"""Requests that would exhaust the machine are refused up front, unless the budget is raised."""
from __future__ import annotations

import pytest

from actviz.errors import UserError
from actviz.context import Context, Limits
from actviz.core.budgets import check_animation


def test_huge_image_refused_before_drawing(actviz, tmp_path):
    out = tmp_path / "huge.png"
    r = actviz("plot", "relu", "--size", "100x100", "--dpi", "2000", "-o", out)
    assert r.exit_code == 2
    assert "megapixels" in r.stderr and "--max-megapixels" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_raised_budget_lets_a_large_image_through(actviz, tmp_path):
    out = tmp_path / "large.png"
    r = actviz("--max-megapixels", "0.05", "plot", "relu", "--size", "3x2", "--dpi", "100", "-o", out)
    assert r.exit_code == 2 and not out.exists()
    r = actviz("--max-megapixels", "0.07", "plot", "relu", "--size", "3x2", "--dpi", "100", "-o", out)
    assert r.exit_code == 0, r.stderr
    assert out.stat().st_size > 0


def test_animation_memory_budget():
    """Palette frames take 1 byte a pixel, and the GIF writer copies them once more: 2 bytes."""
    with Context(limits=Limits(max_animation_mb=200.0, max_megapixels=100.0)):
        check_animation(400, 480, 480)  # 184 MB of frames while writing: fits
        with pytest.raises(UserError, match="--max-animation-mb"):
            check_animation(500, 480, 480)  # 230 MB: refused

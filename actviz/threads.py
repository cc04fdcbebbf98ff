"""BLAS threads: one per process unless the user's own environment asks for more.

OpenBLAS (and MKL, OpenMP) read their thread count when numpy loads, so this must be set
before anything imports numpy: the CLI's ``main()`` does it first, and the gallery's pool
does it for the environment its workers inherit.

Why one: actviz's matrices are small or tall and thin, so on a busy machine extra threads
cost more than they bring (``boundary relu@3000``: 22.6 s with 2 OpenBLAS threads, 5.4 s
with 1; a pool of workers that each start a thread per core oversubscribes the cores), and
threads can change the last bits of a wide network's training (``relu@64,64`` trains to
other parameters with 2 threads than with 1), which would make the output depend on the
machine's core count. Setting ``OPENBLAS_NUM_THREADS`` (or the others) yourself wins.
"""
from __future__ import annotations

import contextlib
import os
from typing import Iterator

VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Within the block, each of :data:`VARIABLES` the environment does not set is "1";
    the environment is restored afterwards (for callers that run on, e.g. the test suite)."""
    saved = {name: os.environ.get(name) for name in VARIABLES}
    for name in VARIABLES:
        os.environ.setdefault(name, "1")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

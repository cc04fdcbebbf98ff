"""Imported by the batch's fork server first (see :mod:`actviz.gallery.pool`): the server asks Linux
to be sent SIGKILL when the process that started it dies, however it died, so that neither it nor its
workers (which die with it) outlive an interrupted or killed ``actviz render``.

Importing this module anywhere else does nothing."""
from __future__ import annotations

import sys


def _in_fork_server() -> bool:
    frame = sys._getframe()
    while frame is not None:
        if frame.f_globals.get("__name__") == "multiprocessing.forkserver" and frame.f_code.co_name == "main":
            return True
        frame = frame.f_back
    return False


if _in_fork_server():  # pragma: no cover - runs in the fork server
    import ctypes
    import signal

    try:  # PR_SET_PDEATHSIG = 1; had the parent died already, the server sees its pipe closed and exits
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux
        pass

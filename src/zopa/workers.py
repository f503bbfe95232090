"""A helper process for the independent pieces of a job (one party's deal-space columns, the
modeller's branches, hinge variants), so that they run beside the main thread on another core.

Python threads share one interpreter lock, and the engine's many small numpy calls hold it often
enough that two threads of it run barely faster than one; a second *process* runs at full speed.
The helper is forked (POSIX ``fork``: no re-import, the scenario already in memory), which is safe
only while the process runs a single thread — so it is started at the beginning of a job, before
any thread exists, and nowhere else. Where forking is not available or not safe (another thread is
running, a single CPU, ``$ZOPA_THREADS=1``), :class:`Helper` runs the same calls in a thread or
inline: the results never depend on where a call ran (the helper computes exactly what the main
process would, with BLAS single-threaded in both).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Callable


def _child_setup() -> None:
    """In the helper: no threads of its own (the main process is busy on the other core)."""
    os.environ["ZOPA_THREADS"] = "1"


class Helper:
    """``submit(fn, *args)`` runs ``fn`` (a module-level function; arguments and result picklable)
    in a forked helper process when :attr:`process` is True, else in a thread (several CPUs) or at
    once. Calls run one after another, in the order submitted. Use as a context manager."""

    def __init__(self, allow_process: bool = True) -> None:
        from zopa.basis import worker_threads

        cpus = worker_threads(2)
        self.process = (allow_process and cpus > 1 and sys.platform.startswith("linux")
                        and threading.active_count() == 1)
        self._pool: Executor | None = None
        if self.process:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_child_setup)
        elif cpus > 1:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="zopa-helper")

    @property
    def parallel(self) -> bool:
        """Whether submitted calls run beside the caller (in a process or a thread)."""
        return self._pool is not None

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        if self._pool is not None:
            return self._pool.submit(fn, *args, **kwargs)
        done: Future = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller of result()
            done.set_exception(exc)
        return done

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "Helper":
        if self.process:  # fork now, while this is the only thread
            self._pool.submit(int).result()  # type: ignore[union-attr]
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

"""A helper process for the independent pieces of a job (one party's deal-space columns, the
modeller's branches, hinge variants), so that they run beside the main thread on another core.

Python threads share one interpreter lock, and the engine's many small numpy calls hold it often
enough that two threads of it run barely faster than one; a second *process* runs at full speed.
The helper is forked (POSIX ``fork``: no re-import, the scenario already in memory), which is safe
only while the process runs a single thread — so it is forked on the first call handed to it, and
only if no other thread is running then. Where forking is not available or not safe (another thread is
running, a single CPU, ``$ZOPA_THREADS=1``), :class:`Helper` runs the same calls in a thread or
inline: the results never depend on where a call ran (the helper computes exactly what the main
process would, with BLAS single-threaded in both).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Callable, Iterator


def worker_threads(tasks: int) -> int:
    """Threads for ``tasks`` independent pieces of work: at most the CPUs this process may use, or
    ``$ZOPA_THREADS`` (1: everything in the calling thread). Results never depend on it."""
    env = os.environ.get("ZOPA_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        cpus = int(env)
    else:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(tasks, cpus))


@contextlib.contextmanager
def serial_blas() -> Iterator[None]:
    """BLAS single-threaded for the duration: zopa parallelises over parties and stages with its own
    threads (:func:`worker_threads`), and BLAS threads competing with them for the same cores, or
    spinning while they wait, only slow both down. It also makes the floating-point sums of every
    matrix product independent of the machine's core count and of ``$ZOPA_THREADS``: the same seed
    gives the same numbers to the last bit. Nested uses are free."""
    global _SERIAL
    if _SERIAL:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        _SERIAL = True
        try:
            yield
        finally:
            _SERIAL = False


_SERIAL = False


def _child_setup() -> None:
    """In the helper: no threads of its own (the main process is busy on the other core)."""
    os.environ["ZOPA_THREADS"] = "1"


class Helper:
    """``submit(fn, *args)`` runs ``fn`` (a module-level function; arguments and result picklable)
    in a forked helper process when :attr:`process` is True, else in a thread (several CPUs) or at
    once. Calls run one after another, in the order submitted. Use as a context manager."""

    def __init__(self, allow_process: bool = True) -> None:
        self._cpus = worker_threads(2)
        self._allow = allow_process and sys.platform.startswith("linux")
        self._pool: Executor | None = None

    @property
    def process(self) -> bool:
        """Whether calls go to a forked process (once started), or would if submitted now."""
        if self._pool is not None:
            return isinstance(self._pool, ProcessPoolExecutor)
        return self._allow and self._cpus > 1 and threading.active_count() == 1

    @property
    def parallel(self) -> bool:
        """Whether submitted calls run beside the caller (in a process or a thread)."""
        return self._cpus > 1

    def _start(self) -> Executor:
        # forked on first use, and only while this is the only thread; a thread otherwise
        if self.process:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_child_setup)
        else:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="zopa-helper")
        return self._pool

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        if self.parallel:
            return (self._pool or self._start()).submit(fn, *args, **kwargs)
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
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

"""The helper process: the job's numbers do not depend on where its pieces ran, and the helper is
forked only while the process runs a single thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from zopa.workers import Helper


def job(monkeypatch, threads: str):
    from zopa.cache import Cache
    from zopa.pipeline import JobSettings, run_job
    from zopa.scenario import builtin_path, load_scenario

    monkeypatch.setenv("ZOPA_THREADS", threads)
    s = load_scenario(builtin_path())
    return run_job(s, JobSettings(paths=300, space_paths=300, branch_paths=300, branch_space_paths=200,
                                  hinge_budget=2_000), cache=Cache(enabled=False))


def test_the_same_numbers_in_one_process_or_two(monkeypatch):
    import sys

    monkeypatch.setenv("ZOPA_THREADS", "2")
    assert Helper().process is (sys.platform.startswith("linux") and threading.active_count() == 1)
    alone, helped = job(monkeypatch, "1"), job(monkeypatch, "2")
    assert alone.recommendation == helped.recommendation
    assert alone.branches == helped.branches
    assert {o: alone.hinges.to_rows(o) for o in alone.hinges.outputs} == \
        {o: helped.hinges.to_rows(o) for o in helped.hinges.outputs}
    for p, pv in alone.space_valuation.parties.items():
        np.testing.assert_array_equal(pv.columns, helped.space_valuation.parties[p].columns)
        np.testing.assert_array_equal(pv.utility, helped.space_valuation.parties[p].utility)


def test_no_fork_while_another_thread_runs(monkeypatch):
    monkeypatch.setenv("ZOPA_THREADS", "2")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with Helper() as helper:
            assert not helper.process and helper.parallel  # a thread instead
            assert helper.submit(sum, [1, 2]).result() == 3
    finally:
        stop.set()
        other.join()


def test_one_cpu_runs_inline(monkeypatch):
    monkeypatch.setenv("ZOPA_THREADS", "1")
    with Helper() as helper:
        assert not helper.parallel
        with pytest.raises(ZeroDivisionError):
            helper.submit(divmod, 1, 0).result()

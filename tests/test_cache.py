"""The valuation cache: exact round trips, keys that change with everything a valuation depends on
(and the code version), files that are written atomically and ignored when damaged, and one
valuation per run shared by every stage."""

from __future__ import annotations

import numpy as np
import pytest

from zopa import cache as cache_module
from zopa.cache import Cache, space_from_arrays, space_to_arrays, valuation_from_arrays, valuation_to_arrays

PATHS = 240


@pytest.fixture(scope="module")
def scenario():
    from zopa.scenario import builtin_path, load_scenario

    return load_scenario(builtin_path())


@pytest.fixture(autouse=True)
def fresh_memory():
    cache_module._MEMORY.clear()
    yield
    cache_module._MEMORY.clear()


def same_valuation(a, b) -> None:
    assert a.packages == b.packages and a.n_paths == b.n_paths and a.seed == b.seed
    assert a.values.keys() == b.values.keys()
    for k in a.values:
        np.testing.assert_array_equal(a.values[k], b.values[k])
    assert {k: set(v) for k, v in a.terms.items()} == {k: set(v) for k, v in b.terms.items()}
    for k in a.terms:
        for name in a.terms[k]:
            np.testing.assert_array_equal(a.terms[k][name], b.terms[k][name])
    assert a.term_labels == b.term_labels and a.calibration == b.calibration and a.clauses == b.clauses


def test_valuation_round_trip_is_exact(scenario):
    from zopa.value import value_scenario

    v = value_scenario(scenario, PATHS, seed=3)
    header, arrays = valuation_to_arrays(v)
    assert all(a.dtype == np.float64 for a in arrays.values())
    back = valuation_from_arrays(scenario, header, arrays)
    same_valuation(v, back)
    assert back.estimate("openai_offer", "openai") == v.estimate("openai_offer", "openai")


def test_space_round_trip_is_exact(scenario):
    from zopa.basis import value_space

    sv = value_space(scenario, 120, seed=1)
    back = space_from_arrays(scenario, *space_to_arrays(sv))
    for p, pv in sv.parties.items():
        other = back.parties[p]
        for name in ("utility", "utility_se", "gain_se", "mean", "se", "columns", "constant", "batna_paths"):
            np.testing.assert_array_equal(getattr(pv, name), getattr(other, name))
        assert (other.batna, other.batna_se, other.batna_package, other.risk_aversion, other.inside) == \
            (pv.batna, pv.batna_se, pv.batna_package, pv.risk_aversion, pv.inside)
    np.testing.assert_array_equal(back.space.choices, sv.space.choices)


def test_a_second_process_reads_what_the_first_kept(scenario, tmp_path):
    first = Cache(tmp_path)
    v = first.valuation(scenario, PATHS, 0, packages=["status_quo", "openai_offer"])
    assert (first.hits, first.misses) == (0, 1)
    cache_module._MEMORY.clear()  # as if in another process
    second = Cache(tmp_path)
    again = second.valuation(scenario, PATHS, 0, packages=["status_quo", "openai_offer"])
    assert (second.hits, second.misses) == (1, 0)
    same_valuation(v, again)
    assert again.scenario is scenario
    assert not list(tmp_path.rglob("*.tmp")), "no temporary file is left behind"


def test_keys_follow_everything_a_valuation_depends_on(scenario, monkeypatch):
    from zopa.sensitivity.engine import with_values

    c = Cache(None)
    key = c.key("valuation", scenario, n_paths=100, seed=0, packages=["status_quo"])
    assert key == c.key("valuation", scenario, n_paths=100, seed=0, packages=["status_quo"])
    assert key != c.key("valuation", scenario, n_paths=101, seed=0, packages=["status_quo"])
    assert key != c.key("valuation", scenario, n_paths=100, seed=1, packages=["status_quo"])
    assert key != c.key("valuation", scenario, n_paths=100, seed=0, packages=["openai_offer"])
    assert key != c.key("space", scenario, n_paths=100, seed=0, packages=["status_quo"])
    changed = with_values(scenario, {"world.revenue.initial": 11.0})
    assert key != c.key("valuation", changed, n_paths=100, seed=0, packages=["status_quo"])
    monkeypatch.setattr(cache_module, "code_version", lambda: "another version of the code")
    assert key != c.key("valuation", scenario, n_paths=100, seed=0, packages=["status_quo"])


def test_results_are_never_trusted_across_code_versions(scenario, tmp_path, monkeypatch):
    import os
    import time

    Cache(tmp_path).valuation(scenario, PATHS, 0, packages=["status_quo"])
    old_dir = next(d for d in tmp_path.iterdir() if d.is_dir())
    cache_module._MEMORY.clear()
    monkeypatch.setattr(cache_module, "code_version", lambda: "f" * 32)
    newer = Cache(tmp_path)
    newer.valuation(scenario, PATHS, 0, packages=["status_quo"])
    assert newer.misses == 1
    assert old_dir.exists(), "another checkout may still be using its entries"
    (stored,) = old_dir.glob("*.npz")
    long_ago = time.time() - 2 * cache_module.STALE_SECONDS
    os.utime(stored, (long_ago, long_ago))
    newer.prune()
    assert not old_dir.exists(), "another version's entries go once unused"


def test_a_damaged_file_is_ignored_and_replaced(scenario, tmp_path):
    c = Cache(tmp_path)
    v = c.valuation(scenario, PATHS, 0, packages=["status_quo"])
    (stored,) = tmp_path.rglob("*.npz")
    stored.write_bytes(stored.read_bytes()[:100])  # truncated
    cache_module._MEMORY.clear()
    again = Cache(tmp_path)
    same_valuation(v, again.valuation(scenario, PATHS, 0, packages=["status_quo"]))
    assert again.misses == 1 and stored.stat().st_size > 100


def test_the_oldest_entries_go_beyond_the_size_limit(scenario, tmp_path):
    c = Cache(tmp_path, max_bytes=1)
    c.valuation(scenario, 100, 0, packages=["status_quo"])
    c.valuation(scenario, 101, 0, packages=["status_quo"])
    assert len(list(tmp_path.rglob("*.npz"))) == 1  # the newest stays


def test_disabled_and_in_process_caches(scenario, tmp_path, monkeypatch):
    off = Cache(enabled=False)
    off.valuation(scenario, 100, 0, packages=["status_quo"])
    assert not cache_module._MEMORY
    memory = Cache(None)
    a = memory.valuation(scenario, 100, 0, packages=["status_quo"])
    assert memory.valuation(scenario, 100, 0, packages=["status_quo"]) is a
    monkeypatch.setenv("ZOPA_CACHE_DIR", str(tmp_path / "here"))
    assert Cache.default().root == tmp_path / "here"


def test_one_valuation_per_run(scenario):
    """The deal space is valued on the named packages' paths: its BATNAs are the valuation's status
    quo path for path, so the status quo has one value (CE or mean) in every stage."""
    from zopa.pipeline import JobSettings, run_job

    store = Cache(None)
    job = run_job(scenario, JobSettings(paths=300, space_paths=300, hinges=False, branches=False), cache=store)
    # once each: the named packages and the deal space (the two packages only variants have, the
    # contract in force restructured in time and the predicted settlement written out, are valued
    # by the job's helper, on their own)
    assert store.misses == 2
    sq = scenario.meta.status_quo
    for i, p in enumerate(scenario.party_ids):
        pv = job.space_valuation.parties[p]
        np.testing.assert_array_equal(pv.batna_paths, job.valuation.values[(sq, p, p)])
        assert job.analysis.problem.inside[i] == job.valuation.estimate(sq, p).value
        assert job.threats.outcomes[sq][p].value == job.valuation.estimate(sq, p).value


def test_a_scenario_without_a_deal_space_is_valued_once():
    from zopa.pipeline import JobSettings, run_job
    from zopa.scenario.load import parse_scenario
    from zopa.scenario.template import TEMPLATE

    s = parse_scenario(TEMPLATE)
    assert s.deal_space is None
    store = Cache(None)
    job = run_job(s, JobSettings(paths=400, space_paths=100, hinges=False), cache=store)
    assert store.misses == 1
    sq = s.meta.status_quo
    assert job.analysis.problem.batna == tuple(job.valuation.estimate(sq, p).value for p in s.party_ids)


def test_a_variant_valued_for_its_own_packages_completes_exactly(scenario):
    """Valuing only the packages a variant adds and taking the rest from the scenario's valuation
    gives what valuing them all together gives, path for path."""
    from zopa.cache import with_packages
    from zopa.restructuring import with_restructured_status_quo
    from zopa.value import value_scenario

    variant, name = with_restructured_status_quo(scenario)
    base = value_scenario(scenario, PATHS, 0, packages=["status_quo", "openai_offer"])
    merged = with_packages(base, value_scenario(variant, PATHS, 0, packages=[name]))
    together = value_scenario(variant, PATHS, 0, packages=["status_quo", "openai_offer", name])
    same_valuation(together, merged)


def test_the_job_recommends_what_recommend_scenario_recommends(scenario):
    """The job shares its valuation and the restructuring premium with the recommendation; the result
    is the one :func:`zopa.recommend.recommend_scenario` computes from scratch."""
    from zopa.analysis import analyze_scenario
    from zopa.pipeline import JobSettings, run_job
    from zopa.recommend import recommend_scenario

    job = run_job(scenario, JobSettings(paths=PATHS, space_paths=PATHS, hinges=False, branches=False))
    analysis, space = analyze_scenario(scenario, PATHS, 0)
    assert analysis.deadline == job.analysis.deadline
    vt = job.variable_threats
    inside = analysis.problem.inside or analysis.problem.batna
    point = (inside[0] + float(vt.point[0] - vt.batna[0]), inside[1] + float(vt.point[1] - vt.batna[1]))
    assert recommend_scenario(scenario, analysis, space, PATHS, 0, point, job.negotiation) == job.recommendation

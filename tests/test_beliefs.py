"""Distribution specs: quantile maps against scipy, the 90% interval, never-mass, mixtures."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from zopa.beliefs import (
    Beta, Discrete, Exponential, Fixed, Lognormal, Mixture, Normal, Pert, Quantity, Triangular, Uniform, describe,
)

U = np.linspace(0.001, 0.999, 999)


@pytest.mark.parametrize("spec, frozen", [
    (Uniform(low=2, high=5, source="s"), stats.uniform(2, 3)),
    (Triangular(low=1, mode=2, high=6, source="s"), stats.triang(0.2, loc=1, scale=5)),
    (Normal(mean=3, sd=2, source="s"), stats.norm(3, 2)),
    (Beta(alpha=2.5, beta=4, low=1, high=3, source="s"), stats.beta(2.5, 4, loc=1, scale=2)),
    (Pert(low=2026, mode=2029, high=2036, source="s"), stats.beta(1 + 4 * 3 / 10, 1 + 4 * 7 / 10, loc=2026, scale=10)),
    (Exponential(rate=0.3, start=2025, source="s"), stats.expon(loc=2025, scale=1 / 0.3)),
])
def test_quantiles_match_scipy(spec, frozen):
    np.testing.assert_allclose(spec.ppf(U), frozen.ppf(U), rtol=1e-7, atol=1e-6 * (frozen.ppf(0.999) - frozen.ppf(0.001)))


def test_lognormal_from_90_percent_interval():
    spec = Lognormal(lo=2, hi=8, source="s")
    assert spec.quantile(0.05) == pytest.approx(2)
    assert spec.quantile(0.95) == pytest.approx(8)
    assert spec.quantile(0.5) == pytest.approx(4)
    assert spec.mean() == pytest.approx(stats.lognorm(spec.sigma, scale=4).mean())


def test_lognormal_never_guesses_a_family():
    with pytest.raises(ValueError):
        Lognormal(lo=-1, hi=3, source="s")
    with pytest.raises(ValueError):
        Lognormal(lo=5, hi=3, source="s")


def test_never_mass_is_on_top_and_monotone():
    spec = Uniform(low=2026, high=2030, p_never=0.25, source="s")
    x = spec.ppf(U)
    assert np.all(np.isinf(x[U >= 0.75]))
    assert np.all(np.isfinite(x[U < 0.75]))
    assert np.all(np.diff(x[np.isfinite(x)]) >= 0)
    assert spec.quantile(0.375) == pytest.approx(2028)


def test_discrete_and_mixture():
    d = Discrete(values=[3, 1, 2], probs=[0.5, 0.2, 0.3], source="s")
    draws = d.ppf(np.array([0.1, 0.3, 0.6, 0.95]))
    assert draws.tolist() == [1, 2, 3, 3]
    with pytest.raises(ValueError):
        Discrete(values=[1, 2], probs=[0.5, 0.6], source="s")
    m = Mixture(components=[Fixed(value=0, source="s"), Uniform(low=10, high=20, source="s")], weights=[0.3, 0.7],
                source="s")
    x = m.ppf(np.random.default_rng(0).random(200_000))
    assert np.mean(x == 0) == pytest.approx(0.3, abs=0.005)
    assert x[x > 0].mean() == pytest.approx(15, abs=0.05)


def test_quantity_routes_shared_and_per_party():
    shared = Quantity.model_validate({"value": 0.2, "source": "s"})
    assert shared.for_party("anyone").value == 0.2
    per = Quantity.model_validate({"a": {"value": 1, "source": "s"}, "b": {"dist": "uniform", "low": 0, "high": 1, "source": "s"}})
    assert per.differs_by_party and per.for_party("a").value == 1
    with pytest.raises(ValueError):
        Quantity.model_validate(0.2)  # a bare number has no source


def test_describe_is_readable():
    assert describe(Lognormal(lo=1, hi=4, source="s")) == "lognormal, 90% in [1, 4]"
    assert "never" in describe(Uniform(low=1, high=2, p_never=0.1, source="s"))

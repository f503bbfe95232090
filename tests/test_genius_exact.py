"""Exact Pareto dominance on GENIUS domains.

Utilities are rationals (decimal weights and evaluations, normalised as GENIUS does).  Each
shipped domain's frontier is checked against exact enumeration written here from the XML with
:class:`fractions.Fraction`: brute force over all pairs of outcomes on domains of up to
``BRUTE_FORCE_MAX`` outcomes, and on larger ones an exact sweep on integer numerators (sort by
``u_a`` descending, keep the outcomes whose ``u_b`` beats every strictly larger ``u_a``).
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from zopa.analysis import analyze_genius
from zopa.bargain.frontier import pareto_mask, pareto_mask_exact
from zopa.genius import ExactUtilities, GeniusDomain, exact_utilities, load_genius, utilities

GENIUS_DIR = Path(os.environ.get("ZOPA_GENIUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "genius"))
needs_data = pytest.mark.skipif(
    not GENIUS_DIR.is_dir(), reason=f"GENIUS domains not found in {GENIUS_DIR}; set ZOPA_GENIUS_DIR to the folder")

FILES = {
    "Laptop": ("laptop_domain.xml", "laptop_buyer_utility.xml", "laptop_seller_utility.xml"),
    "ItexvsCypress": ("ItexvsCypress_domain.xml", "ItexvsCypress_Itex.xml", "ItexvsCypress_Cypress.xml"),
    "EnglandZimbabwe": ("EnglandZimbabwe_domain.xml", "England.xml", "Zimbabwe.xml"),
    "Travel": ("travel_domain.xml", "travel_chox.xml", "travel_fanny.xml"),
}
#: The exact frontier sizes (outcomes no outcome dominates, duplicates counted) of each domain.
FRONTIER = {"Laptop": 4, "ItexvsCypress": 18, "EnglandZimbabwe": 25, "Travel": 12}
BRUTE_FORCE_MAX = 1_000


def files(name: str) -> tuple[Path, Path, Path]:
    folder = GENIUS_DIR / name
    return tuple(folder / f for f in FILES[name])  # type: ignore[return-value]


def exact_tables(profile: Path, domain: GeniusDomain) -> list[list[Fraction]]:
    """``W_i e_i(v)`` per issue (domain order) and value, from the XML, in exact arithmetic."""
    space = ET.parse(profile).getroot()
    evals, weights, names = {}, {}, {}
    for issue in space.iter("issue"):
        raw = {item.get("value"): Fraction(item.get("evaluation")) for item in issue.iter("item")}
        top = max(raw.values())
        index = int(issue.get("index"))
        names[issue.get("name")] = index
        evals[index] = {v: (e / top if top >= Fraction(1, 100_000) else Fraction(0)) for v, e in raw.items()}
    for weight in space.iter("weight"):
        weights[int(weight.get("index"))] = Fraction(weight.get("value"))
    total = sum(weights[i] for i in evals)
    return [[weights[names[issue]] / total * evals[names[issue]][v] for v in values]
            for issue, values in zip(domain.issues, domain.values, strict=True)]


def grid_sum(tables: list[list[Fraction]], shape: tuple[int, ...]) -> np.ndarray:
    """``sum_i table_i[w_i]`` over the outcome grid (C order), element type of the tables."""
    total = np.zeros(shape, dtype=object)
    for axis, row in enumerate(tables):
        view = [1] * len(shape)
        view[axis] = -1
        total = total + np.array(row, dtype=object).reshape(view)
    return total.reshape(-1)


def brute_force_frontier(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``k`` is on the frontier when no ``j`` has ``a_j >= a_k, b_j >= b_k``, one strictly (all pairs)."""
    ge = (a[:, None] >= a[None, :]) & (b[:, None] >= b[None, :])
    gt = (a[:, None] > a[None, :]) | (b[:, None] > b[None, :])
    return ~np.any(ge & gt, axis=0)


def sweep_frontier(a: list[int], b: list[int]) -> np.ndarray:
    """The exact frontier by one pass over outcomes sorted by ``a`` descending (integers)."""
    order = sorted(range(len(a)), key=lambda k: (-a[k], -b[k]))
    front = np.zeros(len(a), dtype=bool)
    best_above: int | None = None  # best b among strictly larger a
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and a[order[j]] == a[order[i]]:
            j += 1
        top = b[order[i]]  # the group's largest b (sorted by -b within the group)
        for k in order[i:j]:
            front[k] = b[k] == top and (best_above is None or b[k] > best_above)
        best_above = top if best_above is None else max(best_above, top)
        i = j
    return front


def exact_frontier(name: str) -> tuple[GeniusDomain, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    domain = load_genius(*files(name))
    tables = [exact_tables(p, domain) for p in files(name)[1:]]
    if domain.n_outcomes <= BRUTE_FORCE_MAX:
        a, b = (grid_sum(t, domain.shape) for t in tables)
        return domain, brute_force_frontier(a, b), (a, b)
    ints = []
    for t in tables:  # integers over a common denominator: exact and fast to sum
        d = math.lcm(*(x.denominator for row in t for x in row))
        ints.append(grid_sum([[int(x * d) for x in row] for row in t], domain.shape))
    return domain, sweep_frontier(list(ints[0]), list(ints[1])), (ints[0], ints[1])


@needs_data
@pytest.mark.parametrize("name", list(FILES))
def test_frontier_size_equals_exact_enumeration(name: str) -> None:
    domain, exact, values = exact_frontier(name)
    ua, ub = utilities(domain)
    mask = pareto_mask(ua, ub)
    assert int(exact.sum()) == FRONTIER[name]
    np.testing.assert_array_equal(mask, exact)
    np.testing.assert_array_equal(pareto_mask_exact(*values), exact)
    analysis = analyze_genius(domain)  # the reservation values are 0: the whole frontier is rational
    assert domain.reservation_values == (0.0, 0.0)
    assert sorted(analysis.frontier.tolist()) == np.flatnonzero(exact).tolist()


@needs_data
@pytest.mark.parametrize("name", list(FILES))
def test_exact_utilities_match_an_independent_reading(name: str) -> None:
    domain = load_genius(*files(name))
    ours = exact_utilities(domain)
    floats = utilities(domain)
    rng = np.random.default_rng(np.random.SeedSequence(11))
    tables = [exact_tables(p, domain) for p in files(name)[1:]]
    picks = rng.integers(0, domain.n_outcomes, 200)
    for exact, table, u in zip(ours, tables, floats, strict=True):
        for k in picks:
            position = np.unravel_index(int(k), domain.shape)
            by_hand = sum((row[i] for row, i in zip(table, position, strict=True)), Fraction(0))
            assert exact.value(int(k)) == by_hand
            assert abs(Fraction(float(u[k])) - by_hand) <= Fraction(2) ** -52  # within an ulp or two of [0, 1]


def write_domain(folder: Path, a: list[list[str]], b: list[list[str]]) -> tuple[Path, Path, Path]:
    """A domain of len(a) issues, equal weights, the given evaluations (decimal strings) per value."""
    issues = "".join(
        f'<issue index="{i}" name="i{i}" type="discrete">'
        + "".join(f'<item index="{j}" value="v{j}"/>' for j in range(len(row))) + "</issue>"
        for i, row in enumerate(a))
    domain = folder / "domain.xml"
    domain.write_text(f'<negotiation_template><utility_space><objective index="0" name="o">{issues}'
                      "</objective></utility_space></negotiation_template>")
    out = []
    for party, tables in (("pa", a), ("pb", b)):
        body = "".join(
            f'<issue index="{i}" name="i{i}" type="discrete">'
            + "".join(f'<item index="{j}" value="v{j}" evaluation="{e}"/>' for j, e in enumerate(row))
            + f'</issue><weight index="{i}" value="1"/>' for i, row in enumerate(tables))
        path = folder / f"{party}.xml"
        path.write_text(f'<utility_space><objective index="0" name="o">{body}</objective></utility_space>')
        out.append(path)
    return domain, out[0], out[1]


def float_sum(domain: GeniusDomain) -> tuple[np.ndarray, np.ndarray]:
    """The plain floating-point utilities: weight times value utility, summed issue by issue."""
    out = []
    for profile in domain.profiles:
        total = np.zeros(domain.shape)
        for axis, (w, table) in enumerate(zip(profile.weights, profile.evaluations, strict=True)):
            view = [1] * len(domain.shape)
            view[axis] = -1
            total = total + w * np.asarray(table).reshape(view)
        out.append(total.reshape(-1))
    return out[0], out[1]


def test_equal_utilities_that_floats_split_stay_equal(tmp_path: Path) -> None:
    """Three issues of equal weight: sums of thirds in different orders differ by an ulp in floats,
    which leaves an outcome the exact values dominate on the float frontier (7 points, exactly 6)."""
    a = [["0.2", "0.3", "0.3", "1"], ["1", "0.6", "1", "0.4"], ["1", "0.7", "1", "0.1"]]
    b = [["1", "0.2", "0.3", "0.3"], ["0.9", "0.7", "0.2", "1"], ["0.3", "0.7", "0.6", "1"]]
    domain = load_genius(*write_domain(tmp_path, a, b))
    naive = float_sum(domain)
    exact = [grid_sum([[Fraction(1, 3) * Fraction(e) for e in row] for row in t], domain.shape) for t in (a, b)]
    truth = brute_force_frontier(*exact)
    assert int(pareto_mask(*naive).sum()) == 7 and int(truth.sum()) == 6
    np.testing.assert_array_equal(pareto_mask(*utilities(domain)), truth)
    ea, eb = exact_utilities(domain)
    assert [ea.value(k) for k in range(domain.n_outcomes)] == list(exact[0])


def test_doubles_keep_the_exact_order_when_rounding_would_merge_values() -> None:
    big = 10**30
    u = ExactUtilities(np.array([big // 2, big // 2 + 1, big // 2, 0], dtype=object), big)
    f = u.as_float()
    assert f[0] == f[2] == 0.5 and f[1] == np.nextafter(0.5, 1.0) and f[3] == 0.0
    assert pareto_mask(f, -f).all()  # no spurious dominance among them

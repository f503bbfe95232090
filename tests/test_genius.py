"""GENIUS/ANAC import, checked by hand and against NegMAS on four ANAC domains.

The domains are read from ``$ZOPA_GENIUS_DIR``, by default ``shared/genius`` beside the repository
(where CI puts it); under CI (``CI=true``) missing domains fail the tests instead of skipping them.
NegMAS is fed utility tables computed here from the XML with GENIUS's own
semantics (each evaluation divided by its issue's highest evaluation, weights
normalised), not through its loader.

Definitions compared (NegMAS 0.16, ``negmas.preferences.ops``):

- ``pareto_frontier(ufuns, outcomes)``: the rational Pareto frontier; compared as
  a set of utility pairs (NegMAS keeps one copy of duplicated pairs).
- ``nash_points``: maximises the product of gains over the first entry of
  ``ranges``, which is the reserved value when that is at least the range's
  minimum; so we pass ``ranges = [(reservation, ideal)]``.
- ``kalai_points`` maximises the smallest *absolute* gain: our egalitarian solution.
- ``ks_points`` minimises the spread between the normalised gains, while our
  Kalai–Smorodinsky maximises the smallest normalised gain. On a finite frontier
  both pick one of the two points either side of the line from d to the ideal
  point; they coincide on these domains and differ in
  ``test_solutions.test_ks_differs_from_negmas_closest_gains_point``.
"""

from __future__ import annotations

import itertools
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from zopa.bargain import pareto_frontier, rational_frontier, solve_all
from zopa.genius import GeniusDomain, GeniusFormatError, load_genius, outcome, utilities

GENIUS_DIR = Path(os.environ.get("ZOPA_GENIUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "genius"))
if os.environ.get("CI") == "true" and not GENIUS_DIR.is_dir():
    raise RuntimeError(f"GENIUS domains not found in {GENIUS_DIR}; set ZOPA_GENIUS_DIR")
needs_data = pytest.mark.skipif(not GENIUS_DIR.is_dir(), reason=f"GENIUS domains not found in {GENIUS_DIR}")

FILES = {
    "Laptop": ("laptop_domain.xml", "laptop_buyer_utility.xml", "laptop_seller_utility.xml"),
    "ItexvsCypress": ("ItexvsCypress_domain.xml", "ItexvsCypress_Itex.xml", "ItexvsCypress_Cypress.xml"),
    "EnglandZimbabwe": ("EnglandZimbabwe_domain.xml", "England.xml", "Zimbabwe.xml"),
    "Travel": ("travel_domain.xml", "travel_chox.xml", "travel_fanny.xml"),
}
SIZES = {"Laptop": 27, "ItexvsCypress": 180, "EnglandZimbabwe": 576, "Travel": 188_160}
FAST = ["Laptop", "ItexvsCypress", "EnglandZimbabwe"]
ALL = [*FAST, pytest.param("Travel", marks=pytest.mark.slow)]


def paths(name: str) -> tuple[Path, Path, Path]:
    domain, a, b = FILES[name]
    folder = GENIUS_DIR / name
    return folder / domain, folder / a, folder / b


def load(name: str) -> GeniusDomain:
    return load_genius(*paths(name))


def tables_from_xml(profile: Path) -> tuple[list[dict[str, float]], list[float]]:
    """GENIUS-normalised value tables and weights, by issue index order."""
    space = ET.parse(profile).getroot()
    tables, weights = {}, {}
    for issue in space.iter("issue"):
        raw = {item.get("value"): float(item.get("evaluation")) for item in issue.iter("item")}
        top = max(raw.values())
        tables[int(issue.get("index"))] = {value: e / top for value, e in raw.items()}
    for weight in space.iter("weight"):
        weights[int(weight.get("index"))] = float(weight.get("value"))
    order = sorted(tables)
    total = sum(weights[i] for i in order)
    return [tables[i] for i in order], [weights[i] / total for i in order]


def negmas_ufuns(domain: GeniusDomain, profiles: tuple[Path, Path], reservations: tuple[float, float]) -> list:
    from negmas.outcomes import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    issues = [make_issue(list(values), name=name) for name, values in zip(domain.issues, domain.values)]
    ufuns = []
    for path, reservation in zip(profiles, reservations):
        tables, weights = tables_from_xml(path)
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=[TableFun(t) for t in tables], weights=weights, issues=issues, reserved_value=reservation
            )
        )
    return ufuns


def rounded(pairs) -> set[tuple[float, float]]:
    return {(round(float(x), 9), round(float(y), 9)) for x, y in pairs}


@needs_data
@pytest.mark.parametrize("name", list(FILES))
def test_tables_match_an_independent_reading(name: str) -> None:
    domain = load(name)
    assert domain.n_outcomes == SIZES[name]
    for profile, path in zip(domain.profiles, paths(name)[1:]):
        tables, weights = tables_from_xml(path)
        assert profile.name == path.stem
        assert profile.weights == pytest.approx(weights, abs=1e-15)
        for values, evaluations, table in zip(domain.values, profile.evaluations, tables):
            assert evaluations == pytest.approx([table[v] for v in values], abs=1e-15)


@needs_data
@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("disagreement", ["reservation", "raised"])
def test_peer_negmas(name: str, disagreement: str) -> None:
    import negmas.preferences.ops as ops
    domain = load(name)
    d = domain.reservation_values if disagreement == "reservation" else (0.55, 0.5)
    ufuns = negmas_ufuns(domain, paths(name)[1:], d)
    outcomes = list(itertools.product(*domain.values))
    ua, ub = utilities(domain)
    theirs = np.array([[u(o) for u in ufuns] for o in outcomes])
    np.testing.assert_allclose(np.column_stack([ua, ub]), theirs, rtol=0, atol=1e-12)

    points, _ = ops.pareto_frontier(ufuns, outcomes=outcomes)
    ours = rational_frontier(ua, ub, *d)
    assert len(points) > 0
    assert rounded(points) == rounded(zip(ua[ours], ub[ours]))

    ideal = (float(ua[ours].max()), float(ub[ours].max()))
    ranges = [(d[0], ideal[0]), (d[1], ideal[1])]
    chosen = solve_all(ua, ub, *d)
    for key, negmas_points in [
        ("nash", ops.nash_points(ufuns, points, ranges=ranges)),
        ("egalitarian", ops.kalai_points(ufuns, points, ranges=ranges)),
        ("kalai_smorodinsky", ops.ks_points(ufuns, points, ranges=ranges)),
    ]:
        k = chosen[key]
        assert rounded([(ua[k], ub[k])]) <= rounded(p for p, _ in negmas_points), key


@needs_data
def test_travel_frontier_fast_peer() -> None:
    """Travel without NegMAS's per-outcome evaluation: its vectorised frontier on our utilities."""
    import negmas.preferences.ops as ops
    ua, ub = utilities(load("Travel"))
    theirs = ops.pareto_frontier_numpy(np.column_stack([ua, ub]))
    ours = pareto_frontier(ua, ub)
    assert rounded(zip(ua[ours], ub[ours])) == rounded(zip(ua[theirs], ub[theirs]))
    rng = np.random.default_rng(np.random.SeedSequence(3))
    domain = load("Travel")
    tables = [tables_from_xml(p) for p in paths("Travel")[1:]]
    for k in rng.integers(0, ua.size, 200):
        point = outcome(domain, int(k))
        for u, (table, weights) in zip((ua, ub), tables):
            by_hand = sum(w * t[point[i]] for w, t, i in zip(weights, table, domain.issues))
            assert u[k] == pytest.approx(by_hand, abs=1e-12)


@needs_data
def test_laptop_by_hand() -> None:
    domain = load("Laptop")
    assert domain.issues == ("Laptop", "Harddisk", "External Monitor")
    assert domain.parties == ("laptop_buyer_utility", "laptop_seller_utility")
    assert domain.reservation_values == (0.0, 0.0)
    assert domain.discount_factors == (0.42441038, 0.42441038)
    # Outcome 5 in C order over (3, 3, 3): (Dell, 80 Gb, 23'' LCD).
    assert outcome(domain, 5) == {"Laptop": "Dell", "Harddisk": "80 Gb", "External Monitor": "23'' LCD"}
    ua, ub = utilities(domain)
    w = (0.4452125771655631, 0.37808251708013424, 0.1767567099260568)  # sums to 1.0000518
    assert ua[5] == pytest.approx((w[0] * 12 / 30 + w[1] * 20 / 30 + w[2] * 20 / 30) / sum(w), abs=1e-15)
    # Seller: weights permuted, monitor evaluations 3, 2, 1 divided by 3.
    assert ub[5] == pytest.approx((w[1] * 12 / 30 + w[2] * 30 / 30 + w[0] * 1 / 3) / sum(w), abs=1e-15)


@needs_data
def test_reservation_and_discount_are_read(tmp_path: Path) -> None:
    domain_path, a, b = paths("ItexvsCypress")
    text = a.read_text().replace('<reservation value="0" />', '<reservation value="0.35" />')
    text = text.replace("</objective>", '</objective>\n<discount_factor value="0.9"/>')
    (tmp_path / "itex.xml").write_text(text)
    domain = load_genius(domain_path, tmp_path / "itex.xml", b)
    assert domain.reservation_values == (0.35, 0.0)
    assert domain.discount_factors == (0.9, 1.0)
    assert domain.parties == ("itex", "ItexvsCypress_Cypress")


@needs_data
def test_outcome_order_is_c_order() -> None:
    domain = load("ItexvsCypress")
    expected = list(itertools.product(*domain.values))
    for k in (0, 1, 37, 179):
        assert tuple(outcome(domain, k).values()) == expected[k]
    for bad in (-1, 180, 2.5):
        with pytest.raises(ValueError, match="outcome index"):
            outcome(domain, bad)  # type: ignore[arg-type]


DOMAIN = """<negotiation_template><utility_space><objective index="0" name="root" type="objective">
<issue index="1" name="Colour" type="discrete"><item index="1" value="red"/><item index="2" value="blue"/></issue>
<issue index="2" name="Units" type="integer" lowerbound="0" upperbound="4"/>
</objective></utility_space></negotiation_template>"""

PROFILE = """<utility_space><reservation value="0.25"/><objective index="0" name="root" type="objective">
<issue index="1" name="Colour" type="discrete">
  <item index="1" value="red" evaluation="{red}"/><item index="2" value="blue" evaluation="8"/></issue>
<issue index="2" name="{units}" type="integer" lowerbound="0" upperbound="4">
  <evaluator ftype="linear" slope="0.3" offset="0.1"/></issue>
<weight index="1" value="3"/>{weight2}
</objective></utility_space>"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def write_case(tmp_path: Path, red: str = "2", units: str = "Units", weight2: str = '<weight index="2" value="1"/>'):
    domain = write(tmp_path, "domain.xml", DOMAIN)
    good = write(tmp_path, "good.xml", PROFILE.format(red=2, units="Units", weight2='<weight index="2" value="1"/>'))
    other = write(tmp_path, "other.xml", PROFILE.format(red=red, units=units, weight2=weight2))
    return domain, good, other


def test_integer_issue_by_hand(tmp_path: Path) -> None:
    domain = load_genius(*write_case(tmp_path))
    assert domain.values == (("red", "blue"), (0, 1, 2, 3, 4))
    assert domain.reservation_values == (0.25, 0.25)
    ua, _ = utilities(domain)
    units = np.clip(0.1 + 0.3 * np.arange(5), 0, 1)  # GENIUS clips to [0, 1]
    expected = 0.75 * np.array([[2 / 8], [1.0]]) + 0.25 * units
    np.testing.assert_allclose(ua, expected.ravel(), atol=1e-15)
    assert outcome(domain, 7) == {"Colour": "blue", "Units": 2}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"red": "-1"}, "should be >= 0"),
        ({"red": "lots"}, "should be a number"),
        ({"units": "Quantity"}, "is named 'Quantity'"),
        ({"weight2": ""}, "no <weight index=\"2\">"),
        ({"weight2": '<weight index="2" value="1"/><weight index="9" value="1"/>'}, "not in the domain"),
    ],
)
def test_profile_that_does_not_fit_the_domain(tmp_path: Path, kwargs: dict, message: str) -> None:
    domain, good, bad = write_case(tmp_path, **kwargs)
    with pytest.raises(GeniusFormatError, match=message) as caught:
        load_genius(domain, good, bad)
    assert str(bad) in str(caught.value)


def test_profile_values_must_match(tmp_path: Path) -> None:
    domain, good, _ = write_case(tmp_path)
    missing = write(tmp_path, "missing.xml", good.read_text().replace('<item index="1" value="red" evaluation="2"/>', ""))
    with pytest.raises(GeniusFormatError, match=r"missing: \['red'\]"):
        load_genius(domain, good, missing)
    extra = write(tmp_path, "extra.xml", good.read_text().replace('value="red"', 'value="green"'))
    with pytest.raises(GeniusFormatError, match=r"not in domain: \['green'\]"):
        load_genius(domain, good, extra)


def test_bad_files(tmp_path: Path) -> None:
    domain, good, _ = write_case(tmp_path)
    assert issubclass(GeniusFormatError, ValueError)
    with pytest.raises(GeniusFormatError, match="nowhere.xml: file not found"):
        load_genius(tmp_path / "nowhere.xml", good, good)
    broken = write(tmp_path, "broken.xml", "<utility_space><issue>")
    with pytest.raises(GeniusFormatError, match="broken.xml: not well-formed XML"):
        load_genius(domain, good, broken)
    empty = write(tmp_path, "empty.xml", "<negotiation_template/>")
    with pytest.raises(GeniusFormatError, match="empty.xml: no <issue> elements"):
        load_genius(empty, good, good)
    real = write(tmp_path, "real.xml", DOMAIN.replace('type="integer"', 'type="real"'))
    with pytest.raises(GeniusFormatError, match="real.xml: issue 'Units' is real-valued"):
        load_genius(real, good, good)
    not_profile = write(tmp_path, "not_profile.xml", "<something><issue index='1' name='Colour'/></something>")
    with pytest.raises(GeniusFormatError, match="not_profile.xml: no <utility_space>"):
        load_genius(domain, good, not_profile)


@needs_data
def test_weights_attach_by_index_not_position(tmp_path: Path) -> None:
    domain_path, a, b = paths("Laptop")
    text = b.read_text()
    weights = [line for line in text.splitlines(keepends=True) if line.startswith("<weight")]
    closers = "</weight>\n"
    assert len(weights) == 3 and text.count("<weight") == 3
    reordered = text
    for line in weights:
        reordered = reordered.replace(line + closers, "")
    reordered = reordered.replace("</objective>", "".join(w + closers for w in weights[::-1]) + "</objective>")
    assert reordered != text
    shuffled = write(tmp_path, "seller.xml", reordered)
    np.testing.assert_array_equal(utilities(load_genius(domain_path, a, shuffled))[1], utilities(load(name="Laptop"))[1])

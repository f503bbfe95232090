"""Threats on scenarios: paired standard errors, bargaining after a carried-out threat, threats
by both parties (sequential game and Nash's variable-threat game).

A small synthetic scenario with exact per-path values makes every figure derivable by hand:
parties a (threatens: ``sue``) and b (threatens: ``cut_off``), packages valued (a, b) at

    sq (10, 10)   a_win (16, 4)   b_win (6, 12)   baseline (13, 14)   concession (15, 11)

``sue`` costs a 1 and succeeds with a's odds 0.6, b's 0.4 (→ a_win, else sq); ``cut_off``
costs b 0.5, odds a 0.5, b 0.8 (→ b_win, else sq).  In court b wins with a's odds 0.3, b's 0.5,
each side paying 0.2.  Per-path values share a common factor, so paired standard errors are far
below the unpaired ones.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from zopa.analysis import DealProblem
from zopa.threats.game import Chance, Decision, Game, GameTreeError, Terminal, backward_induction, walk
from zopa.threats.paths import paired_se
from zopa.threats.scenario import analyze_threats, build_threat_game
from zopa.threats.variable_scenario import analyze_variable_threats, threat_sets
from zopa.value import Valuation

N = 4000
MEANS = {"sq": (10, 10), "a_win": (16, 4), "b_win": (6, 12), "baseline": (13, 14), "concession": (15, 11)}


class Q:
    """A scenario quantity: one number, or one per party."""

    def __init__(self, value: float | dict[str, float]) -> None:
        self.value = value

    def for_party(self, party: str) -> np.ndarray:
        return np.array([self.value[party] if isinstance(self.value, dict) else self.value])


def scenario(moves: tuple[str, ...] = ("sue", "cut_off")) -> SimpleNamespace:
    all_moves = {
        "sue": SimpleNamespace(label="Sue", by="a", cost=Q(1.0), success=Q({"a": 0.6, "b": 0.4}),
                               if_success="a_win", if_failure="sq"),
        "cut_off": SimpleNamespace(label="Cut off supply", by="b", cost=Q(0.5), success=Q({"a": 0.5, "b": 0.8}),
                                   if_success="b_win", if_failure="sq"),
    }
    threats = SimpleNamespace(baseline="baseline", moves={m: all_moves[m] for m in moves},
                              responses=SimpleNamespace(concede="concession", litigate_win=Q({"a": 0.3, "b": 0.5}),
                                                        litigate_cost=Q(0.2)))
    return SimpleNamespace(
        party_ids=["a", "b"],
        parties={p: SimpleNamespace(name=p.upper(), risk_aversion=None) for p in "ab"},
        meta=SimpleNamespace(status_quo="sq"),
        packages={k: SimpleNamespace(label=k) for k in MEANS},
        threats=threats,
        other=lambda p: "b" if p == "a" else "a",
    )


def valuation(s: SimpleNamespace, seed: int = 1) -> Valuation:
    """Per-path values mean + 3 z + 0.3 e_k (exact sample means; z common to all packages)."""
    rng = np.random.default_rng(seed)
    z = {p: rng.standard_normal(N) for p in "ab"}
    values = {}
    for k, (ma, mb) in MEANS.items():
        for p, m in (("a", ma), ("b", mb)):
            x = 3.0 * z[p] + 0.3 * rng.standard_normal(N)
            values[(k, p, p)] = m + x - x.mean()
            values[(k, p, s.other(p))] = values[(k, p, p)]
    return Valuation(scenario=s, seed=seed, n_paths=N, packages=tuple(MEANS), values=values, terms={})  # type: ignore[arg-type]


def problem() -> DealProblem:
    """Three packages (a, b): P0 (12, 15), P1 (14, 13), P2 (16, 10.5); BATNA the status quo."""
    return DealProblem(parties=("a", "b"), names=("A", "B"), utility=np.array([[12.0, 14.0, 16.0], [15.0, 13.0, 10.5]]),
                       batna=(10.0, 10.0), utility_se=np.full((2, 3), 0.1), labels=("P0", "P1", "P2"))


# --- paired standard errors in the game tree ---------------------------------------------------


def test_decision_margin_uses_paired_standard_error() -> None:
    rng = np.random.default_rng(0)
    z, e = rng.standard_normal(1000), rng.standard_normal(1000)
    a, b = 1.0 + 5 * z, 0.9 + 5 * z + 0.1 * e
    se = {"x": float(paired_se(a))}
    game = Game(("x", "y"), Decision("x", (
        ("a", Terminal({"x": a.mean(), "y": 0.0}, se, influence={"x": a, "y": np.zeros(1000)})),
        ("b", Terminal({"x": b.mean(), "y": 0.0}, se, influence={"x": b, "y": np.zeros(1000)})),
    )))
    choice = backward_induction(game).choice(())
    assert choice.paired and choice.action == "a"
    assert choice.margin_se == pytest.approx(np.std(a - b, ddof=1) / np.sqrt(1000))
    assert choice.margin_se < 0.01 < float(np.hypot(se["x"], se["x"]))  # unpaired: ~0.22
    assert choice.difference_se == {"a": 0.0, "b": pytest.approx(choice.margin_se)}
    assert not choice.within_noise


def test_chance_node_with_influence_values_has_the_exact_paired_error() -> None:
    x = np.array([1.0, 2.0, 4.0, 7.0])
    game = Game(("x", "y"), Chance((
        ("up", 0.25, Terminal({"x": 3.5, "y": 0.0}, influence={"x": x, "y": 0 * x})),
        ("down", 0.75, Terminal({"x": -3.5, "y": 0.0}, influence={"x": -x, "y": 0 * x})),
    )))
    solution = backward_induction(game)
    assert solution.value_se["x"] == pytest.approx(np.std(-0.5 * x, ddof=1) / 2)
    assert solution.value_influence["x"] == pytest.approx(-0.5 * x)


def test_influence_values_must_match_in_length() -> None:
    with pytest.raises(GameTreeError, match="same number of paths"):
        Game(("x", "y"), Decision("x", (("a", Terminal({"x": 0, "y": 0}, influence={"x": np.ones(3), "y": np.ones(3)})),
                                        ("b", Terminal({"x": 0, "y": 0}, influence={"x": np.ones(4), "y": np.ones(4)})))))
    with pytest.raises(GameTreeError, match="for each of"):
        Game(("x", "y"), Terminal({"x": 0, "y": 0}, influence={"x": np.ones(3)}))


# --- the sequential game -----------------------------------------------------------------------


def test_sequential_game_by_hand_and_paired_shortfall() -> None:
    """After ``sue`` succeeds b litigates (0.5*9.8 + 0.5*3.8 = 6.8 > 4); to a that is worth
    0.3*8.8 + 0.7*14.8 = 13.0, so carrying out is worth 0.6*13 + 0.4*9 = 11.4 < 13 (backing down
    to the baseline): not credible; b refuses and a accepts the baseline (ties go first)."""
    s = scenario(("sue",))
    v = valuation(s)
    t = analyze_threats(s, valuation=v)
    assert t.solution.path == ("accept baseline",) and t.solution.value == pytest.approx({"a": 13.0, "b": 14.0})
    carry = next(c for c in t.checks if c.threat == "carry out sue")
    assert not carry.credible and carry.shortfall == pytest.approx(1.6)
    x = {k: v.values[(k, "a", "a")] for k in MEANS}
    lottery = 0.6 * (0.3 * x["sq"] + 0.7 * x["a_win"]) + 0.4 * x["sq"]
    assert carry.shortfall_se == pytest.approx(paired_se(x["baseline"] - lottery))
    unpaired = np.hypot(v.estimate("baseline", "a").se, 0.6 * 0.3 * v.estimate("sq", "a").se)
    assert carry.shortfall_se < unpaired / 5
    assert not t.bargained and t.left_out == () and t.notes == ()
    # Without the baseline, b concedes (15, 11) rather than face 11.4 / 8.72: d = (15, 11),
    # a shift of (5, 1) from the status quo, with the paired SE of concession - status quo.
    assert t.disagreement_point == pytest.approx({"a": 15.0, "b": 11.0})
    assert t.shift["a"] == pytest.approx((5.0, v.difference("a", "concession", "sq").se))
    assert t.shift["b"] == pytest.approx((1.0, v.difference("b", "concession", "sq").se))


def test_bargaining_continues_after_a_carried_out_threat() -> None:
    """With the problem P0 (12, 15), P1 (14, 13), P2 (16, 10.5), costs sunk:

    * sue succeeds, b accepts: d = (15, 4); only P2 - (1, 0) = (15, 10.5) is rational → (15, 10.5);
    * b wins in court: d = (8.8, 9.8), packages less (1.2, 0.2): gains (2, 5), (4, 3), (6, 0.5),
      products 10, 12, 3 → P1: (12.8, 12.8);
    * b loses in court: d = (14.8, 3.8): only P2 → (14.8, 10.3);
    * sue fails: d = (9, 10), packages less (1, 0): products 10, 12, 3 → P1: (13, 13).

    b now litigates (0.5*12.8 + 0.5*10.3 = 11.55 > 10.5), worth 0.3*12.8 + 0.7*14.8 = 14.2 to a;
    carrying out is worth 0.6*14.2 + 0.4*13 = 13.72 > 13 to a and 0.4*11.55 + 0.6*13 = 12.42 > 11
    (conceding) to b: the threat becomes credible, b refuses and a carries it out."""
    s = scenario(("sue",))
    v = valuation(s)
    plain = build_threat_game(s, v)
    t = analyze_threats(s, valuation=v, problem=problem())
    assert [p for p, _ in walk(t.game.root)] == [p for p, _ in walk(plain.root)]  # same shape
    assert t.solution.path == ("threaten: sue", "refuse", "carry out sue")
    assert t.solution.value == pytest.approx({"a": 13.72, "b": 12.42})
    terminals = {p: n for p, n in walk(t.game.root) if isinstance(n, Terminal)}
    fails = terminals[("threaten: sue", "refuse", "carry out sue", "sue fails")]
    assert fails.payoffs == pytest.approx({"a": 13.0, "b": 13.0})
    assert fails.label.startswith("threat fails: sq") and fails.label.endswith("→ bargain: P1")
    assert terminals[("threaten: sue", "refuse", "back down")].payoffs == {"a": 13.0, "b": 14.0}
    assert next(c for c in t.checks if c.threat == "carry out sue").credible
    assert t.bargained and any("unpaired" in n for n in t.notes)
    # the disagreement game is the plain threat point, unchanged by the continuation
    assert t.disagreement_point == pytest.approx(analyze_threats(s, valuation=v).disagreement_point)


def test_post_threat_settlements_are_paired_given_their_paths() -> None:
    s = scenario(("sue",))
    v = valuation(s)
    rng = np.random.default_rng(5)
    extra = {(p, k): v.values[("sq", p, p)] - 10.0 + u + 0.2 * rng.standard_normal(N)
             for p, row in zip("ab", problem().utility) for k, u in enumerate(row)}
    t = analyze_threats(s, valuation=v, problem=problem(), problem_paths=lambda p, k: extra[(p, k)])
    assert t.solution.value_influence is not None and not any("unpaired" in n for n in t.notes)
    carry = t.solution.choice(("threaten: sue", "refuse"))
    assert carry.paired and carry.margin_se < 0.05


def test_the_other_partys_moves_are_left_to_the_variable_threat_game() -> None:
    s = scenario()
    t = analyze_threats(s, valuation=valuation(s))
    assert t.threatener == "a" and t.left_out == ("cut_off",)
    assert [name for name, _ in t.game.root.actions] == ["accept baseline", "walk away", "threaten: sue"]
    assert any("cut_off" in n and "variable-threat" in n for n in t.notes)


# --- Nash's variable-threat game on the scenario ----------------------------------------------


def test_variable_threat_game_by_hand() -> None:
    """d(sue, none) = (0.6*16 + 0.4*10 - 1, 0.4*4 + 0.6*10) = (12.6, 7.6);
    d(none, cut) = (0.5*6 + 0.5*10, 0.8*12 + 0.2*10 - 0.5) = (8, 11.1);
    d(sue, cut) = (10 + 2.6 - 2, 10 - 2.4 + 1.1) = (10.6, 8.7) (effects add up).
    D1 - D2 = [[0, -3.1], [5, 1.9]]: saddle at (sue, cut) with delta 1.9; the best joint value is
    the baseline's 27, so u = ((27 + 1.9)/2, (27 - 1.9)/2) = (14.45, 12.55)."""
    s = scenario()
    v = valuation(s)
    r = analyze_variable_threats(s, v)
    assert r.threats == (("no threat", "sue"), ("no threat", "cut_off")) == threat_sets(s)
    assert r.threat_point[0].ravel() == pytest.approx([10.0, 8.0, 12.6, 10.6])
    assert r.threat_point[1].ravel() == pytest.approx([10.0, 11.1, 7.6, 8.7])
    assert r.tu.game.saddle == (1, 1) and r.strategies() == {"a": {"sue": 1.0}, "b": {"cut_off": 1.0}}
    assert r.point == pytest.approx([10.6, 8.7]) and r.joint_package == "baseline"
    assert r.settlement == pytest.approx([14.45, 12.55])
    assert r.shift[:, 0, 0] == pytest.approx([0.0, 0.0]) and r.shift_se[:, 0, 0] == pytest.approx([0.0, 0.0])
    # paired SE of a shift = that of Valuation.difference, scaled by the weight on the package
    assert r.shift_se[0, 1, 0] == pytest.approx(0.6 * v.difference("a", "a_win", "sq").se)
    assert r.shift_se[1, 0, 1] == pytest.approx(0.8 * v.difference("b", "b_win", "sq").se)
    unpaired = 0.6 * np.hypot(v.estimate("a_win", "a").se, v.estimate("sq", "a").se)
    assert r.shift_se[0, 1, 0] < unpaired / 5
    x = {k: v.values[(k, "a", "a")] for k in MEANS}
    assert r.point_shift_se[0] == pytest.approx(paired_se(0.6 * x["a_win"] + 0.5 * x["b_win"] - 1.1 * x["sq"]))
    assert r.point_se[0] == pytest.approx(paired_se(0.6 * x["a_win"] + 0.5 * x["b_win"] - 0.1 * x["sq"]))
    assert r.settlement_paired and r.settlement_se.sum() > 0
    assert r.settlement.sum() == pytest.approx(27.0)
    text = "\n".join(r.lines({"a": "A", "b": "B"}))
    assert "A: Sue; B: Cut off supply" in text and "14.45" in text


def test_variable_threat_game_over_a_problem() -> None:
    """NBS per threat pair over P0 (12, 15), P1 (14, 13), P2 (16, 10.5):
    (none, none) d = (10, 10): products 10, 12, 3 → P1;  (sue, none) (12.6, 7.6): P0 irrational,
    7.56, 9.86 → P2;  (none, cut) (8, 11.1): 15.6, 11.4, — → P0;  (sue, cut) (10.6, 8.7):
    8.82, 14.62, 9.72 → P1.  Final payoffs [[(14, 13), (12, 15)], [(16, 10.5), (14, 13)]]: a's
    best reply is sue in both columns, b's cut_off in both rows — the equilibrium (sue, cut_off)
    settles on P1."""
    s = scenario()
    r = analyze_variable_threats(s, valuation(s), problem())
    assert r.finite is not None and r.finite.package.tolist() == [[1, 0], [2, 1]]
    [e] = r.equilibria
    assert e.threats == ("sue", "cut_off") and e.package == 1 and e.payoff == (14.0, 13.0)
    assert e.payoff_se == (0.1, 0.1) and e.terms == {"package": "P1"}
    assert r.joint_package == "P0" and r.settlement == pytest.approx([14.45, 12.55])  # S = 27, delta 1.9
    assert not r.settlement_paired
    assert "settles" not in " ".join(r.notes)


def test_variable_threats_need_the_outcome_packages() -> None:
    s = scenario()
    v = valuation(s)
    small = Valuation(scenario=s, seed=0, n_paths=N, packages=("sq",), values=v.values, terms={})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="a_win"):
        analyze_variable_threats(s, small)

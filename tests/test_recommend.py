"""One recommendation: the reconciled settlement, each side's target, opening and walk-away."""

from __future__ import annotations

import numpy as np
import pytest

from zopa.analysis import DealProblem, analyze_problem
from zopa.recommend import recommend


def line_problem(n: int = 101) -> DealProblem:
    """Split a pie of 10 on a grid: side 1 gets x, side 2 gets 10 − x; BATNAs 0; gain SEs 0.1."""
    x = np.linspace(0.0, 10.0, n)
    return DealProblem(("a", "b"), ("A", "B"), np.vstack([x, 10 - x]), (0.0, 0.0), gain_se=np.full((2, n), 0.1),
                       utility_se=np.full((2, n), 0.1))


def test_symmetric_nash_without_deadline_or_threats():
    rec = recommend(analyze_problem(line_problem()))
    assert rec.gain == pytest.approx((5.0, 5.0))
    assert rec.basis == "Nash on expected utilities"
    # each side opens at the far edge of the ZOPA: the other side's gain just clear of 2 SE
    assert rec.sides[0].opening_gain == pytest.approx(9.7) and rec.sides[1].opening_gain == pytest.approx(9.7)
    assert rec.sides[0].walk_away == 0.0
    assert rec.lines()[0].startswith("Predicted settlement")


def test_a_threat_point_moves_the_settlement_toward_the_threatener():
    analysis = analyze_problem(line_problem())
    plain = recommend(analysis)
    threatened = recommend(analysis, threat_point=(2.0, -1.0))
    # Nash from d = (2, −1) on u1 + u2 = 10: u1 = (10 + 2 + 1)/2 = 6.5
    assert threatened.gain[0] == pytest.approx(6.5) and threatened.gain[0] > plain.gain[0]
    assert threatened.threat_shift == (2.0, -1.0)
    assert threatened.sides[1].walk_away == -1.0  # no deal would now give B less than its BATNA
    lo, hi = threatened.gain_range[0]
    assert lo == pytest.approx(5.0) and hi == pytest.approx(6.5)


def test_no_zopa_no_recommendation():
    p = line_problem()
    p = DealProblem(p.parties, p.names, p.utility, (8.0, 8.0), gain_se=p.gain_se, utility_se=p.utility_se)
    assert recommend(analyze_problem(p)) is None


def test_builtin_main_job_leads_with_a_recommendation(builtin):
    from zopa.pipeline import JobSettings, run_job

    result = run_job(builtin, JobSettings(paths=1_500, space_paths=1_500, branch_paths=300, branch_space_paths=0))
    rec = result.recommendation
    assert rec is not None
    k = rec.package
    gains = result.analysis.problem.utility[:, k] - np.asarray(result.analysis.problem.batna)
    assert np.all(gains >= 0)  # individually rational
    assert rec.restructuring_premium is not None and sum(rec.restructuring_premium) > 0
    assert rec.terms and rec.bet is not None
    names = {v[0] for v in rec.views}
    assert {"symmetric Nash", "patience-weighted Nash", "simulated negotiation"} <= names
    assert [b.option for b in result.branches] == ["counts", "apart"]


@pytest.mark.parametrize("outside, expected", [(3.0, 5.0), (7.0, 7.0)])
def test_outside_option_principle(outside, expected):
    """A's outside option of 3 is below its Nash share of 5: it does not move the settlement (as it
    would if it were the disagreement point: (10 + 3)/2 = 6.5). An outside option of 7 binds."""
    p = line_problem()
    p = DealProblem(p.parties, p.names, p.utility, (outside, 0.0), batna_label=("rival offer", "status_quo"),
                    gain_se=p.gain_se, utility_se=p.utility_se, inside=(0.0, 0.0))
    rec = recommend(analyze_problem(p))
    assert p.utility[0, rec.package] == pytest.approx(expected)
    assert "outside options as bounds" in rec.basis


def test_a_settlement_at_the_edge_of_a_gridded_issue_is_flagged():
    from zopa.analysis import IssueSpec

    p = line_problem(11)
    share = IssueSpec("x", "A's share", tuple(str(i) for i in range(11)), ordered=True)
    p = DealProblem(p.parties, p.names, p.utility, (0.0, 0.0), gain_se=p.gain_se, utility_se=p.utility_se,
                    choices=np.arange(11)[:, None], issues=(share,))
    assert recommend(analyze_problem(p)).notes == ()
    rec = recommend(analyze_problem(p), threat_point=(9.0, -9.0))  # pushed to A's whole pie
    assert rec.choices == {"A's share": "10"} and "upper end" in rec.notes[0]

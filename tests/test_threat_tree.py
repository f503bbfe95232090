"""Threat games declared as a tree in the scenario (``[threats.tree]``): the fixed game compiles to
the same tree as the former builder, a declared tree is solved by backward induction under each
mover's beliefs, and a bad tree gives one line per problem."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from test_threat_bargaining import problem as small_problem
from test_threat_bargaining import scenario as small_scenario
from test_threat_bargaining import valuation as small_valuation
from zopa.cli import app
from zopa.scenario import ScenarioError, builtin_path, load_scenario, parse_scenario
from zopa.scenario.template import TEMPLATE
from zopa.threats.efg import to_efg
from zopa.threats.game import Chance, Decision, Game, Terminal, backward_induction, walk
from zopa.threats.paths import package_influence, quantity_mean
from zopa.threats.scenario import ProblemPaths, _settler, analyze_threats, build_threat_game, threat_packages
from zopa.threats.tree import from_fixed, scenario_graph
from zopa.value import Valuation, value_scenario


def reference_game(scenario: Any, valuation: Valuation, include_baseline: bool = True, problem: Any = None,
                   problem_paths: ProblemPaths | None = None) -> Game:
    """The fixed threat game as zopa built it before trees were declared (kept as the reference)."""
    t = scenario.threats
    parties = tuple(scenario.party_ids)
    threatener = next(iter(t.moves.values())).by
    responder = scenario.other(threatener)
    settle = None if problem is None else _settler(problem, parties, valuation, problem_paths)

    def outcome(package: str, label: str, costs: dict[str, float] | None = None) -> Terminal:
        costs = costs or {}
        values = {p: valuation.estimate(package, p).value - costs.get(p, 0.0) for p in parties}
        errors = {p: valuation.estimate(package, p).value_se for p in parties}
        paths = {p: package_influence(valuation, package, p) for p in parties}
        return Terminal(values, errors, label=f"{label}: {scenario.packages[package].label}", influence=paths)

    def carried_out(package: str, label: str, costs: dict[str, float]) -> Terminal:
        reached = outcome(package, label, costs)
        return reached if settle is None else settle(reached, costs)

    win = {p: quantity_mean(t.responses.litigate_win, p) for p in parties}
    court = {p: quantity_mean(t.responses.litigate_cost, p) for p in parties}
    root_actions: list[tuple[str, Any]] = []
    if include_baseline:
        root_actions.append((f"accept {t.baseline}", outcome(t.baseline, "baseline")))
    root_actions.append(("walk away", outcome(scenario.meta.status_quo, "no deal")))
    threats = set()
    for name, move in ((n, m) for n, m in t.moves.items() if m.by == threatener):
        cost = {threatener: quantity_mean(move.cost, threatener)}
        both = {p: cost.get(p, 0.0) + court[p] for p in parties}
        success = {p: quantity_mean(move.success, p) for p in parties}
        litigation = Chance(
            ((f"{responder} wins in court", win, carried_out(move.if_failure, "threat defeated", both)),
             (f"{responder} loses in court", {p: 1 - win[p] for p in parties},
              carried_out(move.if_success, "threat upheld", both))),
            label=f"court on {name}",
        )
        after_success = Decision(responder, (("accept", carried_out(move.if_success, "threat succeeds", cost)),
                                             ("litigate", litigation)),
                                 label=f"{responder} after {name} succeeds", threats=frozenset({"litigate"}))
        carried = Chance(((f"{name} succeeds", success, after_success),
                          (f"{name} fails", {p: 1 - success[p] for p in parties},
                           carried_out(move.if_failure, "threat fails", cost))), label=f"{name} carried out")
        fallback = (outcome(t.baseline, "backed down") if include_baseline
                    else outcome(scenario.meta.status_quo, "backed down"))
        follow = Decision(threatener, ((f"carry out {name}", carried), ("back down", fallback)),
                          label=f"{threatener} after refusal of {name}", threats=frozenset({f"carry out {name}"}))
        reply = Decision(responder, (("concede", outcome(t.responses.concede, "concession")), ("refuse", follow)),
                         label=f"{responder} answers {name}")
        root_actions.append((f"threaten: {name}", reply))
        threats.add(f"threaten: {name}")
    root = Decision(threatener, tuple(root_actions), label=f"{threatener} moves", threats=frozenset(threats))
    return Game(parties, root)


def same_solution(a: Game, b: Game) -> None:
    sa, sb = backward_induction(a), backward_induction(b)
    assert sa.path == sb.path and sa.value == sb.value and sa.value_se == sb.value_se
    assert [(c.path, c.action, c.margin, c.margin_se) for c in sa.choices] == \
        [(c.path, c.action, c.margin, c.margin_se) for c in sb.choices]


# --- the fixed game, compiled ------------------------------------------------------------------


@pytest.mark.parametrize("moves", [("sue",), ("sue", "cut_off")])
def test_fixed_game_compiles_to_the_former_tree(moves: tuple[str, ...]) -> None:
    s = small_scenario(moves)
    v = small_valuation(s)
    for include in (True, False):
        compiled = build_threat_game(s, v, include_baseline=include)
        assert compiled == reference_game(s, v, include_baseline=include)  # node for node, labels and payoffs
        same_solution(compiled, reference_game(s, v, include_baseline=include))
    with_problem = build_threat_game(s, v, problem=small_problem())
    assert with_problem == reference_game(s, v, problem=small_problem())
    same_solution(with_problem, reference_game(s, v, problem=small_problem()))


@pytest.fixture(scope="module")
def builtin():
    return load_scenario(builtin_path())


@pytest.fixture(scope="module")
def builtin_valuation(builtin):
    return value_scenario(builtin, 1000, 0, packages=threat_packages(builtin))


def test_builtin_case_gives_the_same_numbers_as_the_former_builder(builtin, builtin_valuation) -> None:
    v = builtin_valuation
    t = analyze_threats(builtin, valuation=v)
    assert t.game == reference_game(builtin, v)
    assert t.disagreement_game == reference_game(builtin, v, include_baseline=False)
    same_solution(t.game, reference_game(builtin, v))
    old = backward_induction(reference_game(builtin, v, include_baseline=False))
    assert t.disagreement.value == old.value and t.disagreement.path == old.path
    assert t.threatener == "openai" and t.graph is not None and t.graph.first_mover() == "openai"


#: The built-in fixed game restricted to the antitrust move, written out as a declared tree.
ANTITRUST_TREE = '''
[threats.tree]
root = "openai_moves"

[threats.tree.nodes.openai_moves]
kind = "decision"
player = "openai"
label = "openai moves"
actions = { "accept microsoft_counter" = "baseline", "walk away" = "no_deal", "threaten: antitrust" = "microsoft_answers" }
threats = ["threaten: antitrust"]

[threats.tree.nodes.baseline]
kind = "terminal"
package = "microsoft_counter"
label = "baseline"
deal = true

[threats.tree.nodes.no_deal]
kind = "terminal"
package = "status_quo"
label = "no deal"

[threats.tree.nodes.microsoft_answers]
kind = "decision"
player = "microsoft"
label = "microsoft answers antitrust"
actions = { concede = "concession", refuse = "openai_follows" }

[threats.tree.nodes.concession]
kind = "terminal"
package = "openai_offer"
label = "concession"

[threats.tree.nodes.openai_follows]
kind = "decision"
player = "openai"
label = "openai after refusal of antitrust"
actions = { "carry out antitrust" = "antitrust", "back down" = "backed_down" }
threats = ["carry out antitrust"]

[threats.tree.nodes.backed_down]
kind = "terminal"
package = "microsoft_counter"
label = "backed down"
if_no_deal = "status_quo"

[threats.tree.nodes.antitrust]
kind = "chance"
label = "antitrust carried out"
outcomes."antitrust succeeds" = { to = "microsoft_after_success", probability = { openai = { value = 0.35, source = "assume_threats" }, microsoft = { value = 0.15, source = "assume_threats" } } }
outcomes."antitrust fails" = { to = "fails" }

[threats.tree.nodes.microsoft_after_success]
kind = "decision"
player = "microsoft"
label = "microsoft after antitrust succeeds"
actions = { accept = "succeeds", litigate = "court" }
threats = ["litigate"]

[threats.tree.nodes.court]
kind = "chance"
label = "court on antitrust"
outcomes."microsoft wins in court" = { to = "defeated", probability = { openai = { value = 0.4, source = "assume_threats" }, microsoft = { value = 0.6, source = "assume_threats" } } }
outcomes."microsoft loses in court" = { to = "upheld" }

[threats.tree.nodes.succeeds]
kind = "terminal"
package = "exclusivity_struck_down"
label = "threat succeeds"
cost.openai = { value = 0.5, source = "assume_threats" }
bargain = true

[threats.tree.nodes.fails]
kind = "terminal"
package = "status_quo"
label = "threat fails"
cost.openai = { value = 0.5, source = "assume_threats" }
bargain = true

[threats.tree.nodes.defeated]
kind = "terminal"
package = "status_quo"
label = "threat defeated"
cost = { openai = { value = 0.8, source = "assume_threats" }, microsoft = { value = 0.3, source = "assume_threats" } }
bargain = true

[threats.tree.nodes.upheld]
kind = "terminal"
package = "exclusivity_struck_down"
label = "threat upheld"
cost = { openai = { value = 0.8, source = "assume_threats" }, microsoft = { value = 0.3, source = "assume_threats" } }
bargain = true
'''


def builtin_text_with(tree: str) -> str:
    """The built-in scenario with its ``[threats]`` tables replaced by ``tree``."""
    text = builtin_path().read_text(encoding="utf-8")
    start = text.index("\n[threats]\n")
    end = text.index("\n[bargaining]\n")
    return text[:start] + "\n" + tree + text[end:]


def test_a_declared_tree_reproduces_the_fixed_game(builtin, builtin_valuation) -> None:
    declared = parse_scenario(builtin_text_with(ANTITRUST_TREE), "tree.toml")
    assert declared.threats.tree is not None and declared.threats.moves == {}
    fixed = builtin.model_copy(update={"threats": builtin.threats.model_copy(
        update={"moves": {"antitrust": builtin.threats.moves["antitrust"]}})})
    v = builtin_valuation
    for include in (True, False):
        a = build_threat_game(declared, v, include_baseline=include)
        b = build_threat_game(fixed, v, include_baseline=include)
        assert [p for p, _ in walk(a.root)] == [p for p, _ in walk(b.root)]
        sa, sb = backward_induction(a), backward_induction(b)
        assert sa.path == sb.path
        assert sa.value == pytest.approx(sb.value, abs=1e-12) and sa.value_se == pytest.approx(sb.value_se, abs=1e-12)
    t = analyze_threats(declared, valuation=v)
    assert t.left_out == () and {c.threat for c in t.checks} == {
        "threaten: antitrust", "carry out antitrust", "litigate"}
    assert t.disagreement_point == pytest.approx(analyze_threats(fixed, valuation=v).disagreement_point, abs=1e-12)


def test_the_documented_example_gives_the_fixed_games_values(builtin, builtin_valuation) -> None:
    docs = (Path(__file__).parent.parent / "docs" / "model.md").read_text(encoding="utf-8")
    section = docs[docs.index("### 11.7 Declared game trees"):]
    example = section[section.index("```toml\n") + 8:section.index("\n```\n")]
    declared = parse_scenario(builtin_text_with(example), "docs.toml")
    fixed = builtin.model_copy(update={"threats": builtin.threats.model_copy(
        update={"moves": {"antitrust": builtin.threats.moves["antitrust"]}})})
    a, b = analyze_threats(declared, valuation=builtin_valuation), analyze_threats(fixed, valuation=builtin_valuation)
    assert a.solution.value == pytest.approx(b.solution.value, abs=1e-12)
    assert a.disagreement_point == pytest.approx(b.disagreement_point, abs=1e-12)
    assert [c.credible for c in a.checks] == [c.credible for c in b.checks]


# --- a declared tree in which both sides threaten ----------------------------------------------

#: The template's licence renewal: the customer threatens to switch, the vendor may counter-threaten
#: to cut support; a shared terminal; per-party odds; costs on both sides.
TEMPLATE_TREE = '''
[threats.tree]
root = "customer_opens"

[threats.tree.nodes.customer_opens]
kind = "decision"
player = "customer"
label = "customer opens"
actions = { "sign the renewal" = "renewal", "threaten to switch" = "vendor_answers" }
threats = ["threaten to switch"]

[threats.tree.nodes.vendor_answers]
kind = "decision"
player = "vendor"
label = "vendor answers"
actions = { "offer the renewal" = "renewal", "threaten to cut support" = "customer_follows" }
threats = ["threaten to cut support"]

[threats.tree.nodes.customer_follows]
kind = "decision"
player = "customer"
label = "customer after the counter-threat"
actions = { "switch" = "switching", "stay" = "stay" }
threats = ["switch"]

[threats.tree.nodes.switching]
kind = "chance"
label = "the switch"
outcomes.works = { to = "switched", probability = { vendor = { value = 0.3, source = "assumption" }, customer = { value = 0.7, source = "assumption" } } }
outcomes.fails = { to = "stay" }

[threats.tree.nodes.renewal]
kind = "terminal"
package = "renewal"
deal = true

[threats.tree.nodes.switched]
kind = "terminal"
package = "renewal"
label = "switched"
cost = { customer = { value = 0.05, source = "assumption" }, vendor = { value = 0.01, source = "assumption" } }

[threats.tree.nodes.stay]
kind = "terminal"
package = "status_quo"
label = "stayed"
'''


@pytest.fixture(scope="module")
def template_tree():
    s = parse_scenario(TEMPLATE + TEMPLATE_TREE, "template_tree.toml")
    return s, value_scenario(s, 400, 0)


def test_declared_tree_by_hand(template_tree) -> None:
    """Backward induction by hand: each side weighs the switch with its own odds, nets its costs."""
    s, v = template_tree
    V = {(k, p): v.estimate(k, p).value for k in ("renewal", "status_quo") for p in ("vendor", "customer")}
    switched = {"customer": V["renewal", "customer"] - 0.05, "vendor": V["renewal", "vendor"] - 0.01}
    odds = {"vendor": 0.3, "customer": 0.7}
    switching = {p: odds[p] * switched[p] + (1 - odds[p]) * V["status_quo", p] for p in odds}
    stay = {p: V["status_quo", p] for p in odds}
    follow = switching if switching["customer"] > stay["customer"] else stay
    answer = {p: V["renewal", p] for p in odds} if V["renewal", "vendor"] >= follow["vendor"] else follow
    root = {p: V["renewal", p] for p in odds} if V["renewal", "customer"] >= answer["customer"] else answer

    t = analyze_threats(s, valuation=v)
    assert t.solution.value == pytest.approx(root, abs=1e-12)
    assert t.threatener == "customer" and t.responder == "vendor"
    assert t.game.root.player == "customer"
    assert {(c.player, c.threat) for c in t.checks} == {
        ("customer", "threaten to switch"), ("vendor", "threaten to cut support"), ("customer", "switch")}
    switch = next(c for c in t.checks if c.threat == "switch")
    assert switch.credible == (switching["customer"] > stay["customer"])
    # Without the deal on the table (both actions to the renewal dropped) the vendor must counter-threaten.
    assert t.disagreement.path == ("threaten to switch", "threaten to cut support",
                                   "switch" if switch.credible else "stay")
    assert t.disagreement_point == pytest.approx(follow, abs=1e-12)
    for p in odds:
        assert t.shift[p][0] == pytest.approx(follow[p] - V["status_quo", p], abs=1e-12)
        assert t.shift[p][1] >= 0


def test_shared_nodes_unfold_under_each_parent(template_tree) -> None:
    s, v = template_tree
    game = build_threat_game(s, v)
    renewals = [path for path, node in walk(game.root) if isinstance(node, Terminal) and "Renewal" in node.label
                and path[-1] in ("sign the renewal", "offer the renewal")]
    assert len(renewals) == 2
    graph = scenario_graph(s)
    assert graph.packages() == {"renewal", "status_quo"} and graph.has_deal


def test_declared_tree_exports_to_gambit(template_tree) -> None:
    s, v = template_tree
    text = to_efg(build_threat_game(s, v), "Renewal", beliefs_of="customer")
    lines = text.splitlines()
    assert lines[0] == 'EFG 2 R "Renewal" { "vendor" "customer" }'
    body = [line for line in lines[3:] if line]
    assert [line[0] for line in body] == ["p", "t", "p", "t", "p", "c", "t", "t", "t"]
    assert body[0].startswith('p "customer opens" 2 1 ')
    assert body[2].startswith('p "vendor answers" 1 1 ')
    assert '"works" 7/10 "fails" 3/10' in body[5]
    assert '"works" 3/10 "fails" 7/10' in to_efg(build_threat_game(s, v), "Renewal")  # vendor's odds


def test_cli_threats_on_a_declared_tree(tmp_path: Path) -> None:
    path = tmp_path / "tree.toml"
    path.write_text(TEMPLATE + TEMPLATE_TREE, encoding="utf-8")
    efg = tmp_path / "tree.efg"
    result = CliRunner().invoke(app, ["threats", str(path), "--paths", "200", "--efg", str(efg)])
    assert result.exit_code == 0, result.output
    assert "customer decides (customer opens)" in result.stdout and "switch" in result.stdout
    assert efg.read_text(encoding="utf-8").startswith("EFG 2 R")


def test_a_tree_with_the_fixed_games_fields_is_refused() -> None:
    text = TEMPLATE + '\n[threats]\nbaseline = "renewal"\n' + TEMPLATE_TREE
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "both.toml")
    (problem,) = info.value.problems
    assert problem.path == "threats.baseline" and "belong to the fixed threat game" in problem.message


def test_without_a_tree_the_fixed_game_needs_its_fields() -> None:
    text = TEMPLATE + '\n[threats]\nbaseline = "renewal"\n'
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "fixed.toml")
    (problem,) = info.value.problems
    assert problem.path.startswith("threats") and "needs moves, responses" in problem.message


# --- bad trees: one line each -------------------------------------------------------------------

#: (edit of TEMPLATE_TREE, TOML path of the problem, part of its message, "did you mean" target or None)
BAD_TREES: dict[str, tuple[tuple[str, str], str, str, str | None]] = {
    "unknown package": (('package = "status_quo"', 'package = "status_qo"'),
                        "threats.tree.nodes.stay.package", "undefined package 'status_qo'", "status_quo"),
    "unknown if_no_deal package": (("deal = true", 'if_no_deal = "statusquo"'),
                                   "threats.tree.nodes.renewal.if_no_deal", "undefined package 'statusquo'", "status_quo"),
    "unknown party": (('player = "vendor"', 'player = "vendr"'),
                      "threats.tree.nodes.vendor_answers.player", "undefined party 'vendr'", "vendor"),
    "unknown cost party": (("vendor = { value = 0.01", "vendorx = { value = 0.01"),
                           "threats.tree.nodes.switched.cost.vendorx", "undefined party 'vendorx'", "vendor"),
    "unknown node": (('"stay" = "stay"', '"stay" = "stya"'),
                     "threats.tree.nodes.customer_follows.actions.stay", "undefined node 'stya'", "stay"),
    "unknown root": (('root = "customer_opens"', 'root = "customer_open"'),
                     "threats.tree.root", "undefined node 'customer_open'", "customer_opens"),
    "unknown threat": (('threats = ["switch"]', 'threats = ["swich"]'),
                       "threats.tree.nodes.customer_follows.threats", "undefined action 'swich'", "switch"),
    "cycle": (('"stay" = "stay"', '"stay" = "customer_opens"'),
              "threats.tree.nodes.customer_follows.actions.stay",
              "cycle customer_opens → vendor_answers → customer_follows → customer_opens", None),
    "missing actions": (('actions = { "switch" = "switching", "stay" = "stay" }', ""),
                        "threats.tree.nodes.customer_follows.actions", "needs at least one action", None),
    "probabilities do not sum to 1": (('outcomes.fails = { to = "stay" }',
                                       'outcomes.fails = { to = "stay", probability = { value = 0.2, source = "assumption" } }'),
                                      "threats.tree.nodes.switching.outcomes",
                                      "under vendor's beliefs the probabilities sum to 0.5; expected 1", None),
    "a probability above 1": (("customer = { value = 0.7", "customer = { value = 1.7"),
                              "threats.tree.nodes.switching.outcomes.works.probability.customer",
                              "expected a probability in [0, 1]", None),
    "probabilities above 1 before the rest": (
        ('outcomes.fails = { to = "stay" }',
         'outcomes.partly = { to = "stay", probability = { value = 0.8, source = "assumption" } }\n'
         'outcomes.fails = { to = "stay" }'),
        "threats.tree.nodes.switching.outcomes",
        "under vendor's beliefs the probabilities sum to 1.1 before 'fails' takes the rest; expected at most 1", None),
    "two outcomes take the rest": (("outcomes.works = { to = \"switched\", probability = { vendor = { value = 0.3, "
                                    "source = \"assumption\" }, customer = { value = 0.7, source = \"assumption\" } } }",
                                    'outcomes.works = { to = "switched" }'),
                                   "threats.tree.nodes.switching.outcomes.fails.probability",
                                   "only one outcome may take the rest", None),
    "unknown node kind": (('kind = "chance"', 'kind = "lottery"'),
                          "threats.tree.nodes.switching.kind", "unknown kind 'lottery'", None),
    "nothing left without the deal": (('"threaten to switch" = "vendor_answers"', '"threaten to switch" = "renewal"'),
                                      "threats.tree.nodes.customer_opens.actions",
                                      "every action leads to the deal on the table", None),
}


@pytest.mark.parametrize("case", list(BAD_TREES), ids=list(BAD_TREES))
def test_a_bad_tree_gives_one_clear_line(case: str, tmp_path: Path) -> None:
    (old, new), field, message, meant = BAD_TREES[case]
    assert old in TEMPLATE_TREE
    path = tmp_path / "bad.toml"
    path.write_text(TEMPLATE + TEMPLATE_TREE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = info.value.problems
    assert len(problems) == 1, "; ".join(map(str, problems))
    problem = problems[0]
    assert problem.path == field and message in problem.message, str(problem)
    if meant is not None:
        assert problem.suggestion == f"did you mean '{meant}'?"
    text = str(problem)
    assert "\n" not in text and text.startswith(str(path)) and field in text
    assert problem.line is not None
    key = re.split(r"[.\[]", field)[-1]
    line = path.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert key in line or field.rsplit(".", 1)[0].rsplit(".", 1)[-1] in line, (line, str(problem))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [text]


def test_fixed_graph_has_the_threateners_moves_only() -> None:
    s = small_scenario()
    graph = from_fixed(s)
    root = graph.nodes[graph.root]
    assert [a for a, _ in root.actions] == ["accept baseline", "walk away", "threaten: sue"]
    assert graph.first_mover() == "a" and graph.has_deal
    assert np.isclose(sum(p["a"] for _, p, _ in graph.nodes["sue/court"].outcomes), 1.0)

"""Threat games: backward induction on textbook games, noise flags, Gambit export."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from zopa.threats import (
    Chance,
    Decision,
    Game,
    GameTreeError,
    Terminal,
    backward_induction,
    credible_threats,
    to_efg,
)

E, I = "entrant", "incumbent"


def entry_game(fight: float = -1.0) -> Game:
    """Entrant stays out (0, 2) or enters; incumbent fights (-1, fight) or accommodates (1, 1)."""
    return Game((E, I), Decision(E, (
        ("stay out", Terminal({E: 0, I: 2}, label="out")),
        ("enter", Decision(I, (
            ("fight", Terminal({E: -1, I: fight}, label="war")),
            ("accommodate", Terminal({E: 1, I: 1}, label="share")),
        ), label="after entry", threats={"fight"})),
    ), label="entry"))


def centipede(stages: int) -> Game:
    """Pie 2**i at stage i; the taker gets 80 %, the other 20 %; passing at the end splits 2**n."""
    players = ("p1", "p2")

    def node(i: int) -> Decision | Terminal:
        mover, other = players[i % 2], players[(i + 1) % 2]
        if i == stages:
            return Terminal({mover: 0.8 * 2**i, other: 0.2 * 2**i}, label="end")
        take = Terminal({mover: 0.8 * 2**i, other: 0.2 * 2**i}, label=f"take {i}")
        return Decision(mover, (("take", take), ("pass", node(i + 1))), label=f"stage {i}")

    return Game(players, node(0))


def test_centipede_first_mover_takes_at_once() -> None:
    game = centipede(6)
    solution = backward_induction(game)
    assert solution.path == ("take",)
    assert solution.value == {"p1": 0.8, "p2": pytest.approx(0.2)}
    assert len(solution.choices) == 6
    assert all(c.action == "take" for c in solution.choices)
    assert [c.reached for c in solution.choices] == [True] + [False] * 5
    # Stage i: take 0.8 * 2**i versus 0.2 * 2**(i + 1) = 0.4 * 2**i after the next take.
    assert [c.margin for c in solution.choices] == pytest.approx([0.4 * 2**i for i in range(6)])
    assert not any(c.within_noise for c in solution.choices)


def test_entry_deterrence_spe_and_the_fight_threat_is_not_credible() -> None:
    game = entry_game()
    solution = backward_induction(game)
    # (stay out, fight) is a Nash equilibrium, but not subgame perfect.
    assert solution.path == ("enter", "accommodate")
    assert solution.value == {E: 1.0, I: 1.0}
    assert solution.strategy == {(): "enter", ("enter",): "accommodate"}
    [check] = credible_threats(game, solution)
    assert check.threat == "fight" and check.player == I and check.path == ("enter",)
    assert not check.credible and check.chosen == "accommodate"
    assert check.shortfall == 2.0 and check.reached and not check.within_noise


def test_a_profitable_fight_is_a_credible_threat_and_deters_entry() -> None:
    game = entry_game(fight=1.5)
    solution = backward_induction(game)
    assert solution.path == ("stay out",)
    [check] = credible_threats(game, solution)
    assert check.credible and check.shortfall == 0.0 and not check.reached
    assert solution.choice(("enter",)).margin == pytest.approx(0.5)


S, B = "supplier", "buyer"


def litigation_game(p_win_supplier: float, p_win_buyer: float) -> Game:
    """Buyer offers a price cut (1.2, 0.8) or holds; then the supplier sues or accepts (1, 1).

    Court: supplier wins (3, -1) or loses (-1, 2); each side has its own odds of a win.
    """
    court = Chance((
        ("supplier wins", {S: p_win_supplier, B: p_win_buyer}, Terminal({S: 3, B: -1})),
        ("supplier loses", {S: 1 - p_win_supplier, B: 1 - p_win_buyer}, Terminal({S: -1, B: 2})),
    ), label="court")
    respond = Decision(S, (("accept", Terminal({S: 1, B: 1})), ("sue", court)),
                       label="supplier responds", threats={"sue"})
    return Game((S, B), Decision(B, (("cut price", Terminal({S: 1.2, B: 0.8})),
                                     ("hold", respond)), label="buyer moves"))


def test_each_side_values_chance_under_its_own_beliefs() -> None:
    # Supplier believes 0.7: suing is worth 0.7*3 - 0.3 = 1.8 > 1, so it sues.  The buyer
    # believes 0.3: the lawsuit is worth -0.3 + 1.4 = 1.1 to it, above the 0.8 of a price cut,
    # so it holds and gets sued.
    optimist = backward_induction(litigation_game(0.7, 0.3))
    assert optimist.path == ("hold", "sue")
    assert optimist.value[S] == pytest.approx(1.8) and optimist.value[B] == pytest.approx(1.1)
    assert optimist.choice(("hold",)).action_values == {"accept": 1.0, "sue": pytest.approx(1.8)}

    # Shared odds 0.3: suing is worth 0.2 < 1 to the supplier; the buyer holds for 1.
    shared = backward_induction(litigation_game(0.3, 0.3))
    assert shared.path == ("hold", "accept")
    [check] = credible_threats(litigation_game(0.3, 0.3), shared)
    assert not check.credible and check.shortfall == pytest.approx(0.8)

    # Buyer fears the court (0.9): the lawsuit is worth 0.9*-1 + 0.1*2 = -0.7, so it cuts the price.
    fearful = backward_induction(litigation_game(0.7, 0.9))
    assert fearful.path == ("cut price",)
    assert fearful.choice(()).margin == pytest.approx(0.8 + 0.7)


def test_within_noise_when_margin_is_under_two_standard_errors() -> None:
    def game(se: float) -> Game:
        return Game(("x", "y"), Decision("x", (
            ("a", Terminal({"x": 1.0, "y": 0.0}, se={"x": se})),
            ("b", Terminal({"x": 0.9, "y": 0.0}, se={"x": se})),
        )))

    noisy = backward_induction(game(0.1)).choice(())
    assert noisy.action == "a" and noisy.runner_up == "b"
    assert noisy.margin == pytest.approx(0.1)
    assert noisy.margin_se == pytest.approx(0.1 * 2**0.5)
    assert noisy.within_noise
    assert not backward_induction(game(0.01)).choice(()).within_noise


def test_chance_node_standard_error_is_the_probability_weighted_sum() -> None:
    game = Game(("x", "y"), Chance((
        ("up", 0.25, Terminal({"x": 4.0, "y": 0.0}, se={"x": 0.4, "y": 0.1})),
        ("down", 0.75, Terminal({"x": 0.0, "y": 1.0}, se={"x": 0.2})),
    )))
    solution = backward_induction(game)
    assert solution.path == ()
    assert solution.value == {"x": 1.0, "y": 0.75}
    assert solution.value_se == {"x": pytest.approx(0.25), "y": pytest.approx(0.025)}


def test_ties_go_to_the_earlier_action() -> None:
    tie = Game(("x", "y"), Decision("x", (("left", Terminal({"x": 1, "y": 0})),
                                          ("right", Terminal({"x": 1, "y": 5})))))
    choice = backward_induction(tie).choice(())
    assert choice.action == "left" and choice.margin == 0.0 and not choice.within_noise


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Game(("x", "x"), Terminal({"x": 0})), "two distinct"),
        (lambda: Game(("x", "y"), Terminal({"x": 0})), "a value for each"),
        (lambda: Game(("x", "y"), Decision("z", (("a", Terminal({"x": 0, "y": 0})),))),
         "not one of"),
        (lambda: Game(("x", "y"), Chance((("u", 0.5, Terminal({"x": 0, "y": 0})),))), "sum to 1"),
        (lambda: Game(("x", "y"), Chance((("u", {"x": 1.0}, Terminal({"x": 0, "y": 0})),))),
         "exactly"),
        (lambda: Decision("x", (("a", Terminal({})), ("a", Terminal({})))), "repeated"),
        (lambda: Decision("x", (("a", Terminal({})),), threats={"b"}), "not among its actions"),
        (lambda: Decision("x", ()), "at least one"),
        (lambda: Game(("x", "y"), Terminal({"x": 0, "y": 0}, se={"x": -1})), ">= 0"),
    ],
)
def test_malformed_games_are_rejected(build, message: str) -> None:  # noqa: ANN001
    with pytest.raises(GameTreeError, match=message):
        build()


ENTRY_EFG = """\
EFG 2 R "Entry deterrence" { "entrant" "incumbent" }
""

p "entry" 1 1 "" { "stay out" "enter" } 0
t "out" 1 "out" { 0, 2 }
p "after entry" 2 1 "" { "fight" "accommodate" } 0
t "war" 2 "war" { -1, -1 }
t "share" 3 "share" { 1, 1 }
"""


def test_entry_game_exports_to_the_expected_efg() -> None:
    assert to_efg(entry_game(), "Entry deterrence") == ENTRY_EFG


def _parse_efg(text: str) -> tuple[str, list[str], dict]:
    """A small reader of the .efg grammar: header, then nodes in pre-order."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|[{}]|[^\s{},]+', text)
    unquote = lambda tok: re.sub(r"\\(.)", r"\1", tok[1:-1])  # noqa: E731
    pos = 0

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def block() -> list[str]:
        assert take() == "{"
        items = []
        while tokens[pos] != "}":
            items.append(take())
        take()
        return items

    assert [take(), take(), take()] == ["EFG", "2", "R"]
    title = unquote(take())
    players = [unquote(t) for t in block()]
    take()  # comment

    def node() -> dict:
        kind, name = take(), unquote(take())
        if kind == "t":
            outcome, outcome_name = int(take()), unquote(take())
            return {"t": [float(x) for x in block()], "name": name, "outcome": outcome,
                    "outcome_name": outcome_name}
        if kind == "c":
            infoset, _ = int(take()), take()
            items = block()
            labels = [unquote(t) for t in items[::2]]
            probs = [Fraction(x) for x in items[1::2]]
            assert take() == "0"
            return {"c": list(zip(labels, probs)), "infoset": infoset, "name": name,
                    "children": [node() for _ in labels]}
        assert kind == "p"
        player, infoset, _ = int(take()), int(take()), take()
        actions = [unquote(t) for t in block()]
        assert take() == "0"
        return {"p": player, "infoset": infoset, "actions": actions, "name": name,
                "children": [node() for _ in actions]}

    tree = node()
    assert pos == len(tokens)
    return title, players, tree


def test_efg_round_trips_chance_nodes_beliefs_and_escaped_labels() -> None:
    game = litigation_game(0.7, 0.3)
    game = Game(game.players, Decision(B, (("say \"no\"", game.root),
                                           ("walk\\away", Terminal({S: 0, B: 0})))))
    title, players, tree = _parse_efg(to_efg(game, 'Supply "dispute"'))
    assert title == 'Supply "dispute"' and players == [S, B]
    assert tree["p"] == 2 and tree["actions"] == ['say "no"', "walk\\away"]
    buyer = tree["children"][0]
    assert (buyer["p"], buyer["infoset"], buyer["actions"]) == (2, 2, ["cut price", "hold"])
    supplier = buyer["children"][1]
    assert (supplier["p"], supplier["infoset"], supplier["name"]) == (1, 1, "supplier responds")
    court = supplier["children"][1]
    assert court["c"] == [("supplier wins", Fraction(7, 10)), ("supplier loses", Fraction(3, 10))]
    assert [child["t"] for child in court["children"]] == [[3.0, -1.0], [-1.0, 2.0]]
    outcomes = re.findall(r"^t \"[^\"]*\" (\d+)", to_efg(game, "x"), flags=re.M)
    assert outcomes == ["1", "2", "3", "4", "5"]
    _, _, buyer_view = _parse_efg(to_efg(game, "x", beliefs_of=B))
    court_for_buyer = buyer_view["children"][0]["children"][1]["children"][1]
    assert court_for_buyer["c"][0] == ("supplier wins", Fraction(3, 10))
    with pytest.raises(GameTreeError, match="beliefs_of"):
        to_efg(game, "x", beliefs_of="judge")

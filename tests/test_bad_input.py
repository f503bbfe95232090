"""Bad scenario files: one clear line per problem, naming the file, the TOML path and the line; the CLI
exits 2 without a traceback.

``tests/bad_scenarios/`` holds the template written by ``zopa new`` with one deliberate break per file
(its first line says which), plus a few files that are not scenarios at all.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zopa.cli import app
from zopa.scenario import ScenarioError, load_scenario, parse_scenario
from zopa.scenario.template import TEMPLATE

CORPUS = Path(__file__).parent / "bad_scenarios"

#: file → (TOML path of the problem, part of its message, the "did you mean" target or None).
#: An empty path is a problem with the file as a whole.
EXPECTED: dict[str, tuple[str, str, str | None]] = {
    "misspelt_key.toml": ("parties.vendor.discount_rte", "unknown key", "discount_rate"),
    "misspelt_distribution.toml": ("world.exit.revenue_multiple.dist", "unknown dist 'lognormel'", "lognormal"),
    "misspelt_term_kind.toml": ("packages.status_quo.terms.fee.kind", "unknown kind 'revenue_shares'", "revenue_share"),
    "misspelt_choice.toml": ("triggers.alternative.rule", "expected one of 'board'", "board"),
    "wrong_type.toml": ("parties.vendor.discount_rate.value", "should be a valid number, got '0.10'", None),
    "bare_number.toml": ("packages.status_quo.terms.fee.rate", "expected a table with a value and a source", None),
    "undefined_party.toml": ("packages.status_quo.terms.fee.payee", "undefined party 'vendr'", "vendor"),
    "one_party.toml": ("parties", "expected exactly two parties, got 1", None),
    "trigger_date_off_grid.toml": ("triggers.renewal_end.date", "2038-12-31 is off the time grid", None),
    "funding_deadline_off_grid.toml": ("world.funding.deadline", "2040-06-30 is off the time grid", None),
    "negative_probability.toml": ("triggers.alternative.dispute_probability", "expected a probability in [0, 1]", None),
    "p_never_above_one.toml": ("world.agi.arrival.customer.p_never", "less than or equal to 1, got 1.2", None),
    "share_above_one.toml": ("packages.status_quo.terms.fee.rate", "expected a share in [0, 1]", None),
    "negative_money.toml": ("packages.renewal.terms.fee.cap", "expected a non-negative amount of money", None),
    "undefined_source.toml": ("world.revenue.growth_long_run.source", "undefined source 'asumption'", "assumption"),
    "undefined_trigger.toml": ("packages.renewal.terms.fee.until", "undefined trigger 'end_or_alternativ'",
                               "end_or_alternative"),
    "undefined_base_package.toml": ("packages.renewal.base", "undefined package 'statusquo'", "status_quo"),
    "drop_unknown_term.toml": ("packages.renewal.drop", "undefined term 'fees'", "fee"),
    "lognormal_lo_above_hi.toml": ("world.exit.revenue_multiple.lo", "expected lo < hi", None),
    "discrete_probs.toml": ("world.revenue.growth_long_run.probs", "summing to 1", None),
    "belief_unknown_party.toml": ("world.agi.arrival.buyer", "undefined party 'buyer'", "customer"),
    "unquoted_string.toml": ("meta.title", "is not valid TOML", None),
    "duplicate_table.toml": ("parties.vendor", "is not valid TOML: cannot declare parties.vendor twice", None),
    "not_toml.toml": ("", "is not valid TOML", None),
    "empty.toml": ("", "is empty", None),
    "binary.toml": ("", "is not UTF-8 text", None),
}

#: Paths that are not scenario files at all.
NOT_FILES: dict[str, tuple[str, str, str | None]] = {
    "does_not_exist.toml": ("", "file not found", None),
    ".": ("", "is a directory", None),
}

CASES = [(CORPUS / name, *want) for name, want in EXPECTED.items()] + [
    (CORPUS / name, *want) for name, want in NOT_FILES.items()]
IDS = [path.name for path, *_ in CASES]

runner = CliRunner()


def problems_of(path: Path) -> list:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def test_corpus_is_complete() -> None:
    """Every file in the corpus has an expectation, and the corpus covers what it should."""
    assert {p.name for p in CORPUS.iterdir()} == set(EXPECTED)
    assert len(EXPECTED) >= 18
    assert (CORPUS / "binary.toml").read_bytes().count(b"\x00") >= 1
    assert (CORPUS / "empty.toml").stat().st_size == 0
    assert not (CORPUS / "does_not_exist.toml").exists()


@pytest.mark.parametrize(("path", "field", "message", "meant"), CASES, ids=IDS)
def test_load_names_file_path_and_line(path: Path, field: str, message: str, meant: str | None) -> None:
    problems = problems_of(path)
    assert len(problems) == 1, "each file is broken in exactly one place: " + "; ".join(map(str, problems))
    problem = problems[0]
    assert problem.file == str(path)
    assert problem.path == field
    assert message in problem.message
    if meant is not None:
        assert problem.suggestion == f"did you mean '{meant}'?"
    if field and path.is_file():
        # The field is literally in the file: the problem points at the line that writes it.
        key = re.split(r"[.\[]", field)[-1]
        assert problem.line is not None, str(problem)
        assert key in path.read_text(encoding="utf-8").splitlines()[problem.line - 1], str(problem)
    text = str(problem)
    assert "\n" not in text and text.startswith(str(path)) and field in text


@pytest.mark.parametrize(("path", "field", "message", "meant"), CASES, ids=IDS)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_cli_exits_2_with_one_line_per_problem(
    command: str, path: Path, field: str, message: str, meant: str | None
) -> None:
    problems = problems_of(path)
    args = [command, str(path)] + (["--paths", "2"] if command == "run" else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [str(p) for p in problems]
    assert str(path) in lines[0] and field in lines[0] and message in lines[0]
    if meant is not None:
        assert f"did you mean '{meant}'?" in lines[0]


def test_cli_subprocess_smoke() -> None:
    """The installed entry point behaves like the in-process app: exit 2, one line, no traceback."""
    path = CORPUS / "misspelt_key.toml"
    done = subprocess.run(
        [sys.executable, "-c", "from zopa.cli import main; main()", "validate", str(path)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"{path}:26: parties.vendor.discount_rte: unknown key (did you mean 'discount_rate'?)"]


def test_every_problem_of_a_file_is_reported() -> None:
    """Independent problems are all reported at once, each on its own line."""
    text = (TEMPLATE.replace('dist = "lognormal"', 'dist = "lognormel"')
            .replace("discount_rate = { value = 0.10", "discount_rte = { value = 0.10")
            .replace("date = 2028-12-31", "date = 2038-12-31"))
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "many.toml")
    paths = [p.path for p in info.value.problems]
    assert paths == ["parties.vendor.discount_rte", "world.exit.revenue_multiple.dist"]
    assert str(info.value).count("\n") == 1
    # Reference checks need a valid document; they run once the schema problems are fixed.
    text = text.replace("discount_rte", "discount_rate").replace("lognormel", "lognormal")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "many.toml")
    assert [p.path for p in info.value.problems] == ["triggers.renewal_end.date"]


def _mutations() -> list[str]:
    """The template with one line deleted, or one value replaced by a wrong one."""
    lines = TEMPLATE.splitlines()
    out = ["\n".join(lines[:i] + lines[i + 1:]) for i in range(len(lines))]
    for i, line in enumerate(lines):
        match = re.match(r"(\s*[\w.]+\s*=\s*)", line)
        if match:
            out += ["\n".join(lines[:i] + [match.group(1) + bad] + lines[i + 1:]) for bad in ('"x"', "-1", "{}")]
    return out


def test_mutations_never_escape_as_tracebacks() -> None:
    """Whatever one edit breaks, loading fails with problems (one line each, naming the file) or succeeds."""
    failed = 0
    for text in _mutations():
        try:
            parse_scenario(text, "mutant.toml")
        except ScenarioError as exc:
            failed += 1
            assert exc.problems
            for problem in exc.problems:
                assert "\n" not in str(problem) and str(problem).startswith("mutant.toml")
    assert failed > 100


def test_odd_but_readable_files() -> None:
    """A byte-order mark is accepted; Windows line ends keep line numbers right; deep nesting is a problem."""
    parse_scenario("\ufeff" + TEMPLATE, "bom.toml")
    crlf = TEMPLATE.replace('dist = "lognormal"', 'dist = "lognormel"').replace("\n", "\r\n")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(crlf, "crlf.toml")
    (problem,) = info.value.problems
    assert 'dist = "lognormel"' in crlf.split("\r\n")[problem.line - 1]
    with pytest.raises(ScenarioError, match="nested too deeply"):
        parse_scenario("a = " + "[" * 100_000 + "]" * 100_000, "deep.toml")


def test_new_writes_a_valid_template_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "deal.toml"
    result = runner.invoke(app, ["new", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == TEMPLATE
    result = runner.invoke(app, ["validate", str(target)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout

    target.write_text("# my own work\n", encoding="utf-8")
    result = runner.invoke(app, ["new", str(target)])
    assert result.exit_code == 2
    assert str(target) in result.stderr and "already exists" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert target.read_text(encoding="utf-8") == "# my own work\n"


def test_schema_and_source_problems_are_reported_together(tmp_path):
    """An undefined source is reported even when another field breaks the schema."""
    text = TEMPLATE.replace('discount_rate = { value = 0.10, source = "assumption" }',
                            'discount_rte = { value = 0.10, source = "assumption" }')
    text = text.replace('growth_long_run = { value = 0.05, source = "assumption" }',
                        'growth_long_run = { value = 0.05, source = "asumption" }')
    path = tmp_path / "two.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    paths = [p.path for p in info.value.problems]
    assert "parties.vendor.discount_rte" in paths
    assert "world.revenue.growth_long_run.source" in paths

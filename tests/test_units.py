"""The unit of a scenario's money: parsing, rejection with a clear message, and the printing of
amounts and estimates across the magnitudes a deal can have (1e-3 … 1e4 of its unit)."""

from __future__ import annotations

import math
import re

import pytest

from zopa.scenario import ScenarioError, builtin_path, load_scenario
from zopa.scenario.template import TEMPLATE
from zopa.units import DEFAULT_UNIT, Unit, UnitError, format_amount, format_pm, parse_unit


@pytest.mark.parametrize("text, currency, scale, factor, suffix", [
    ("USD billions", "USD", "billions", 1e9, "bn"),
    ("USD bn", "USD", "billions", 1e9, "bn"),
    ("USD millions", "USD", "millions", 1e6, "m"),
    ("EUR m", "EUR", "millions", 1e6, "m"),
    ("eur mn", "EUR", "millions", 1e6, "m"),
    ("GBP k", "GBP", "thousands", 1e3, "k"),
    ("CHF thousands", "CHF", "thousands", 1e3, "k"),
    ("JPY units", "JPY", "units", 1.0, ""),
    ("CNY trillions", "CNY", "trillions", 1e12, "tn"),
    ("  USD   Billion ", "USD", "billions", 1e9, "bn"),
])
def test_parse_unit(text, currency, scale, factor, suffix):
    u = parse_unit(text)
    assert u == Unit(currency, scale, factor, suffix)
    assert u.label == f"{currency} {scale}" and parse_unit(u.label) == u
    assert u.short == (f"{currency} {suffix}" if suffix else currency)
    assert u.axis_title() == f"{currency} {scale} (present value)"


@pytest.mark.parametrize("text, why", [
    ("dollars", "expected"), ("USD", "expected"), ("USD billions extra", "expected"), ("", "expected"),
    ("US billions", "three-letter"), ("XYZ billions", "ISO 4217"), ("USD zillions", "unknown scale 'zillions'"),
    ("$ bn", "three-letter"), ("billions USD", "three-letter"),
])
def test_bad_units_are_refused_naming_the_expected_form(text, why):
    with pytest.raises(UnitError) as err:
        parse_unit(text)
    message = str(err.value)
    assert why in message and '"<ISO 4217 currency code> <scale>"' in message and '"USD billions"' in message


def test_scenario_unit_is_validated_and_canonical(tmp_path):
    assert load_scenario(builtin_path()).meta.unit == DEFAULT_UNIT == "USD billions"
    path = tmp_path / "s.toml"
    path.write_text(TEMPLATE.replace('unit = "USD billions"', 'unit = "usd m"'), encoding="utf-8")
    assert load_scenario(path).meta.unit == "USD millions"
    path.write_text(TEMPLATE.replace('unit = "USD billions"', 'unit = "dollars"'), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"s\.toml:\d+: meta\.unit: .*expected \"<ISO 4217 currency code> <scale>\""):
        load_scenario(path)


def test_missing_unit_defaults_to_usd_billions(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(TEMPLATE.replace('unit = "USD billions"\n', ""), encoding="utf-8")
    assert load_scenario(path).meta.unit == "USD billions"


# --- printing -------------------------------------------------------------------------------------------


def _digits_after_point(text: str) -> int:
    number = text.split(" ")[0]
    return len(number.split(".")[1]) if "." in number else 0


def _significant(text: str) -> int:
    digits = re.sub(r"[^0-9]", "", text).lstrip("0")
    return len(digits)


@pytest.mark.parametrize("exponent", range(-3, 5))
@pytest.mark.parametrize("mantissa", [1.0, 2.345, 9.87])
def test_pm_shows_two_significant_figures_of_the_se(exponent, mantissa):
    se = mantissa * 10.0 ** exponent
    value = 37.0 * se + 0.123 * se
    text = format_pm(value, se)
    shown_value, shown_se = text.split(" ± ")
    assert _significant(shown_se) == 2 or (shown_se.endswith("0") and _significant(shown_se.rstrip("0")) <= 2)
    assert _digits_after_point(shown_value) == _digits_after_point(shown_se)  # the same decimal place
    assert float(shown_se.replace(",", "")) == pytest.approx(se, rel=0.06)
    assert float(shown_value.replace(",", "")) == pytest.approx(value, abs=0.51 * 10.0 ** (exponent - 1))
    assert shown_se.strip("0.,") != ""  # never "± 0.000"


@pytest.mark.parametrize("exponent", range(-3, 5))
def test_amount_keeps_three_significant_figures(exponent):
    x = 1.23456 * 10.0 ** exponent
    text = format_amount(x)
    assert float(text.replace(",", "")) == pytest.approx(x, rel=5e-3)
    assert _significant(text) >= 3
    assert text.strip("0.,") != ""  # a small amount is never printed as 0
    assert format_amount(-x).startswith("-") and format_amount(x, signed=True).startswith("+")


def test_pm_examples_across_scales():
    assert format_pm(217.93, 10.66) == "218 ± 11"
    assert format_pm(0.0512, 0.00043) == "0.05120 ± 0.00043"
    assert format_pm(-4.2, 0.8, signed=True) == "-4.20 ± 0.80"
    assert format_pm(1_234_567.0, 3_456.0) == "1,234,600 ± 3,500"
    assert format_pm(0.0, 0.0) == "0 ± 0"
    assert format_pm(float("nan"), 1.0) == "n/a"
    assert parse_unit("USD m").pm(50.1234, 0.4987) == "50.12 ± 0.50 USD m"
    assert parse_unit("EUR k").amount(-1234.6, signed=True) == "-1,235 EUR k"


def test_rounded_zero_has_no_sign():
    assert format_pm(-0.00001, 0.01, signed=True) == "0.000 ± 0.010"
    assert not math.isnan(float(format_amount(-0.0).replace(",", "")))

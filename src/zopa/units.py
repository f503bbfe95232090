"""The unit of a scenario's money, and how to print amounts in it.

A scenario states its unit as ``"<ISO 4217 currency code> <scale>"`` — ``"USD billions"``,
``"EUR millions"``, ``"GBP thousands"``, ``"JPY units"`` — or with a common abbreviation of the scale
(``"USD bn"``, ``"EUR m"``, ``"GBP k"``). Every amount of the scenario is a number of that unit: the
value ``x`` in ``"USD millions"`` is ``x · 10⁶`` US dollars. :func:`parse_unit` reads the text into a
:class:`Unit`; the engine never rescales (all amounts of one scenario share its unit), only the text
shown to people depends on it.

Printing. A Monte Carlo estimate is shown as ``value ± se`` with the standard error rounded to two
significant figures and the value to the same decimal place (:func:`format_pm`): the digits shown are
the digits the simulation supports, whatever the scale of the deal. A plain amount is shown with three
significant figures, never fewer than all of its integer digits (:func:`format_amount`).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

__all__ = ["Unit", "UnitError", "UnitText", "DEFAULT_UNIT", "SCALES", "parse_unit", "canonical_unit", "format_amount",
           "format_pm", "pm_decimals", "amount_decimals"]

#: The unit of a scenario that names none (and of the built-in case).
DEFAULT_UNIT = "USD billions"

#: Scale word → (factor, short suffix, accepted spellings, all lower case).
SCALES: dict[str, tuple[float, str, tuple[str, ...]]] = {
    "units": (1.0, "", ("units", "unit", "ones", "one", "1")),
    "thousands": (1e3, "k", ("thousands", "thousand", "k", "th", "thou", "000s", "000")),
    "millions": (1e6, "m", ("millions", "million", "m", "mn", "mm", "mio", "mil", "mln")),
    "billions": (1e9, "bn", ("billions", "billion", "bn", "b", "bln", "mrd", "bil")),
    "trillions": (1e12, "tn", ("trillions", "trillion", "tn", "t", "trn", "tril")),
}
_ALIASES = {alias: word for word, (_, _, aliases) in SCALES.items() for alias in aliases}

#: Active ISO 4217 currency codes (and the precious metals, special drawing rights and test codes).
ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN
NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL
SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES
VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG ZWL
""".split())

EXPECTED = ('expected "<ISO 4217 currency code> <scale>" with scale one of units, thousands, millions, '
            'billions, trillions (or k, m, bn, tn), e.g. "USD billions", "EUR millions", "GBP k"')


class UnitError(ValueError):
    """A unit text that is not ``"<ISO currency code> <scale>"``."""


@dataclass(frozen=True)
class Unit:
    """A currency and a scale: one unit of money is ``factor`` units of ``currency``.

    >>> u = parse_unit("EUR m")
    >>> u.label, u.short, u.factor, u.axis_title()
    ('EUR millions', 'EUR m', 1000000.0, 'EUR millions (present value)')
    """

    currency: str  # ISO 4217 code, e.g. "USD"
    scale: str  # one of SCALES: "units", "thousands", "millions", "billions", "trillions"
    factor: float  # currency units per unit of money, e.g. 1e6 for millions
    suffix: str  # "", "k", "m", "bn" or "tn"

    @property
    def label(self) -> str:
        """The canonical text, e.g. ``"USD millions"`` (what a scenario's ``meta.unit`` becomes)."""
        return f"{self.currency} {self.scale}"

    @property
    def short(self) -> str:
        """A compact form for table headers, e.g. ``"USD m"`` (just ``"USD"`` for units)."""
        return f"{self.currency} {self.suffix}" if self.suffix else self.currency

    def axis_title(self, what: str = "present value") -> str:
        """An axis title, e.g. ``"USD millions (present value)"``; ``what`` says what is measured."""
        return f"{self.label} ({what})" if what else self.label

    def amount(self, x: float, signed: bool = False) -> str:
        """An amount with its unit, e.g. ``"12.3 USD m"`` (see :func:`format_amount`)."""
        return f"{format_amount(x, signed)} {self.short}"

    def pm(self, value: float, se: float, signed: bool = False) -> str:
        """An estimate ± one standard error with its unit, e.g. ``"50.12 ± 0.50 USD m"``."""
        return f"{format_pm(value, se, signed)} {self.short}"


@functools.lru_cache(maxsize=256)
def parse_unit(text: str) -> Unit:
    """Read ``"<ISO 4217 code> <scale>"`` (case-insensitive; scale words or abbreviations).

    >>> parse_unit("USD billions")
    Unit(currency='USD', scale='billions', factor=1000000000.0, suffix='bn')
    >>> parse_unit(" gbp  K ").label, parse_unit("USD bn").label, parse_unit("JPY units").short
    ('GBP thousands', 'USD billions', 'JPY')
    >>> parse_unit("dollars")
    Traceback (most recent call last):
    ...
    zopa.units.UnitError: 'dollars': expected "<ISO 4217 currency code> <scale>" with scale one of units, thousands, millions, billions, trillions (or k, m, bn, tn), e.g. "USD billions", "EUR millions", "GBP k"
    """
    if not isinstance(text, str):
        raise UnitError(f"{text!r}: {EXPECTED}")
    words = text.split()
    if len(words) != 2:
        raise UnitError(f"{text!r}: {EXPECTED}")
    code, scale = words[0].upper(), words[1].lower()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise UnitError(f"{text!r}: {code!r} is not a three-letter currency code; {EXPECTED}")
    if code not in ISO_4217:
        raise UnitError(f"{text!r}: {code!r} is not an ISO 4217 currency code; {EXPECTED}")
    word = _ALIASES.get(scale)
    if word is None:
        raise UnitError(f"{text!r}: unknown scale {words[1]!r}; {EXPECTED}")
    factor, suffix, _ = SCALES[word]
    return Unit(code, word, factor, suffix)


def canonical_unit(text: str) -> str:
    """The canonical form of a unit text (:attr:`Unit.label`), for a scenario's ``meta.unit``.

    >>> canonical_unit("eur bn")
    'EUR billions'
    """
    return parse_unit(text).label


#: A scenario's ``meta.unit``: validated by :func:`parse_unit` and stored in its canonical form.
UnitText = Annotated[str, AfterValidator(canonical_unit)]


# --- printing numbers -----------------------------------------------------------------------------------

#: No amount is printed with more decimals than this.
MAX_DECIMALS = 8


def _exponent(x: float) -> int:
    """The decimal exponent of ``|x|`` (``x ≠ 0``, finite): 2 for 123, −3 for 0.0012."""
    return math.floor(math.log10(abs(x)))


def pm_decimals(se: float) -> int:
    """Decimal places that show ``se`` to two significant figures (negative: round to tens, hundreds…).

    >>> [pm_decimals(s) for s in (0.0041, 0.5, 3.2, 12.0, 1234.0)]
    [4, 2, 1, 0, -2]
    """
    if not math.isfinite(se) or se <= 0:
        raise ValueError(f"expected a positive finite standard error, got {se!r}")
    return min(MAX_DECIMALS, 1 - _exponent(se))


def amount_decimals(x: float, sig: int = 3) -> int:
    """Decimal places that show ``x`` to ``sig`` significant figures, at least 0.

    >>> [amount_decimals(x) for x in (0.0456, 3.2, 56.78, 1234.5, 0.0)]
    [4, 2, 1, 0, 0]
    """
    if x == 0 or not math.isfinite(x):
        return 0
    return max(0, min(MAX_DECIMALS, sig - 1 - _exponent(x)))


def _fixed(x: float, places: int, signed: bool) -> str:
    """``x`` with thousands separators and ``places`` decimals (``places < 0``: rounded to tens,
    hundreds…); a value that rounds to zero carries no sign.

    >>> _fixed(-0.0004, 3, True), _fixed(1234.5, -2, False), _fixed(-2.25, 1, True)
    ('0.000', '1,200', '-2.2')
    """
    if places < 0:
        x = round(x, places)
        places = 0
    text = f"{x:+,.{places}f}" if signed else f"{x:,.{places}f}"
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("+-")
    return text


def format_amount(x: float, signed: bool = False, sig: int = 3) -> str:
    """An amount to ``sig`` significant figures (all integer digits kept), with thousands separators.

    >>> [format_amount(x) for x in (0.0012345, 0.0456, 3.2, 56.78, 1234.56, 12345.6, 0.0)]
    ['0.00123', '0.0456', '3.20', '56.8', '1,235', '12,346', '0']
    >>> format_amount(-0.5), format_amount(2.5, signed=True), format_amount(float("nan"))
    ('-0.500', '+2.50', 'n/a')
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    return _fixed(x, amount_decimals(x, sig), signed)


def format_pm(value: float, se: float, signed: bool = False) -> str:
    """``value ± se``: the standard error to two significant figures, the value to the same decimal
    place. Without a usable standard error (zero, negative, not finite) the value alone is shown as an
    amount (:func:`format_amount`) followed by ``± 0``.

    >>> format_pm(0.6532, 0.0041), format_pm(50.1234, 0.4987), format_pm(217.93, 10.66, signed=True)
    ('0.6532 ± 0.0041', '50.12 ± 0.50', '+218 ± 11')
    >>> format_pm(12345.0, 1234.0), format_pm(-0.00042, 0.00013), format_pm(3.0, 0.0)
    ('12,300 ± 1,200', '-0.00042 ± 0.00013', '3.00 ± 0')
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    if se is None or not math.isfinite(se) or se <= 0:
        return f"{format_amount(value, signed)} ± 0"
    places = pm_decimals(se)
    return f"{_fixed(value, places, signed)} ± {_fixed(se, places, False)}"

"""Numbers for people: enough decimals to show what matters, whatever the scale of the deal."""

from __future__ import annotations

import math


def decimals(x: float) -> int:
    """1 decimal from 10 up, 2 from 1, 3 below (so a $0.05B gain does not print as 0.0).

    >>> [decimals(x) for x in (250.0, 3.2, 0.04)]
    [1, 2, 3]
    """
    a = abs(x)
    return 1 if a >= 10 or not math.isfinite(a) else 2 if a >= 1 else 3


def num(x: float, signed: bool = False, places: int | None = None) -> str:
    """``x`` with thousands separators and :func:`decimals` places (or ``places``).

    >>> num(1234.56), num(0.0456, signed=True)
    ('1,234.6', '+0.046')
    """
    d = decimals(x) if places is None else places
    return f"{x:+,.{d}f}" if signed else f"{x:,.{d}f}"


def pm(value: float, se: float, signed: bool = False) -> str:
    """``value ± se`` with the value's number of decimals.

    >>> pm(0.6532, 0.0041, signed=True)
    '+0.653 ± 0.004'
    """
    d = decimals(value if abs(value) >= abs(se) else se)
    return f"{num(value, signed, d)} ± {num(se, False, d)}"

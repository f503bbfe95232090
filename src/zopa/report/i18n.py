"""The report's languages: every heading, sentence, table header and chart title of the HTML report
comes from a message catalogue (:mod:`zopa.report.messages_en`, :mod:`zopa.report.messages_zh`).
Numbers, names, labels and sources are the scenario's own and are never translated.

The language is a context: :func:`report_language` sets it for everything built inside (the CLI wraps
the writing of a run in it), :func:`t` looks a message up in it. Messages are ``str.format``
templates written by the project (trusted): fill them through :func:`t` for plain text (a chart title:
put scenario text through :func:`~zopa.report.safe.plot_text` first) or :func:`th` for HTML, which
escapes every argument (:func:`~zopa.report.safe.html`).
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Iterator

from zopa.report.messages_en import MESSAGES as EN
from zopa.report.messages_zh import MESSAGES as ZH
from zopa.report.safe import Markup, html
from zopa.units import Unit

#: Languages of the report and their catalogues.
CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}
LANGUAGES: tuple[str, ...] = tuple(CATALOGUES)
#: The ``lang`` attribute of the report's ``<html>`` element (BCP 47).
HTML_LANG = {"en": "en", "zh": "zh-Hans"}

_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar("zopa_report_language", default="en")


def check_language(lang: str) -> str:
    """``lang`` if the report has a catalogue for it, else :class:`ValueError` naming those it has.

    >>> check_language("zh")
    'zh'
    """
    if lang not in CATALOGUES:
        raise ValueError(f"unknown report language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def current_language() -> str:
    """The language of the report being built (default ``"en"``)."""
    return _LANGUAGE.get()


@contextlib.contextmanager
def report_language(lang: str | None) -> Iterator[str]:
    """Build everything inside in ``lang`` (None: keep the current language).

    >>> with report_language("zh"):
    ...     current_language()
    'zh'
    >>> current_language()
    'en'
    """
    if lang is None:
        yield current_language()
        return
    token = _LANGUAGE.set(check_language(lang))
    try:
        yield lang
    finally:
        _LANGUAGE.reset(token)


def t(key: str, /, **kwargs: Any) -> str:
    """The message ``key`` in the current language, filled with ``kwargs`` (``str.format``).

    >>> t("nav.sources"), t("card.zopa_count", count="12", total="40", share="30%", sure="robustly")
    ('Sources', '12 of 40 packages (30%); robustly')
    >>> with report_language("zh"):
    ...     t("nav.sources")
    '来源'
    """
    template = CATALOGUES[current_language()].get(key)
    if template is None:  # a message missing from a catalogue falls back to English
        template = EN[key]
    return template.format(**kwargs) if kwargs else template


def th(key: str, /, **kwargs: Any) -> Markup:
    """The message ``key`` as HTML: the template is the project's markup, every argument is escaped.

    >>> str(th("intro.values", unit="<b>", paths="10"))[:40]
    'Present values in &lt;b&gt; at the marke'
    """
    template = CATALOGUES[current_language()].get(key) or EN[key]
    return html(template, **kwargs)


#: Chinese names of common currencies (any other code is shown as it is).
CURRENCY_ZH = {"USD": "美元", "EUR": "欧元", "GBP": "英镑", "CNY": "人民币", "JPY": "日元", "HKD": "港元",
               "CHF": "瑞士法郎", "CAD": "加元", "AUD": "澳元", "SGD": "新加坡元", "KRW": "韩元", "INR": "印度卢比"}
#: Chinese scale words (units … trillions).
SCALE_ZH = {"units": "", "thousands": "千", "millions": "百万", "billions": "十亿", "trillions": "万亿"}


def unit_label(unit: Unit) -> str:
    """The unit in the current language: ``"USD millions"``; in Chinese ``"百万美元"``.

    >>> from zopa.units import parse_unit
    >>> with report_language("zh"):
    ...     unit_label(parse_unit("USD bn")), unit_label(parse_unit("SEK m"))
    ('十亿美元', '百万 SEK')
    """
    if current_language() != "zh":
        return unit.label
    name = CURRENCY_ZH.get(unit.currency)
    scale = SCALE_ZH[unit.scale]
    return f"{scale}{name}" if name else (f"{scale} {unit.currency}" if scale else unit.currency)


def money_axis(unit: Unit, what_key: str = "what.pv") -> str:
    """An axis title for amounts: ``"USD millions (present value)"``, what is measured in brackets.

    >>> from zopa.units import parse_unit
    >>> money_axis(parse_unit("USD m")), money_axis(parse_unit("EUR bn"), "what.gain_batna")
    ('USD millions (present value)', 'EUR billions (gain over walking away)')
    """
    return t("axis.money", unit=unit_label(unit), what=t(what_key))

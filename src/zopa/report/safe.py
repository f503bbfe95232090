"""Safe output of untrusted text: the one path by which scenario text reaches HTML, charts, CSV,
file names and terminals.

A scenario file is untrusted input: whoever hands over a scenario chooses every title, name, label,
citation and note in it. Each output format has its own rule, and each has exactly one helper here.

* **HTML** — :class:`Markup` (``markupsafe``'s, whose escaping here also drops control characters
  and bidi overrides, which could otherwise reverse the numbers printed after a name) is trusted
  markup; everything else is text. Fragments are built with :func:`html` (``html("<b>{}</b>", name)``
  escapes ``name``) and combined with :func:`join` or ``+``, which escape whatever is not already
  markup. A plain ``str`` — an f-string, say — is therefore escaped when it is joined into a
  fragment: forgetting to escape shows markup as text instead of running it.
* **Inline JSON** (chart data inside ``<script type="application/json">``) — :func:`script_json`
  escapes ``<``, ``>``, ``&`` and U+2028/U+2029, so no string can close the script element.
* **Chart text** — plotly renders a small subset of HTML in labels (``<b>``, ``<br>``, ``<a href>``)
  and fills ``%{…}`` placeholders in hover templates: :func:`plot_text` turns scenario text into
  entities that plotly shows literally.
* **CSV cells** — :func:`csv_cell` neutralises spreadsheet formulas (a leading ``=``, ``+``, ``-``,
  ``@``, tab or carriage return gets a single-quote prefix, as OWASP recommends).
* **File names** — :func:`file_stem` keeps ``[A-Za-z0-9_.-]`` only, so no label or id can name a path
  outside its directory.
* **Terminals** — :func:`clean_text` drops C0/C1 control characters (except newline and tab) and the
  bidirectional override/isolate controls; :func:`term_text` also escapes Rich markup.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

import markupsafe

__all__ = ["Markup", "escape", "is_markup", "html", "join", "script_json", "plot_text", "csv_cell", "file_stem",
           "clean_text", "term_text"]


class Markup(markupsafe.Markup):
    """Trusted HTML. Text joined to it (``+``, :meth:`join`, :meth:`format`, ``%``) is escaped, and loses
    its control characters and bidi overrides (:func:`clean_text`) on the way.

    >>> str(Markup("<b>") + "<i>\u202e" + Markup("</b>"))
    '<b>&lt;i&gt;</b>'
    """

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any, /) -> "Markup":
        if not hasattr(s, "__html__"):
            s = clean_text(s)
        return super().escape(s)


def escape(s: Any) -> Markup:
    """Text as :class:`Markup`: escaped and cleaned; markup (anything with ``__html__``) as it is."""
    return Markup.escape(s)


def is_markup(obj: Any) -> bool:
    """Whether ``obj`` is trusted markup (``markupsafe``'s protocol: it has ``__html__``)."""
    return hasattr(obj, "__html__")


def html(template: str, *args: Any, **kwargs: Any) -> Markup:
    """A trusted template (a literal in the code) with its arguments escaped.

    >>> str(html("<b>{}</b> {n}", "<script>", n="&"))
    '<b>&lt;script&gt;</b> &amp;'
    >>> str(html("<i>{}</i>", html("<b>{}</b>", "x")))  # markup stays markup
    '<i><b>x</b></i>'
    """
    return Markup(template).format(*args, **kwargs)


def join(items: Iterable[Any], sep: str = "") -> Markup:
    """Concatenate fragments: :class:`Markup` as is, anything else escaped.

    >>> str(join([html("<b>{}</b>", 1), "<i>"], sep=", "))
    '<b>1</b>, &lt;i&gt;'
    """
    return Markup(sep).join(items)


_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def script_json(obj: Any, **kwargs: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, ``<!--`` or line separators.

    >>> script_json({"a": "</script><script>"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003e"}'
    """
    return safe_script_text(json.dumps(obj, **kwargs))


def safe_script_text(json_text: str) -> str:
    """Escape ``<``, ``>``, ``&``, U+2028 and U+2029 in already serialised JSON (all of them can only
    occur inside JSON strings, where the ``\\u`` escape means the same character)."""
    return _SCRIPT_UNSAFE_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group()], json_text)


def plot_text(text: Any) -> str:
    """Scenario text for a plotly label, title or hover template, shown literally: ``&``, ``<``, ``>``
    and ``%`` become entities (plotly decodes entities only after parsing its tags and filling
    ``%{…}`` placeholders), control characters are dropped.

    >>> plot_text("<b>50%</b> & %{x}")
    '&lt;b&gt;50&#37;&lt;/b&gt; &amp; &#37;{x}'
    """
    s = clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("%", "&#37;")


#: Characters a spreadsheet reads as the start of a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The same as a regular expression (for Arrow's vectorised string functions).
FORMULA_PATTERN = r"^[=+\-@\t\r]"


def csv_cell(value: Any) -> Any:
    """A text cell that a spreadsheet will not evaluate: a leading ``=``, ``+``, ``-``, ``@``, tab or
    carriage return gets a ``'`` prefix; anything else (and every non-string) is returned unchanged.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("-1"), csv_cell("plain"), csv_cell(-1.0)
    ('\\'=HYPERLINK("http://x")', "'-1", 'plain', -1.0)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def file_stem(name: Any, max_len: int = 80) -> str:
    """A file name stem made only of ``[A-Za-z0-9_.-]``, not starting with a dot, never empty.

    >>> file_stem("waterfall-../../etc/passwd"), file_stem("beliefs-world-agi-arrival"), file_stem("..")
    ('waterfall-.._.._etc_passwd', 'beliefs-world-agi-arrival', 'figure')
    """
    stem = _FILE_UNSAFE.sub("_", str(name)).lstrip(".")[:max_len].strip("._")
    return stem or "figure"


# C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: Any) -> str:
    """``str(text)`` without control characters (newline and tab kept) or bidi override controls,
    for terminals and other plain-text outputs.

    >>> clean_text("a\\x1b[31mb\\u202ec\\td\\n")
    'a[31mbc\\td\\n'
    """
    return _CONTROL.sub("", str(text))


def term_text(text: Any) -> str:
    """Scenario text inside a string that Rich will parse for markup: controls dropped, markup escaped.

    >>> term_text("[bold]x[/]\\x07")
    '\\\\[bold]x\\\\[/]'
    """
    from rich.markup import escape as rich_escape

    return rich_escape(clean_text(text))

"""Static SVG copies of the report's charts, for slides.

plotly's own static export needs kaleido and a browser. Here the charts are rendered by plotly.js
itself in a local headless Chromium driven by Playwright: a blank page with plotly.js inlined calls
``Plotly.toImage(figure, {format: 'svg'})`` for each chart. Nothing is fetched from the network.

Without Playwright (an optional dependency) or a Chromium the export is skipped with a note (recorded
in the manifest) — except that under CI (environment ``CI=true``) a missing or failing browser is an
error when Playwright is installed.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import tempfile
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from zopa.report.run_dir import atomic_write_text
from zopa.report.safe import file_stem

#: Flags for a quiet, offline, sandbox-free headless Chromium.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")
#: Environment variable naming a Chromium executable, checked before the usual names.
BROWSER_ENV = "ZOPA_CHROMIUM"
#: Width of exported charts (their height is the chart's own).
SVG_WIDTH = 1200

_RENDER = """async ([fig, width]) => {
  const height = (fig.layout && fig.layout.height) || 500;
  return await Plotly.toImage(fig, {format: 'svg', width: width, height: height});
}"""


@dataclass(frozen=True)
class StaticExport:
    """SVG files written, and why some or all were not (``note`` is None when all were)."""

    written: list[Path] = field(default_factory=list)
    note: str | None = None


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def find_chromium() -> str | None:
    """A Chromium executable: ``$ZOPA_CHROMIUM``, else ``chromium`` / ``chromium-browser`` on the PATH,
    else ``/usr/bin/chromium``; None when there is none."""
    candidates = [os.environ.get(BROWSER_ENV), shutil.which("chromium"), shutil.which("chromium-browser"),
                  "/usr/bin/chromium"]
    return next((c for c in candidates if c and os.path.isfile(c) and os.access(c, os.X_OK)), None)


def _skip(reason: str) -> StaticExport:
    if in_ci():
        raise RuntimeError(f"static figures: {reason} (CI=true: a browser is required)")
    return StaticExport([], f"static figures skipped: {reason}")


def svg_from_data_url(url: str) -> str:
    """The SVG text of a ``data:image/svg+xml,…`` URL as returned by ``Plotly.toImage``.

    >>> svg_from_data_url("data:image/svg+xml,%3Csvg%3E%3C/svg%3E")
    '<svg></svg>'
    """
    head, _, payload = url.partition(",")
    if ";base64" in head:
        import base64

        return base64.b64decode(payload).decode("utf-8")
    return urllib.parse.unquote(payload)


def figure_paths(names: Sequence[str], out_dir: Path) -> list[Path]:
    """``out_dir/<name>.svg`` for each figure name, the name reduced to ``[A-Za-z0-9_.-]``
    (:func:`~zopa.report.safe.file_stem`: names hold scenario ids) and made unique with ``-2``, ``-3``…;
    every path lies directly in ``out_dir``.

    >>> [p.name for p in figure_paths(["values", "waterfall-../../x", "waterfall-.._.._x"], Path("f"))]
    ['values.svg', 'waterfall-.._.._x.svg', 'waterfall-.._.._x-2.svg']
    """
    out_dir = Path(out_dir)
    seen: set[str] = set()
    paths = []
    for name in names:
        stem = base = file_stem(name)
        k = 2
        while stem.lower() in seen:
            stem, k = f"{base}-{k}", k + 1
        seen.add(stem.lower())
        path = out_dir / f"{stem}.svg"
        if path.parent != out_dir or path.name in ("", ".", ".."):  # cannot happen: file_stem allows no separator
            raise ValueError(f"figure name {name!r} does not make a file name inside {out_dir}")
        paths.append(path)
    return paths


def export_static_figures(figures: Sequence[tuple[str, Any]] | Callable[[], Sequence[tuple[str, Any]]], out_dir: Path,
                          browser: str | None = None, timeout_s: float = 120.0) -> StaticExport:
    """Write each ``(name, figure)`` as ``out_dir/name.svg`` (the name made file-safe: see
    :func:`figure_paths`); see the module docstring for how, and for when the export is skipped.
    ``figures`` may be a function that returns them: it is called once the browser has loaded
    plotly.js, so that starting the browser overlaps the figures' making (:class:`BackgroundExport`)."""
    if not callable(figures) and not figures:
        return StaticExport()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:  # an optional (development) dependency: never an error, even under CI
        return StaticExport([], "static figures skipped: the playwright package is not installed")
    executable = browser or find_chromium()
    if executable is None:
        return _skip("no Chromium found (install Debian's chromium or set ZOPA_CHROMIUM)")
    from plotly.offline import get_plotlyjs
    import plotly.io as pio

    out_dir = Path(out_dir)
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="zopa-chromium-") as tmp, sync_playwright() as pw:
            page_file = Path(tmp) / "render.html"
            page_file.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><script>{get_plotlyjs()}"
                                 "</script></head><body></body></html>", encoding="utf-8")
            page_url = page_file.as_uri()
            context = pw.chromium.launch_persistent_context(
                str(Path(tmp) / "profile"), executable_path=executable, headless=True, args=list(CHROMIUM_ARGS),
                timeout=timeout_s * 1000)
            try:
                page = context.new_page()
                # nothing but the local page itself may load
                page.route("**/*", lambda route: route.continue_() if route.request.url == page_url else route.abort())
                page.set_default_timeout(timeout_s * 1000)
                page.goto(page_url)
                if callable(figures):
                    figures = figures()
                if not figures:
                    return StaticExport()
                out_dir.mkdir(parents=True, exist_ok=True)
                targets = figure_paths([name for name, _ in figures], out_dir)
                for (_, fig), target in zip(figures, targets):
                    url = page.evaluate(_RENDER, [json.loads(pio.to_json(fig)), SVG_WIDTH])
                    written.append(atomic_write_text(target, svg_from_data_url(url)))
            finally:
                context.close()
    except PlaywrightError as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if in_ci():
            raise RuntimeError(f"static figures: Chromium at {executable} failed: {first_line}") from exc
        return StaticExport(written, f"static figures {'incomplete' if written else 'skipped'}: "
                                     f"Chromium at {executable} failed: {first_line}")
    return StaticExport(written)


class BackgroundExport:
    """:func:`export_static_figures` in a thread: the browser starts and loads plotly.js (most of the
    export's time) while the caller makes the figures; :meth:`finish` hands them over and waits.
    The thread only waits on the browser (another process), so it does not compete for the
    interpreter; it never forks."""

    def __init__(self, out_dir: Path, browser: str | None = None, timeout_s: float = 120.0) -> None:
        self._figures: queue.Queue[Sequence[tuple[str, Any]]] = queue.Queue(maxsize=1)
        self._outcome: list[Any] = []
        self._thread = threading.Thread(target=self._run, args=(out_dir, browser, timeout_s), daemon=True,
                                        name="zopa-static-figures")
        self._thread.start()

    def _run(self, out_dir: Path, browser: str | None, timeout_s: float) -> None:
        try:
            self._outcome.append(export_static_figures(self._figures.get, out_dir, browser, timeout_s))
        except BaseException as exc:  # re-raised by finish()
            self._outcome.append(exc)

    def finish(self, figures: Sequence[tuple[str, Any]]) -> StaticExport:
        """Export ``figures`` and return what was written (an error of the export is raised here)."""
        self._figures.put(list(figures))
        self._thread.join()
        outcome = self._outcome[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def cancel(self) -> None:
        """Stop without exporting (the caller failed before the figures were made)."""
        if self._thread.is_alive():
            try:
                self._figures.put_nowait([])
            except queue.Full:
                pass
            self._thread.join()

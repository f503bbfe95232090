"""Write a whole run into its directory: ``report.html``, ``summary.json``, the tables, ``figures/``
(SVG copies of the charts) and, last, ``manifest.json`` listing every file with its SHA-256.

Every file is written atomically (:mod:`zopa.report.run_dir`).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from zopa.analysis import Analysis
from zopa.report.figures import BackgroundExport
from zopa.report.html import ReportData, ReportMeta, build_report_html, report_figures, resolve_data
from zopa.report.i18n import check_language
from zopa.report.manifest import manifest_dict, manifest_json
from zopa.report.run_dir import atomic_write_text
from zopa.report.summary import summary_dict, summary_json
from zopa.report.tables import TableFormat, deal_space_table, packages_table, terms_table, write_table
from zopa.scenario import scenario_hash
from zopa.scenario.schema import Scenario
from zopa.value import Valuation


@dataclass(frozen=True)
class RunOutputs:
    """Paths of everything a run wrote, and notes (e.g. why static figures were skipped)."""

    out_dir: Path
    report: Path
    summary: Path
    manifest: Path
    tables: dict[str, list[Path]]
    figures: list[Path]
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def files(self) -> list[Path]:
        """Every file written, the manifest included."""
        return [self.report, self.summary, *(p for ps in self.tables.values() for p in ps), *self.figures,
                self.manifest]


def write_run(
    out_dir: Path,
    scenario: Scenario,
    scenario_path: Path | str | None,
    valuation: Valuation,
    analysis: Analysis | None = None,
    space_valuation: Any = None,
    extra_sections: Sequence[tuple[str, Any]] = (),
    fmt: TableFormat = "parquet",
    command: str = "",
    timings: dict[str, float] | None = None,
    *,
    static_figures: bool = True,
    waterfall_package: str | None = None,
    negotiation: Any = None,
    threats: Any = None,
    lead_sections: Sequence[tuple[str, Any]] = (),
    extra_summary: dict[str, Any] | None = None,
    lang: str | None = None,
) -> RunOutputs:
    """Write every output of a run into ``out_dir`` (created if missing; see
    :func:`zopa.report.run_dir.new_run_dir` to create it safely) and return their paths.

    ``timings`` (seconds per stage measured by the caller, e.g. ``{"valuation": 1.2}``) are recorded
    in the manifest with this function's own stages; the valuations' own durations are added when the
    caller did not time them. ``static_figures=False`` skips the SVG export. ``lang`` is the language
    of the report and its figures (``"en"``, ``"zh"``; None: the current one, see
    :func:`zopa.report.i18n.report_language`); summary.json and the tables do not depend on it.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stages: dict[str, float] = dict(timings or {})
    stages.setdefault("valuation", valuation.seconds)
    if space_valuation is not None:
        stages.setdefault("deal_space_valuation", float(space_valuation.seconds))
    run_date = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    digest = scenario_hash(scenario)
    notes: list[str] = []

    def timed(stage: str, fn: Any) -> Any:
        start = time.perf_counter()
        result = fn()
        stages[stage] = time.perf_counter() - start
        return result

    # the browser for the SVG copies starts now, beside the rest of the writing
    exporter = BackgroundExport(out_dir / "figures") if static_figures else None
    try:
        return _write(out_dir, scenario, scenario_path, valuation, analysis, space_valuation, extra_sections, fmt,
                      command, stages, timed, notes, run_date, digest, exporter, waterfall_package, negotiation,
                      threats, lead_sections, extra_summary, lang)
    finally:
        if exporter is not None:
            exporter.cancel()


def _write(out_dir: Path, scenario: Scenario, scenario_path: Path | str | None, valuation: Valuation,
           analysis: Analysis | None, space_valuation: Any, extra_sections: Sequence[tuple[str, Any]],
           fmt: TableFormat, command: str, stages: dict[str, float], timed: Any, notes: list[str], run_date: str,
           digest: str, exporter: BackgroundExport | None, waterfall_package: str | None, negotiation: Any,
           threats: Any, lead_sections: Sequence[tuple[str, Any]], extra_summary: dict[str, Any] | None,
           lang: str | None) -> RunOutputs:

    summary_path = timed("summary", lambda: atomic_write_text(
        out_dir / "summary.json",
        summary_json(summary_dict(valuation, analysis, space_valuation, scenario_digest=digest, run_date=run_date,
                                  negotiation=negotiation, threats=threats, extra=extra_summary))))

    def tables() -> dict[str, list[Path]]:
        out = {"packages": write_table(packages_table(valuation), out_dir / "packages", fmt),
               "terms": write_table(terms_table(valuation), out_dir / "terms", fmt)}
        if analysis is not None:
            out["deal_space"] = write_table(deal_space_table(analysis, space_valuation), out_dir / "deal_space", fmt)
        return out

    table_paths = timed("tables", tables)
    meta = ReportMeta(seed=valuation.seed, paths=valuation.n_paths, scenario_hash=digest, run_date=run_date,
                      command=command, scenario_path=None if scenario_path is None else str(scenario_path),
                      space_paths=None if space_valuation is None else int(space_valuation.n_paths),
                      space_seed=None if space_valuation is None else int(space_valuation.seed))
    data = ReportData(scenario, valuation, analysis, space_valuation, tuple(extra_sections), meta, waterfall_package,
                      tuple(lead_sections), lang=check_language(lang) if lang else None, negotiation=negotiation)
    data = timed("sections", lambda: resolve_data(data))
    figures = timed("figures_build", lambda: report_figures(data))
    report_path = timed("report", lambda: atomic_write_text(out_dir / "report.html",
                                                            build_report_html(data, figures)))
    svgs: list[Path] = []
    if exporter is not None:  # the time the run waited for the SVG copies
        export = timed("static_figures", lambda: exporter.finish(figures))
        svgs = export.written
        if export.note:
            notes.append(export.note)
    else:
        notes.append("static figures not requested")

    written = [summary_path, report_path, *(p for ps in table_paths.values() for p in ps), *svgs]
    space = None if space_valuation is None else {
        "paths": int(space_valuation.n_paths), "seed": int(space_valuation.seed),
        "packages": int(space_valuation.space.n_packages)}
    start = time.perf_counter()
    document = manifest_dict(out_dir, written, scenario_path=scenario_path, scenario_digest=digest,
                             seed=valuation.seed, paths=valuation.n_paths, run_date=run_date, command=command,
                             timings=stages, space=space, notes=notes)
    stages["manifest"] = time.perf_counter() - start
    document["timings_s"]["manifest"] = round(stages["manifest"], 4)
    manifest_path = atomic_write_text(out_dir / "manifest.json", manifest_json(document))
    return RunOutputs(out_dir, report_path, summary_path, manifest_path, table_paths, svgs, notes, stages)

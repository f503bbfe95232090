"""``manifest.json``: what went into a run and what came out, with hashes, so a run can be checked
and reproduced: the scenario file (path, SHA-256 of its bytes, canonical scenario hash), versions,
seed, paths, run date, timings per stage, and every file written with its SHA-256."""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from zopa import __version__
from zopa.report.run_dir import sha256_file

MANIFEST_VERSION = "1.0"
#: Libraries whose versions can change the numbers or the outputs.
LIBRARIES = ("numpy", "scipy", "pydantic", "plotly", "pyarrow")


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def scenario_input(scenario_path: Path | str | None, digest: str) -> dict[str, Any]:
    """The scenario file (absolute path and SHA-256 of its bytes) and the canonical scenario hash."""
    entry: dict[str, Any] = {"path": None, "sha256": None, "scenario_hash": digest}
    if scenario_path is not None:
        path = Path(scenario_path)
        entry["path"] = str(path.resolve())
        try:
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            entry["sha256"] = None
    return entry


def file_entries(out_dir: Path, files: Iterable[Path]) -> list[dict[str, Any]]:
    """Each file relative to the run directory, with its size and SHA-256, sorted by path."""
    out_dir = Path(out_dir)
    entries = []
    for f in sorted({Path(f) for f in files}):
        entries.append({"path": f.relative_to(out_dir).as_posix(), "bytes": f.stat().st_size,
                        "sha256": sha256_file(f)})
    return entries


def manifest_dict(
    out_dir: Path,
    files: Iterable[Path],
    *,
    scenario_path: Path | str | None,
    scenario_digest: str,
    seed: int,
    paths: int,
    run_date: str,
    command: str = "",
    timings: dict[str, float] | None = None,
    space: dict[str, Any] | None = None,
    notes: Iterable[str] = (),
) -> dict[str, Any]:
    """The manifest document (see the module docstring)."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "zopa_version": __version__,
        "run_date": run_date,
        "command": command,
        "inputs": {"scenario": scenario_input(scenario_path, scenario_digest)},
        "seed": seed,
        "paths": paths,
        "deal_space": space,
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "executable": sys.executable,
            "libraries": library_versions(),
        },
        "timings_s": {k: round(float(t), 4) for k, t in (timings or {}).items()},
        "files": file_entries(out_dir, files),
        "notes": list(notes),
    }


def manifest_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

"""Scenarios shipped inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_SCENARIO = "openai_microsoft_2025"


def builtin_scenarios() -> dict[str, Path]:
    """Built-in scenario names → paths of their TOML files."""
    folder = resources.files("zopa") / "data" / "scenarios"
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".toml")}


def builtin_path(name: str = DEFAULT_SCENARIO) -> Path:
    """Path of a built-in scenario by name; ``KeyError`` lists the names available."""
    found = builtin_scenarios()
    if name not in found:
        raise KeyError(f"no built-in scenario {name!r}; available: {', '.join(sorted(found))}")
    return found[name]

"""The hostile scenario: the built-in case with a corpus of attack strings (``hostile/corpus.json``)
in every display-text field, written back as TOML. Used by ``test_hostile_text.py``."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from zopa.scenario import builtin_path

CORPUS: list[str] = json.loads((Path(__file__).parent / "hostile" / "corpus.json").read_text(encoding="utf-8"))
#: Keys whose string values are display text in the scenario schema.
TEXT_KEYS = ("title", "description", "name", "label", "citation", "note", "url")
#: A package id that tries to leave the figures directory (ids name SVG files: ``waterfall-<id>``).
HOSTILE_ID = "../../<b>pwned</b> offer"
RENAMED = "openai_offer"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_string(s: str) -> str:
    # JSON escapes quotes, backslashes and C0 controls the way TOML basic strings do; TOML also wants DEL escaped
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return _toml_string(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def to_toml(data: dict[str, Any]) -> str:
    """A TOML document for a scenario dict: one table per top-level key, everything below it inline."""
    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for key, table in data.items():
        if isinstance(table, dict):
            lines.append(f"\n[{_toml_key(key)}]")
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


class Hostile:
    """Fills text fields with the corpus, each key cycling through it from its own start, with a
    unique tag ``⟦h<n>⟧`` so that labels stay distinct (issue labels key the solutions' choices)."""

    def __init__(self) -> None:
        self.placed: list[str] = []
        self.by_key: dict[str, list[str]] = {}
        self._next: dict[str, int] = {}

    def pick(self, key: str) -> str:
        start = {"description": len(CORPUS) - 1, "note": len(CORPUS) - 3}.get(key, 0)  # the long string early
        i = self._next.get(key, start)
        self._next[key] = i + 1
        text = f"{CORPUS[i % len(CORPUS)]} ⟦h{len(self.placed)}⟧"
        self.placed.append(text)
        self.by_key.setdefault(key, []).append(text)
        return text

    def fill(self, node: Any, path: tuple[str, ...] = ()) -> None:
        if isinstance(node, list):
            for item in node:
                self.fill(item, path)
            return
        if not isinstance(node, dict):
            return
        for key, value in list(node.items()):
            if key in TEXT_KEYS and isinstance(value, str):
                node[key] = self.pick(key)
            elif key == "labels" and isinstance(value, list) and all(isinstance(x, str) for x in value):
                node[key] = [self.pick("labels") for _ in value]
            else:
                self.fill(value, path + (key,))


def _rename(node: Any, old: str, new: str) -> Any:
    """Every string value equal to ``old`` (a package id used as a reference) replaced by ``new``."""
    if isinstance(node, dict):
        return {k: _rename(v, old, new) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename(v, old, new) for v in node]
    return new if node == old else node


def _add_option_labels(data: dict[str, Any]) -> None:
    """Give every issue of the deal space option labels (to be filled), so option text is hostile too."""
    for issue in (data.get("deal_space") or {}).get("issues", {}).values():
        if "labels" not in issue:
            n = len(issue["values"]) if "values" in issue else int(issue["range"]["steps"])
            issue["labels"] = [""] * n


def hostile_data(hostile_ids: bool = True) -> tuple[dict[str, Any], Hostile]:
    """The built-in scenario with hostile text in every text field (and a hostile package id)."""
    data = tomllib.loads(builtin_path().read_text(encoding="utf-8"))
    h = Hostile()
    _add_option_labels(data)
    h.fill(data)
    if hostile_ids and RENAMED in data["packages"]:
        data = _rename(data, RENAMED, HOSTILE_ID)
        data["packages"] = {HOSTILE_ID if k == RENAMED else k: v for k, v in data["packages"].items()}
    return data, h


def text_fields(node: Any, path: str = "") -> list[tuple[str, str]]:
    """(path, value) of every display-text field of a loaded scenario."""
    out: list[tuple[str, str]] = []
    fields = getattr(type(node), "model_fields", None)
    if fields is not None:
        for name in fields:
            value = getattr(node, name)
            if name in TEXT_KEYS and isinstance(value, str):
                out.append((f"{path}.{name}", value))
            elif name == "labels" and isinstance(value, list):
                out += [(f"{path}.labels[{i}]", v) for i, v in enumerate(value)]
            else:
                out += text_fields(value, f"{path}.{name}")
    elif isinstance(node, dict):
        for k, v in node.items():
            out += text_fields(v, f"{path}.{k}")
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            out += text_fields(v, f"{path}[{i}]")
    return out

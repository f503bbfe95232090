"""Where things are in a TOML file: the line of every key, table and array item, for messages."""

from __future__ import annotations

import bisect
import functools
import re
from typing import Any

def find_line(text: str, path: str) -> int | None:
    """Line of a TOML path (as problems write it), or of its nearest enclosing key or table."""
    if not text or not path:
        return None
    index = _line_index(text)
    while path:
        if path in index:
            return index[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


@functools.lru_cache(maxsize=16)
def _line_index(text: str) -> dict[str, int]:
    """Map every key, table and array item of a TOML document to the line where it first appears."""
    indexer = _Indexer(text)
    indexer.run()
    return indexer.rendered()


class _Indexer:
    """A small TOML scanner that records where keys are; it never raises (a partial index on oddities).

    Paths are tuples of keys and array indices; array items with a string ``id`` are named by it,
    as validation problems name them."""

    _BARE = re.compile(r"[A-Za-z0-9_-]+")

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.lines: dict[tuple[Any, ...], int] = {}
        self.ids: dict[tuple[Any, ...], str] = {}
        self.counts: dict[tuple[Any, ...], int] = {}
        self.table: tuple[Any, ...] = ()

    def run(self, stop_line: int | None = None) -> None:
        """Scan the document (up to, not including, ``stop_line``)."""
        try:
            while self.pos < len(self.text):
                self._skip(newlines=True)
                if self.pos >= len(self.text) or (stop_line and self._line() >= stop_line):
                    return
                before = self.pos
                self._statement()
                if self.pos <= before:  # no progress: skip the line
                    self._to_line_end()
                    self.pos += 1
        except (IndexError, ValueError, RecursionError):
            return

    def rendered(self) -> dict[str, int]:
        return {self.render(path): line for path, line in self.lines.items()}

    def render(self, path: tuple[Any, ...]) -> str:
        text = ""
        for i, part in enumerate(path):
            if isinstance(part, int):
                name = self.ids.get(path[: i + 1])
                text += f".{name}" if name is not None else f"[{part}]"
            else:
                text += ("." if text else "") + part
        return text

    def _line(self, pos: int | None = None) -> int:
        return bisect.bisect_left(self.newlines, self.pos if pos is None else pos) + 1

    def _record(self, path: tuple[Any, ...], line: int) -> None:
        for i in range(1, len(path) + 1):
            self.lines.setdefault(path[:i], line)

    def _statement(self) -> None:
        line = self._line()
        if self.text.startswith("[[", self.pos):
            self.pos += 2
            keys = self._key()
            self.pos = self.text.index("]]", self.pos) + 2
            array = self._concrete(keys)
            n = self.counts.get(array, 0)
            self.counts[array] = n + 1
            self.table = array + (n,)
            self._record(self.table, line)
        elif self.text.startswith("[", self.pos):
            self.pos += 1
            keys = self._key()
            self.pos = self.text.index("]", self.pos) + 1
            self.table = self._concrete(keys)
            self._record(self.table, line)
        else:
            keys = self._key()
            if not keys:
                return
            self._skip()
            if self.text[self.pos] != "=":
                return
            self.pos += 1
            self._assign(self.table, keys, line)
        self._skip()

    def _assign(self, table: tuple[Any, ...], keys: tuple[str, ...], line: int) -> None:
        path = table + keys
        self._record(path, line)
        value = self._value(path)
        if keys == ("id",) and isinstance(value, str) and table and isinstance(table[-1], int):
            self.ids[table] = value

    def _concrete(self, keys: tuple[str, ...]) -> tuple[Any, ...]:
        """A header's path, where an array of tables on the way means its latest item."""
        path: tuple[Any, ...] = ()
        for i, key in enumerate(keys):
            path += (key,)
            if path in self.counts and i < len(keys) - 1:
                path += (self.counts[path] - 1,)
        return path

    def _key(self) -> tuple[str, ...]:
        keys: list[str] = []
        while True:
            self._skip()
            c = self.text[self.pos]
            if c in "\"'":
                keys.append(self._string())
            else:
                match = self._BARE.match(self.text, self.pos)
                if not match:
                    return tuple(keys)
                keys.append(match.group())
                self.pos = match.end()
            self._skip()
            if self.text[self.pos] != ".":
                return tuple(keys)
            self.pos += 1

    def _value(self, path: tuple[Any, ...]) -> Any:
        self._skip()
        c = self.text[self.pos]
        if c == "{":
            self.pos += 1
            while True:
                self._skip()
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return None
                line = self._line()
                keys = self._key()
                if not keys:
                    raise ValueError("bad inline table")
                self._skip()
                self.pos += 1  # '='
                self._assign(path, keys, line)
                self._skip()
                if self.text[self.pos] == ",":
                    self.pos += 1
        if c == "[":
            self.pos += 1
            n = 0
            while True:
                self._skip(newlines=True)
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return None
                self._record(path + (n,), self._line())
                self._value(path + (n,))
                n += 1
                self._skip(newlines=True)
                if self.text[self.pos] == ",":
                    self.pos += 1
        if c in "\"'":
            return self._string()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",]}\n#":
            self.pos += 1
        if self.pos == start:
            raise ValueError("empty value")
        return None

    def _string(self) -> str:
        quote = self.text[self.pos]
        if self.text.startswith(quote * 3, self.pos):
            end = self.text.index(quote * 3, self.pos + 3)
            while self.text.startswith(quote, end + 3):  # up to two quotes may end the content
                end += 1
            value = self.text[self.pos + 3: end]
            self.pos = end + 3
            return value
        i = self.pos + 1
        while self.text[i] != quote:
            i += 2 if quote == '"' and self.text[i] == "\\" else 1
            if self.text[i - 1] == "\n":
                raise ValueError("unterminated string")
        value = self.text[self.pos + 1: i]
        self.pos = i + 1
        return value

    def _skip(self, newlines: bool = False) -> None:
        """Skip blanks and comments (and line ends when ``newlines``)."""
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c in " \t\r" or (newlines and c == "\n"):
                self.pos += 1
            elif c == "#":
                self._to_line_end()
            else:
                return

    def _to_line_end(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end


def path_at_line(text: str, line: int) -> str:
    """The TOML path being written on ``line`` of a document that fails to parse there (best effort)."""
    indexer = _Indexer(text)
    indexer.run(stop_line=line)
    lines = text.splitlines()
    current = lines[line - 1] if 0 < line <= len(lines) else ""
    header = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]", current)
    if header:
        return header.group(1).replace(" ", "").replace('"', "")
    key = re.match(r'\s*([A-Za-z0-9_\-."\' ]+?)\s*=', current)
    keys = tuple(k.strip().strip("\"'") for k in key.group(1).split(".")) if key else ()
    return indexer.render(indexer.table + keys)



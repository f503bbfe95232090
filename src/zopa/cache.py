"""One valuation per run, shared: an in-process and on-disk cache of the Monte Carlo valuations.

A valuation is determined by what it is computed from: the scenario (its canonical digest,
:func:`zopa.scenario.scenario_hash`), the seed, the number of paths, the packages valued, and the
code that computes it. The cache key is a BLAKE2b digest of exactly those, with the code version
being a digest of every source file of the installed package (:func:`code_version`): a result is
never reused by another version of the code, and results do not depend on how paths are chunked.

Two layers:

* in process, the last few results are kept as objects (every stage of a run and every library
  call with the same key shares them);
* on disk (``$ZOPA_CACHE_DIR``, else ``$XDG_CACHE_HOME/zopa``, else ``~/.cache/zopa``), one ``.npz``
  file of float64 arrays per result plus a JSON header, no pickled objects. Files are written to a
  temporary name and renamed (atomic on POSIX), so a reader never sees half a file; a file that
  fails to load (e.g. truncated by a crash), or whose header does not match its key, is ignored
  and removed. Entries of other
  code versions are deleted once unused for a day, and the least recently used entries go when the
  directory grows past :data:`MAX_BYTES` (``$ZOPA_CACHE_MAX_MB``).

What is cached: :class:`~zopa.value.Valuation` (per-path values of every package to every party
under every belief, per term) and :class:`~zopa.basis.SpaceValuation` (per-path basis columns and
every package's utility). Analyses built on them are cheap and recomputed.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pragma: no cover - types only; the modules load on first use
    from zopa.basis import SpaceValuation
    from zopa.scenario.schema import Scenario
    from zopa.value import Valuation

#: Default size limit of the on-disk cache (bytes); the oldest entries are removed beyond it.
MAX_BYTES = 2 * 1024**3
#: Results kept in process (each is tens of MB at 20,000 paths).
MEMORY_ENTRIES = 6
#: Layout of the files; bumped on any change of what is stored.
FORMAT = 1
#: Entries of another code version unused for this long (seconds) are removed.
STALE_SECONDS = 24 * 3600

Progress = Callable[[int, int], None]


def default_dir() -> Path:
    """``$ZOPA_CACHE_DIR``, else ``$XDG_CACHE_HOME/zopa``, else ``~/.cache/zopa``."""
    if os.environ.get("ZOPA_CACHE_DIR"):
        return Path(os.environ["ZOPA_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "zopa"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Digest of the package version and every source and data file of the package (hex, 16 bytes).

    >>> len(code_version())
    32
    """
    from zopa import __version__

    root = Path(__file__).resolve().parent
    h = hashlib.blake2b(f"zopa {__version__} format {FORMAT}".encode(), digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".toml", ".json") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def scenario_digest(scenario: "Scenario") -> str:
    """The scenario's canonical digest (:func:`zopa.scenario.scenario_hash`)."""
    from zopa.scenario.load import scenario_hash

    return scenario_hash(scenario)


class Cache:
    """Where results are kept: ``root`` on disk (``None``: in process only), ``enabled=False``: nothing
    is kept at all (every call computes)."""

    def __init__(self, root: Path | str | None = None, enabled: bool = True, max_bytes: int | None = None) -> None:
        self.root = None if root is None else Path(root)
        self.enabled = enabled
        env = os.environ.get("ZOPA_CACHE_MAX_MB")
        self.max_bytes = max_bytes if max_bytes is not None else int(float(env) * 2**20) if env else MAX_BYTES
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        where = "off" if not self.enabled else ("in process" if self.root is None else str(self.root))
        return f"Cache({where})"

    @classmethod
    def default(cls) -> "Cache":
        """The on-disk cache at :func:`default_dir`."""
        return cls(default_dir())

    def key(self, kind: str, scenario: "Scenario", **params: Any) -> str:
        """Digest of the kind of result, the code version, the scenario and ``params``."""
        blob = json.dumps({"kind": kind, "code": code_version(), "scenario": scenario_digest(scenario), **params},
                          sort_keys=True, default=str)
        return hashlib.blake2b(blob.encode(), digest_size=20).hexdigest()

    # -- disk ----------------------------------------------------------------------------------

    def _dir(self) -> Path | None:
        return None if self.root is None else self.root / code_version()

    def _path(self, kind: str, key: str) -> Path | None:
        d = self._dir()
        return None if d is None else d / f"{kind}-{key}.npz"

    def load(self, kind: str, key: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """``(header, arrays)`` stored under ``key``, or None (missing, unreadable or not this key's)."""
        import numpy as np

        path = self._path(kind, key)
        if path is None or not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as npz:
                header = json.loads(str(npz["__header__"]))
                if header.get("key") != key or header.get("code") != code_version() or header.get("format") != FORMAT:
                    raise ValueError("header does not match the key")
                arrays = {name: npz[name] for name in npz.files if name != "__header__"}
        except Exception:  # a truncated, corrupt or foreign file: ignore it and let it be rewritten
            path.unlink(missing_ok=True)
            return None
        os.utime(path)  # recently used: pruned last
        return header, arrays

    def store(self, kind: str, key: str, header: dict[str, Any], arrays: dict[str, Any]) -> Path | None:
        """Write ``arrays`` (float or integer numpy arrays) and a JSON ``header`` atomically."""
        import numpy as np

        path = self._path(kind, key)
        if path is None:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            head = {**header, "key": key, "code": code_version(), "format": FORMAT, "kind": kind}
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    np.savez(f, __header__=np.array(json.dumps(head)), **arrays)
                os.replace(tmp, path)  # readers see the old file or the whole new one, never a part
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self.prune()
        except OSError:  # a read-only or full disk: the result is still returned, just not kept
            return None
        return path

    def prune(self) -> None:
        """Remove the entries of other code versions unused for :data:`STALE_SECONDS` (another
        checkout may be using its own), temporary files left by interrupted writes, then the least
        recently used entries of any version beyond ``max_bytes``."""
        if self.root is None or not self.root.is_dir():
            return
        now = time.time()
        mine = self._dir()
        entries = []
        for d in self.root.iterdir():
            if not d.is_dir() or len(d.name) != 32:
                continue
            for f in d.glob(".*.tmp"):
                if now - _mtime(f) > 3600:
                    f.unlink(missing_ok=True)
            files = [(f, _mtime(f), _size(f)) for f in d.glob("*.npz")]
            if d != mine and all(now - t > STALE_SECONDS for _, t, _ in files):
                for f, _, _ in files:
                    f.unlink(missing_ok=True)
                try:
                    d.rmdir()
                except OSError:
                    pass
                continue
            entries += files
        entries.sort(key=lambda e: e[1])
        total = sum(size for _, _, size in entries)
        for f, _, size in entries[:-1]:  # the newest entry stays, whatever its size
            if total <= self.max_bytes:
                break
            total -= size
            f.unlink(missing_ok=True)

    def clear(self) -> None:
        """Forget everything: in process and on disk (this code version's entries and others')."""
        _MEMORY.clear()
        if self.root is not None and self.root.is_dir():
            for f in self.root.glob("*/*.npz"):
                f.unlink(missing_ok=True)

    # -- results -------------------------------------------------------------------------------

    def valuation(self, scenario: "Scenario", n_paths: int, seed: int = 0, packages: list[str] | None = None,
                  progress: Progress | None = None, helper: Any = None,
                  queued: Callable[[], None] | None = None) -> "Valuation":
        """:func:`zopa.value.value_scenario` of ``packages`` (default: all), kept under its key.
        ``helper`` (:class:`zopa.workers.Helper`) values the worlds of the other parties' beliefs
        beside the first party's, and ``queued()`` is called once that is queued (at once when the
        valuation is kept or there is no helper)."""
        names = list(packages or scenario.packages)
        key = self.key("valuation", scenario, n_paths=int(n_paths), seed=int(seed), packages=names)
        found = self._find("valuation", key, scenario, valuation_from_arrays) if self.enabled else None
        if found is not None:
            if queued is not None:
                queued()
            return self._hit(found, n_paths, progress)
        result = split_valuation(scenario, n_paths, seed, names, progress, helper, queued)
        if self.enabled:
            self._keep("valuation", key, result, valuation_to_arrays)
        return result

    def space(self, scenario: "Scenario", n_paths: int, seed: int = 0, valuation: "Valuation | None" = None,
              progress: Progress | None = None, helper: Any = None,
              queued: Callable[[], None] | None = None) -> "SpaceValuation":
        """:func:`zopa.basis.value_space` of the scenario's deal space, kept under its key.
        ``valuation`` (the named packages on the same paths) saves valuing the BATNAs again;
        ``helper`` (:class:`zopa.workers.Helper`) values a party's side beside the other's, and
        ``queued()`` is called once that is queued (at once when the space is kept)."""
        from zopa.basis import value_space

        if not self.enabled:
            return value_space(scenario, n_paths, seed, progress=progress, valuation=valuation, helper=helper,
                               queued=queued)
        key = self.key("space", scenario, n_paths=int(n_paths), seed=int(seed))
        found = self._find("space", key, scenario, space_from_arrays)
        if found is not None:
            if queued is not None:
                queued()
            return self._hit(found, n_paths, progress)
        result = value_space(scenario, n_paths, seed, progress=progress, valuation=valuation, helper=helper,
                             queued=queued)
        self._keep("space", key, result, space_to_arrays)
        return result

    def _find(self, kind: str, key: str, scenario: "Scenario", rebuild: Callable[..., Any]) -> Any:
        """The result under ``key``, in process or on disk, attached to ``scenario`` (which has the
        digest the key was made from); None if not kept."""
        found = _MEMORY.get(key)
        if found is not None:
            _MEMORY.move_to_end(key)
            return found if found.scenario is scenario else dataclasses.replace(found, scenario=scenario)
        stored = self.load(kind, key)
        if stored is None:
            return None
        try:
            result = rebuild(scenario, *stored)
        except Exception:  # stored by a different layout: recompute (and overwrite)
            return None
        _remember(key, result)
        return result

    def _keep(self, kind: str, key: str, result: Any, to_arrays: Callable[[Any], tuple[dict, dict]]) -> None:
        self.misses += 1
        _remember(key, result)
        if self.root is not None:
            self.store(kind, key, *to_arrays(result))

    def _hit(self, result: Any, n_paths: int, progress: Progress | None) -> Any:
        self.hits += 1
        if progress is not None:
            progress(n_paths, n_paths)
        return result


_MEMORY: "OrderedDict[str, Any]" = OrderedDict()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _remember(key: str, result: Any) -> None:
    _MEMORY[key] = result
    _MEMORY.move_to_end(key)
    while len(_MEMORY) > MEMORY_ENTRIES:
        _MEMORY.popitem(last=False)


def cached_valuation(root: Path | None, enabled: bool, scenario: "Scenario", n_paths: int, seed: int,
                     packages: list[str] | None = None) -> "Valuation":
    """:meth:`Cache.valuation` in a cache at ``root`` (a module-level function, so a helper process
    can run it: the result is kept on disk there and returned)."""
    return Cache(root, enabled).valuation(scenario, n_paths, seed, packages=packages)


def split_valuation(scenario: "Scenario", n_paths: int, seed: int, packages: list[str],
                    progress: Progress | None = None, helper: Any = None,
                    queued: Callable[[], None] | None = None) -> "Valuation":
    """:func:`zopa.value.value_scenario`, the first party's belief worlds here and the others' in
    ``helper`` when it runs beside this process (the same numbers either way:
    :func:`zopa.value.join_beliefs`); ``queued()`` once the helper's share is queued."""
    from zopa.value import join_beliefs, value_scenario

    first, *others = scenario.party_ids
    if helper is None or not helper.parallel or not others:
        if queued is not None:
            queued()
        return value_scenario(scenario, n_paths, seed, packages=packages, progress=progress)
    pending = helper.submit(value_scenario, scenario, n_paths, seed, packages=packages, beliefs=others)
    if queued is not None:
        queued()
    mine = value_scenario(scenario, n_paths, seed, packages=packages, progress=progress, beliefs=[first])
    return join_beliefs([mine, pending.result()])


def with_packages(base: "Valuation", extra: "Valuation") -> "Valuation":
    """``extra`` (a valuation of a variant of ``base``'s scenario that adds packages) completed with
    ``base``'s packages, valued on the same paths: the values are those a valuation of all of them
    together gives, since a package's per-path values do not depend on which others are valued."""
    if (base.n_paths, base.seed) != (extra.n_paths, extra.seed):
        raise ValueError("the two valuations are not on the same paths")
    missing = [p for p in base.packages if p not in extra.packages]
    keep = {k: v for k, v in base.values.items() if k[0] in missing}
    terms = {k: v for k, v in base.terms.items() if k[0] in missing}
    labels = {p: base.term_labels[p] for p in missing if p in base.term_labels}
    clauses = {k: v for k, v in base.clauses.items() if k[0] in missing}
    return dataclasses.replace(extra, packages=(*missing, *extra.packages), values={**keep, **extra.values},
                               terms={**terms, **extra.terms}, term_labels={**labels, **extra.term_labels},
                               clauses={**clauses, **extra.clauses})


def resolve(cache: "Cache | bool | str | Path | None") -> Cache:
    """A :class:`Cache` from a library argument: ``True`` the on-disk default, ``False`` none,
    ``None`` in process only, a path an on-disk cache there."""
    if isinstance(cache, Cache):
        return cache
    if cache is True:
        return Cache.default()
    if cache is False:
        return Cache(enabled=False)
    if cache is None:
        return Cache(None)
    return Cache(Path(cache))


# --- serialisation: plain arrays and a JSON header, no pickles ---------------------------------------


def valuation_to_arrays(v: "Valuation") -> tuple[dict[str, Any], dict[str, Any]]:
    """A :class:`~zopa.value.Valuation` as a JSON-able header and named float64 arrays."""
    import numpy as np

    value_keys = list(v.values)
    term_keys = [(*k, name) for k, terms in v.terms.items() for name in terms]
    header = {
        "n_paths": v.n_paths, "seed": v.seed, "packages": list(v.packages), "seconds": v.seconds,
        "values": [list(k) for k in value_keys], "terms": [list(k) for k in term_keys],
        "term_keys": [list(k) for k in v.terms],
        "term_labels": v.term_labels,
        "calibration": None if v.calibration is None else dataclasses.asdict(v.calibration),
        "clauses": [[pkg, belief, trigger, dataclasses.asdict(rates)]
                    for (pkg, belief), per in v.clauses.items() for trigger, rates in per.items()],
    }
    arrays = {
        "values": np.stack([v.values[k] for k in value_keys]) if value_keys else np.zeros((0, v.n_paths)),
        "terms": np.stack([v.terms[k[:3]][k[3]] for k in term_keys]) if term_keys else np.zeros((0, v.n_paths)),
    }
    return header, arrays


def valuation_from_arrays(scenario: "Scenario", header: dict[str, Any], arrays: dict[str, Any]) -> "Valuation":
    from zopa.calibration import Calibration
    from zopa.value import ClauseRates, Valuation

    values = {tuple(k): arrays["values"][i] for i, k in enumerate(header["values"])}
    terms: dict[tuple[str, str, str], dict[str, Any]] = {tuple(k): {} for k in header["term_keys"]}
    for i, (pkg, party, belief, name) in enumerate(header["terms"]):
        terms[(pkg, party, belief)][name] = arrays["terms"][i]
    clauses: dict[tuple[str, str], dict[str, ClauseRates]] = {}
    for pkg, belief, trigger, rates in header["clauses"]:
        clauses.setdefault((pkg, belief), {})[trigger] = ClauseRates(**rates)
    cal = header["calibration"]
    return Valuation(scenario, int(header["seed"]), int(header["n_paths"]), tuple(header["packages"]), values,
                     terms, float(header["seconds"]), header["term_labels"],
                     None if cal is None else Calibration(**cal), clauses)  # type: ignore[arg-type]


_PARTY_ARRAYS = ("mean", "se", "utility", "utility_se", "gain_se", "columns", "constant", "batna_paths")
_PARTY_SCALARS = ("batna", "batna_se", "batna_package", "risk_aversion", "inside")


def space_to_arrays(sv: "SpaceValuation") -> tuple[dict[str, Any], dict[str, Any]]:
    """A :class:`~zopa.basis.SpaceValuation` as a header and arrays (the expanded space is rebuilt
    from the scenario on loading)."""
    header = {"n_paths": sv.n_paths, "seed": sv.seed, "seconds": sv.seconds, "packages": sv.space.n_packages,
              "parties": {p: {name: getattr(pv, name) for name in _PARTY_SCALARS} for p, pv in sv.parties.items()}}
    arrays = {f"{p}.{name}": getattr(pv, name) for p, pv in sv.parties.items() for name in _PARTY_ARRAYS}
    return header, arrays


def space_from_arrays(scenario: "Scenario", header: dict[str, Any], arrays: dict[str, Any]) -> "SpaceValuation":
    from zopa.basis import PartyValues, SpaceValuation
    from zopa.dealspace import expand

    space = expand(scenario.deal_space)  # type: ignore[arg-type]
    if space.n_packages != header["packages"]:
        raise ValueError("the stored deal space does not match the scenario's")
    parties = {p: PartyValues(party=p, **{n: arrays[f"{p}.{n}"] for n in _PARTY_ARRAYS}, **scalars)
               for p, scalars in header["parties"].items()}
    return SpaceValuation(scenario, space, parties, int(header["n_paths"]), int(header["seed"]), float(header["seconds"]))

"""zopa — war-game a deal renegotiation.

Data flows one way: scenario → model → paths → term values → packages → analysis → outputs.

The library's seven calls — :func:`~zopa.api.load`, :func:`~zopa.api.value`,
:func:`~zopa.api.analyze`, :func:`~zopa.api.negotiate`, :func:`~zopa.api.threats`,
:func:`~zopa.api.sensitivity`, :func:`~zopa.api.run` — and :func:`~zopa.api.to_frame` are
available here and load on first use (PEP 562), so ``import zopa`` is cheap.

Four of the names are also subpackages or modules (``zopa.value``, ``zopa.negotiate``,
``zopa.threats``, ``zopa.sensitivity``): ``zopa.value(...)`` calls the function, and
``zopa.value.value_scenario`` is still the module's — the module, once imported, is made callable.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__version__ = "0.1.0"

#: The library calls (:mod:`zopa.api`).
API = ("load", "value", "analyze", "negotiate", "threats", "sensitivity", "run", "to_frame")
#: Calls that share their name with a module of the package.
_MODULES = ("value", "negotiate", "threats", "sensitivity")

__all__ = ["__version__", *API]


class _CallableModule(types.ModuleType):
    """A module of the package that is also one of the library calls (``zopa.value(...)``)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from zopa import api

        return getattr(api, self.__name__.rsplit(".", 1)[1])(*args, **kwargs)


class _Package(types.ModuleType):
    """The ``zopa`` package: submodules named like a library call become callable when imported."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _MODULES and type(value) is types.ModuleType:
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")  # set on the package, callable
    if name in API:
        from zopa import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(API))

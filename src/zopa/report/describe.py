"""Words for what the report shows: a distribution (``PERT 2026 – 2029 – 2036, λ = 4``), an input of
the scenario (its schema description, not its TOML path), an output of a sensitivity run (``OpenAI's
gain from “OpenAI's offer” over the contract in force``), in the report's language. Scenario text is
returned as it is: callers escape it for their output (:mod:`zopa.report.safe`)."""

from __future__ import annotations

import math
from typing import Any

from zopa.beliefs import Beta, Blend, Discrete, Exponential, Fixed, Lognormal, Mixture, Normal, Pert, Triangular, Uniform
from zopa.report.context import ReportContext
from zopa.report.i18n import t


def humanise(key: str) -> str:
    """An id in words: ``agi_declared`` → ``agi declared``.

    >>> humanise("microsoft_cap")
    'microsoft cap'
    """
    return key.replace("_", " ").strip()


def number(x: float) -> str:
    """A parameter of a distribution: up to four significant figures, years as years, ∞ as "never".

    >>> number(2029.0), number(0.15), number(0.6435414), number(float("inf"))
    ('2029', '0.15', '0.6435', 'never')
    """
    if math.isinf(x):
        return t("dist.never")
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def spec_text(spec: Any) -> str:
    """A distribution in words, with the chance it never happens (``p_never``) when it has one.

    >>> from zopa.beliefs import Pert
    >>> spec_text(Pert(low=2026, mode=2029, high=2036, p_never=0.1, source="x"))
    'PERT 2026 – 2029 – 2036 (λ = 4); not within horizon: 10%'
    """
    n = number
    if isinstance(spec, Fixed):
        text = n(spec.value)
    elif isinstance(spec, Uniform):
        text = t("dist.uniform", low=n(spec.low), high=n(spec.high))
    elif isinstance(spec, Triangular):
        text = t("dist.triangular", low=n(spec.low), mode=n(spec.mode), high=n(spec.high))
    elif isinstance(spec, Pert):
        text = t("dist.pert", low=n(spec.low), mode=n(spec.mode), high=n(spec.high), lamb=n(spec.lamb))
    elif isinstance(spec, Normal):
        text = t("dist.normal", mean=n(spec.mean_), sd=n(spec.sd))
    elif isinstance(spec, Lognormal):
        text = t("dist.lognormal", interval=f"{spec.interval:.0%}", lo=n(spec.lo), hi=n(spec.hi))
    elif isinstance(spec, Beta):
        text = t("dist.beta", alpha=n(spec.alpha), beta=n(spec.beta), low=n(spec.low), high=n(spec.high))
    elif isinstance(spec, Exponential):
        text = t("dist.exponential", rate=n(spec.rate), start=n(spec.start))
    elif isinstance(spec, Discrete):
        text = t("dist.discrete", values=", ".join(f"{n(v)} ({p:.0%})" for v, p in zip(spec.values, spec.probs)))
    elif isinstance(spec, Mixture):
        text = t("dist.mixture", parts="; ".join(f"{w:.0%} {spec_text(c)}" for w, c in zip(spec.weights, spec.components)))
    elif isinstance(spec, Blend):
        text = t("dist.blend", weight=f"{spec.weight:.0%}", a=spec_text(spec.a), b=spec_text(spec.b))
    else:  # a distribution this module does not know yet
        from zopa.beliefs import describe

        text = describe(spec)
        return text
    if spec.p_never:
        text += t("dist.p_never", p=f"{spec.p_never:.0%}")
    return text


def _walk(scenario: Any, path: str) -> tuple[str, list[str], bool]:
    """The schema description of the last field a TOML path passes through, the dictionary keys the
    path passes through (``compute``, ``agi_declared``, ``rofr``), and whether every part of the path
    was found."""
    node: Any = scenario
    description = ""
    keys: list[str] = []
    for part in path.split("."):
        fields = getattr(type(node), "model_fields", None)
        if fields is not None and part in fields:
            description = fields[part].description or ""
            node = getattr(node, part)
        elif isinstance(node, dict) and part in node:
            keys.append(part)
            node = node[part]
        else:
            return description, keys, False
    return description, keys, True


def input_label(context: ReportContext, path: str) -> str:
    """An input of the scenario in words: its schema description (amounts in the scenario's unit),
    with the resource, trigger, regime or term it belongs to; a named input by its name.

    >>> from zopa.scenario import builtin_path, load_scenario
    >>> c = ReportContext(load_scenario(builtin_path()))
    >>> input_label(c, "world.agi.arrival"), input_label(c, "world.resources.compute.grantor_premium")
    ('Calendar year AGI arrives', "Grantor's premium over market on locked spend (compute)")
    >>> input_label(c, "world.resources.compute.holder_share.rofr")
    'Share of spend the holder captures, by regime (compute, rofr)'
    >>> input_label(c, "inputs.microsoft_cap"), input_label(c, "common_terms.reverse_share.rate")
    ('Microsoft cap (named input)', 'Reverse share: rate')
    """
    parts = path.split(".")
    if parts[0] == "inputs" and len(parts) == 2:
        return t("input.named", name=humanise(parts[1]).capitalize())
    description, keys, found = _walk(context.scenario, path)
    if not (found and description):
        return ": ".join(humanise(p) for p in parts[-2:]).capitalize()
    description = description.replace("USD bn", context.unit.short)
    text = description[:1].upper() + description[1:]
    return f"{text} ({', '.join(humanise(k) for k in keys)})" if keys else text


def output_label(context: ReportContext, name: str) -> str:
    """A sensitivity output in words: ``gain.<package>.<party>``, ``value.<package>.<party>``,
    ``zopa.width.<party>``; anything else as it is.

    >>> from zopa.scenario import builtin_path, load_scenario
    >>> c = ReportContext(load_scenario(builtin_path()))
    >>> output_label(c, "zopa.width.microsoft")
    'Width of the ZOPA for Microsoft (its largest gain over walking away)'
    """
    parts = name.split(".")
    if len(parts) == 3 and parts[0] in ("gain", "value") and parts[2] in context.scenario.parties:
        party = context.name(parts[2])
        key = "output.gain" if parts[0] == "gain" else "output.value"
        package = t("package.recommended") if parts[1] == "recommended" and parts[1] not in context.scenario.packages \
            else context.package_label(parts[1])
        return t(key, party=party, package=package, measure=context.measure(parts[2]))
    if len(parts) == 3 and parts[:2] == ["zopa", "width"] and parts[2] in context.scenario.parties:
        return t("output.width", party=context.name(parts[2]))
    return name


def range_text(values: dict[str, tuple[float, float]], context: ReportContext) -> str:
    """An input's 10% and 90% values, per party when they differ: ``0.644 – 0.841`` or
    ``OpenAI 2027 – never; Microsoft 2031 – never``."""

    def one(lo: float, hi: float) -> str:
        return f"{number(lo)} – {number(hi)}"

    texts = {party: one(lo, hi) for party, (lo, hi) in values.items()}
    if len(set(texts.values())) == 1:
        return next(iter(texts.values()))
    return "; ".join(f"{context.name(p)} {text}" for p, text in texts.items())

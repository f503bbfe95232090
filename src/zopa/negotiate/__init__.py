"""Alternating-offers negotiation dynamics and strategy tournaments over a finite deal space."""

from zopa.negotiate.protocol import (
    NashPoint,
    NegotiationInputError,
    NegotiationResult,
    Offer,
    nash_point,
    negotiate,
)
from zopa.negotiate.strategies import (
    STRATEGY_NAMES,
    DeadlineAware,
    Hardliner,
    InvalidStrategyError,
    RelativeTitForTat,
    RoundContext,
    Strategy,
    TimeDependent,
    concession_curve,
    strategy_from_name,
)
from zopa.negotiate.tournament import TournamentRow, TournamentTable, tournament

__all__ = [
    "STRATEGY_NAMES",
    "DeadlineAware",
    "Hardliner",
    "InvalidStrategyError",
    "NashPoint",
    "NegotiationInputError",
    "NegotiationResult",
    "Offer",
    "RelativeTitForTat",
    "RoundContext",
    "Strategy",
    "TimeDependent",
    "TournamentRow",
    "TournamentTable",
    "concession_curve",
    "nash_point",
    "negotiate",
    "strategy_from_name",
    "tournament",
]

"""The commented template that ``zopa new`` writes: a small licence renewal that validates as-is."""

TEMPLATE = '''# A zopa scenario: a software licence renewal between a vendor and a customer.
# Money in USD billions, time in calendar years. Every number is a table with a `source`
# key pointing into [sources]; a number that differs by party is a table keyed by party id.
# Distributions: fixed (value), uniform (low, high), triangular (low, mode, high),
# normal (mean, sd), lognormal (lo, hi: a 90% interval), beta (alpha, beta), pert (low, mode, high),
# exponential (rate, start), discrete (values, probs), mixture (components, weights).
# Event times (e.g. world.agi.arrival) may add p_never: the chance it never happens in the horizon.

[meta]
title = "Licence renewal (template)"
as_of = 2025-01-01
unit = "USD billions"
status_quo = "status_quo"          # the package that holds if there is no deal

[time]
start = 2025                       # first grid year
horizon = 2030                     # last grid year (inclusive)
step = 1                           # years between grid points

[sources.term_sheet]
citation = "The parties' term sheet"
kind = "report"                    # seed | report | filing | assumption
date = 2024-12-01

[sources.assumption]
citation = "Our assumptions"
kind = "assumption"
note = "Say why each assumed number is what it is."

# Each cash flow is discounted at the market rate of its risk, the same for both parties (a claim is
# worth what it is worth, whoever holds it); the parties' views differ only in their beliefs.
# Term kinds have a default class (equity_stake/profit_share: equity; payment/funding_cost: fixed;
# the rest: revenue); a term may name another with risk = "...".
[discounting]
method = "market"
rates.fixed = { value = 0.04, source = "assumption" }     # risk-free
rates.revenue = { value = 0.08, source = "assumption" }   # claims on the customer's sales
rates.equity = { value = 0.11, source = "assumption" }    # residual claims on the customer

[parties.vendor]
name = "Vendor"
# A party's own rate is its impatience between bargaining rounds, not the rate of its values.
discount_rate = { value = 0.10, source = "assumption" }

[parties.customer]
name = "Customer"
discount_rate = { value = 0.08, source = "assumption" }
risk_aversion = { value = 0.05, source = "assumption" }   # CARA, per USD bn (optional)

# The customer's business, whose revenue the licence fees are tied to.
[world.revenue]
initial = { value = 2.0, source = "term_sheet" }
growth_initial = { dist = "triangular", low = 0.05, mode = 0.15, high = 0.30, source = "assumption" }
growth_long_run = { value = 0.05, source = "assumption" }
growth_decay = { value = 0.3, source = "assumption" }
volatility = { value = 0.15, source = "assumption" }

[world.margin]
initial = { value = 0.10, source = "assumption" }
long_run = { value = 0.20, source = "assumption" }
convergence = { value = 0.5, source = "assumption" }

[world.agi]
# A disruptive event the parties disagree about (here: a cheaper open alternative appears).
arrival.vendor = { dist = "uniform", low = 2028, high = 2040, source = "assumption" }
arrival.customer = { dist = "uniform", low = 2026, high = 2032, p_never = 0.2, source = "assumption" }

[world.exit]
revenue_multiple = { dist = "lognormal", lo = 2, hi = 5, source = "assumption" }

[triggers.renewal_end]
kind = "date"
date = 2028-12-31

[triggers.new_end]
kind = "date"
date = 2030-12-31

[triggers.alternative]
kind = "declared"                  # fires when the event is declared under a rule
event = "agi"
rule = "board"

[triggers.end_or_alternative]
kind = "first_of"
of = ["new_end", "alternative"]

[packages.status_quo]
label = "Current licence: 8% of revenue through 2028"
restructured = false

[[packages.status_quo.terms]]
id = "fee"
kind = "revenue_share"
label = "Licence fee"
payer = "customer"
payee = "vendor"
rate = { value = 0.08, source = "term_sheet" }
until = "renewal_end"

[packages.renewal]
label = "Renewal: 6% of revenue through 2030, capped at $1B"
base = "status_quo"
proposed_by = "customer"

[[packages.renewal.terms]]
id = "fee"
kind = "revenue_share"
payer = "customer"
payee = "vendor"
rate = { value = 0.06, source = "term_sheet" }
cap = { value = 1.0, source = "term_sheet" }
until = "end_or_alternative"
'''

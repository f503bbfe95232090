"""The worked example of the scenario reference (docs/scenario.md): an office-lease renewal, a deal
without AGI, revenue or a company exit, written in EUR thousands."""

EXAMPLE_INTRO = """\
A tenant's office lease ends on 2025-12-31. The landlord offers a new five-year lease; the tenant can
instead move to a cheaper building nearby, at a one-off moving cost. The sides disagree about how much
space the tenant will need (it expects hybrid work to shrink it; the landlord expects growth) and the
tenant wants a break option. Everything below comes from this page: a `level` driver of the space,
`price` terms for rent with indexation and a rent-free discount, a `lump` for the move, a controlled
`date` trigger for the break option, a deal space over rent and rent-free months, and a deadline.
Money is in EUR thousands; all numbers are illustrative assumptions."""

EXAMPLE = '''\
[meta]
title = "Office lease renewal (illustrative)"
as_of = 2025-06-01
unit = "EUR thousands"
status_quo = "move"
description = "Illustrative: a tenant renews its office lease or moves to a cheaper building."

[time]
start = 2026
horizon = 2030

[sources.assumption]
citation = "Our assumptions for this example"
kind = "assumption"
note = "Round numbers for a 2,000 m2 office: rent of EUR 0.30k per m2 a year, a 5% cheaper building nearby."

[parties.tenant]
name = "Tenant"
discount_rate = { value = 0.08, source = "assumption" }
risk_aversion = { value = 0.0002, source = "assumption" }

[parties.landlord]
name = "Landlord"
discount_rate = { value = 0.06, source = "assumption" }

[discounting]
rates.fixed = { value = 0.03, source = "assumption" }
rates.revenue = { value = 0.06, source = "assumption" }

# The space the tenant needs (m2): one draw per path, growing at a rate the sides disagree about.
[world.drivers.space]
process = "level"
unit = "m2"
level = { dist = "uniform", low = 1800, high = 2000, source = "assumption" }
growth.tenant = { dist = "uniform", low = -0.06, high = 0.0, source = "assumption" }
growth.landlord = { dist = "uniform", low = -0.01, high = 0.03, source = "assumption" }

[inputs]
market_rent = { dist = "uniform", low = 0.27, high = 0.30, source = "assumption" }  # EUR k per m2 a year

[triggers.start]  # fires at 2026.0, the first grid point
kind = "date"
date = 2025-12-31

[triggers.break_2027]  # the tenant's break option: exercised on each path where leaving pays it
kind = "date"
date = 2027-12-31
controlled_by = "tenant"

# The tenant rents the space it needs in every package: here, what the building nearby charges.
[[common_terms]]
id = "rent_elsewhere"
kind = "price"
label = "Rent in the building nearby"
payer = "tenant"
price = { input = "market_rent" }
volume = "space"

[packages.move]
label = "No renewal: move to the building nearby"

[[packages.move.terms]]
id = "relet"
kind = "flow"
label = "Landlord re-lets the space (net of vacancy and incentives)"
payee = "landlord"
rate = { dist = "uniform", low = 300, high = 450, source = "assumption" }  # EUR k a year

[[packages.move.terms]]
id = "moving"
kind = "lump"
label = "Moving and fit-out"
payer = "tenant"
amount = { dist = "triangular", low = 300, mode = 450, high = 700, source = "assumption" }
at = "start"

[packages.landlord_offer]
label = "Landlord: five years at EUR 0.32k per m2, indexed 2%"
proposed_by = "landlord"

[[packages.landlord_offer.terms]]
id = "rent"
kind = "price"
label = "Rent"
payer = "tenant"
payee = "landlord"
price = { value = 0.32, source = "assumption" }
volume = "space"
escalation = { value = 0.02, source = "assumption" }

[[packages.landlord_offer.terms]]
id = "rent_saved"
kind = "price"
label = "Rent elsewhere not paid while staying"
payee = "tenant"
price = { input = "market_rent" }
volume = "space"

[packages.tenant_ask]
label = "Tenant: EUR 0.29k per m2, 10% off the first years, a break at the end of 2027"
proposed_by = "tenant"
base = "landlord_offer"

[[packages.tenant_ask.terms]]
id = "rent"
kind = "price"
label = "Rent, until a break"
payer = "tenant"
payee = "landlord"
price = { value = 0.29, source = "assumption" }
volume = "space"
discount = { value = 0.10, source = "assumption" }
escalation = { value = 0.02, source = "assumption" }
until = "break_2027"

[[packages.tenant_ask.terms]]
id = "rent_saved"
kind = "price"
label = "Rent elsewhere not paid while staying"
payee = "tenant"
price = { input = "market_rent" }
volume = "space"
until = "break_2027"

[[packages.tenant_ask.terms]]
id = "moving_on_break"
kind = "lump"
label = "Moving, if the tenant breaks"
payer = "tenant"
amount = { value = 450, source = "assumption" }
at = "break_2027"

[bargaining]
first_proposer = "landlord"
round_months = 1
deadline = 2025-12-31

[deal_space]
label = "Rent and incentives"
base = "landlord_offer"
drop = ["rent"]

[deal_space.issues.rent]
label = "Rent (EUR k per m2 a year)"
range = { low = 0.26, high = 0.34, steps = 9 }
source = "assumption"

[deal_space.issues.discount]
label = "Rent-free discount"
values = [0.0, 0.05, 0.10, 0.15]
display = "percent"
source = "assumption"

[[deal_space.terms]]
id = "rent"
kind = "price"
label = "Rent"
payer = "tenant"
payee = "landlord"
price = { issue = "rent", source = "assumption" }
volume = "space"
discount = { issue = "discount", source = "assumption" }
escalation = { value = 0.02, source = "assumption" }
'''

EXAMPLE_OUTRO = """\
`zopa validate lease.toml` checks it, `zopa run lease.toml` values the three packages for both sides
(the break option is exercised on each path where leaving pays the tenant) and analyses the 36
packages of the deal space: the ZOPA, the Nash solution and the predicted settlement. Each side's
value of the move is a cost (negative), so gains over it are what renewing saves the tenant and earns
the landlord. To add a side payment, add an issue read by a `lump`; to let the landlord threaten, add
a `[threats]` table whose moves lead to packages."""

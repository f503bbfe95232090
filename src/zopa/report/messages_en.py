"""The report's English messages (see :mod:`zopa.report.i18n`). Templates are ``str.format``
strings; those used as HTML (through :func:`~zopa.report.i18n.th`) may hold the report's own tags."""

MESSAGES: dict[str, str] = {
    # document, navigation, sections
    "doc.kind": "zopa report",
    "doc.kicker": "zopa report · as of {as_of}",
    "nav.summary": "Summary", "nav.beliefs": "Beliefs", "nav.values": "Package values", "nav.frontier": "Utility space",
    "nav.issues": "Issues", "nav.deadline": "Deadline", "nav.sources": "Sources", "nav.reproducibility": "Reproducibility",
    "section.recommendation": "Recommendation",
    "section.summary": "Executive summary",
    "section.beliefs": "Where the parties' beliefs differ",
    "section.values": "What the contract in force and each package are worth",
    "section.frontier": "The utility space: ZOPA, Pareto frontier and predicted settlements",
    "section.issues": "Which issues can move inside the ZOPA",
    "section.deadline": "Bargaining against the deadline",
    "section.sources": "Sources and assumptions",
    "section.negotiation": "Negotiation toward the deadline",
    "section.threats": "Threats and their credibility",
    "section.tornado": "What the answer hinges on: one input at a time",
    "package.recommended": "the predicted settlement",
    "section.hinges": "What the recommendation hinges on",
    "section.sobol": "Global sensitivity (Sobol')",
    "section.gap": "The belief gap",
    # introductions and notes
    "intro.summary": "The answer in plain words. A ZOPA (zone of possible agreement) is the set of packages that leave "
                     "both sides at least as well off as walking away (their BATNA, best alternative to a negotiated "
                     "agreement).",
    "h.named_gains": "Each named package against the contract in force",
    "intro.named_gains": "Gain to each side over keeping the contract in force, under its own beliefs, ± 1 standard "
                         "error; green and red are clear of the noise (more than 2 SE), amber is not.",
    "note.how_sure": "How sure are these numbers? Each ± is one Monte Carlo standard error over {n} simulated "
                     "paths{space}; a figure is called clear when it exceeds two standard errors. That is simulation "
                     "noise only: the answer also rests on the assumptions listed under Sources.",
    "note.space_paths": " ({n} for the deal space)",
    "intro.beliefs": "Each chart shows both sides' cumulative distribution of an input they disagree about: the height "
                     "of a curve at x is the probability that the input is at most x. Where a curve stops short of "
                     "100% (at an open circle), the remainder is the chance the event does not happen within the "
                     "scenario's horizon. {a} is blue, {b} orange.",
    "h.beliefs_table": "Every input the parties believe differently",
    "h.other_differences": "Other inputs that differ between the parties",
    "beliefs.same": "The parties hold the same beliefs about every input.",
    "intro.values": "Present values in {unit} at the market rate of each cash flow's risk (the same for both sides), "
                    "under each side's own beliefs, over {paths} simulated paths. A risk-averse side is valued at its "
                    "certainty equivalent (CE), a risk-neutral one at its mean. Error bars are ±2 Monte Carlo "
                    "standard errors (about a 95% confidence interval for the estimate); they measure simulation "
                    "noise, not the spread of outcomes (hover for the 5–95% range).",
    "h.cross_beliefs": "Each side's value under its own and the other side's beliefs (mean ± 1 SE)",
    "intro.cross_beliefs": "Where the two columns differ, the sides disagree about what the package is worth: that "
                           "disagreement is what a deal can trade on.",
    "h.term_by_term": "Term by term: {package}",
    "intro.waterfall": "Each bar runs from the running total before a term to the running total after it: green terms "
                       "add value to that side, red ones take it away; the last bar is the total (risk-neutral mean, "
                       "own beliefs). Each term's value ± 1 SE is printed under its name; error bars are ±2 SE.",
    "intro.frontier": "Each of the {n} packages of the deal space is a point: its value to {a} (across) and to {b} "
                      "(up); grey shading counts packages per cell. Dashed lines are each side's BATNA (with a ±2 SE "
                      "band): packages up and to the right of both form the ZOPA (green). The black staircase is the "
                      "Pareto frontier — no package is better for both sides. The markers are the bargaining solutions "
                      "(where theory predicts a settlement), numbered circles the named packages, all with ±2 SE "
                      "error bars; the legend is the key.",
    "h.solutions": "The bargaining solutions side by side",
    "intro.solutions": "Highlighted rows are the issues on which the solutions disagree.",
    "intro.issues": "For each issue: the options that occur in at least one package of the ZOPA (green chips, darker "
                    "when a larger share of the packages with that option lies in the ZOPA) and those that never do "
                    "(grey). An issue that can move freely is a bargaining chip; a fixed one is decided by the BATNAs.",
    "intro.deadline": "Offers until the deadline and, if it passes, after it over a smaller surplus: the side that "
                      "loses more per round of delay concedes more.",
    "intro.sources": "Every number of the scenario: its distribution (per party where the sides disagree), its unit "
                     "and where it comes from.",
    "h.settlement": "Predicted settlement (Nash bargaining solution)",
    # key figures
    "card.zopa": "Is there a ZOPA?", "card.width": "How wide?",
    "card.zopa_count": "{count} of {total} packages ({share}); {sure}",
    "card.within_noise": "within Monte Carlo noise", "card.robust": "{n} by more than {z} SE",
    "card.width_note": "largest gain over walking away, {unit}: {a} / {b}",
    "card.no_zopa": "the closest package misses by {shortfall} {unit} in total", "card.no_zopa_noise": "; within noise",
    "card.nash_gain": "{name} gains (Nash, {measure})", "card.nash_note": "{unit} over its BATNA ({package}), ± 1 SE",
    # words
    "word.yes": "yes", "word.no": "no", "word.na": "n/a", "word.nothing": "nothing", "word.within_noise": "within noise",
    "measure.ce": "CE", "measure.mean": "mean", "measure.value": "value", "measure.ce_long": "certainty equivalent",
    "measure.mean_long": "mean value",
    "sep.list": ", ", "sep.terms": "; ", "sep.and": " and ", "pair": "{k}: {v}", "end": ".",
    "what.pv": "present value", "what.gain_sq": "gain over the contract in force", "what.mean": "risk-neutral mean",
    "what.gain_batna": "gain over walking away", "what.offer": "value of the offer", "what.amount": "amount",
    # table headers
    "th.package": "package", "th.gain_to": "gain to {name} ({measure})", "th.input": "input", "th.unit": "unit",
    "th.own_beliefs": "{name}: own beliefs", "th.other_beliefs": "{name}: {other}'s beliefs",
    "th.issue": "issue", "th.inside": "inside the ZOPA",
    "th.options": "options (share of packages with this option that are in the ZOPA)",
    "th.quantity": "quantity", "th.value": "value", "th.meaning": "meaning", "th.distribution": "distribution",
    "th.source": "source", "th.citation": "citation", "th.round": "round", "th.date": "date", "th.proposer": "proposer",
    "th.accepted": "accepted", "th.who": "who", "th.threat": "threat", "th.credible": "credible",
    "th.chosen": "chosen instead", "th.shortfall": "shortfall ± SE", "th.note": "note", "th.view": "view",
    "th.gain_of": "{name}: gain", "th.term": "term", "th.question": "question", "th.answer": "answer",
    "th.in_force": "{name}: contract in force", "th.nash_package": "Nash package",
    # other differences
    "other.discount": "discount rate (per year)", "other.risk": "risk aversion (CARA, per {unit})",
    "other.neutral": "none (risk neutral)", "other.delay": "cost of a round of delay ({unit})",
    "other.batna": "walk-away alternatives (BATNA candidates)",
    "qunit.year": "calendar year", "qunit.years": "years", "qunit.probability": "probability", "qunit.share": "share",
    "qunit.rate": "rate per year", "qunit.nonnegative": "number (≥ 0)", "qunit.any": "number", "qunit.positive": "number (> 0)",
    # deal space
    "solutions.none": "No package is in the ZOPA, so no bargaining solution exists.",
    "solutions.value": "<b>{name}: value ({measure})</b>", "solutions.gain": "<b>{name}: gain over BATNA ({measure})</b>",
    "solutions.package": "<b>package #</b>",
    "solution.nash": "Nash", "solution.kalai_smorodinsky": "Kalai–Smorodinsky", "solution.egalitarian": "egalitarian",
    "solution.utilitarian": "utilitarian (max joint value)", "solution.weighted_nash": "patience-weighted Nash",
    "issues.none": "The deal space has no issues to report.",
    "issues.free": "can move freely", "issues.limited": "can move within limits", "issues.fixed": "fixed",
    "issues.none_status": "no ZOPA",
    "deadline.none": "No deadline bargaining: the scenario sets no deadline (or there is no surplus to share).",
    "deadline.text": "<p>Offers every {months} month(s) until {deadline}: <b>{rounds} rounds</b>; in each round either "
                     "side proposes with probability {q} ({first} is named first). Each round of delay costs each side "
                     "its impatience (the discount factors below); after a rejected offer talks collapse with "
                     "probability {breakdown}. If the deadline passes, {loss} of the surplus is lost (the "
                     "restructuring premium) and talks go on over the rest. {first}'s expected share: "
                     "<b>{finite}</b> (without the deadline {stationary}; Rubinstein's alternating offers without "
                     "breakdown risk: {infinite}).</p>",
    "deadline.rounds": "rounds to the deadline", "deadline.delta": "per-round discount factor δ: {name}",
    "deadline.delta_note": "{name} loses {loss} of the surplus per round of delay",
    "deadline.breakdown": "breakdown probability per rejected offer", "deadline.lost": "surplus lost at the deadline",
    "deadline.lost_note": "the joint restructuring premium, {unit}",
    "deadline.rubinstein": "{first}'s share of the surplus, Rubinstein",
    "deadline.rubinstein_note": "alternating offers, no breakdown risk, no deadline (Rubinstein 1982)",
    "deadline.stationary": "{first}'s share, random proposer, no deadline",
    "deadline.stationary_note": "Binmore, Rubinstein & Wolinsky (1986)",
    "deadline.finite": "{first}'s share, with the deadline",
    "deadline.finite_note": "random proposer; the loss at the deadline, then talks go on",
    "deadline.ultimatum": "{first}'s share if the deadline ended talks with an ultimatum",
    "deadline.ultimatum_note": "for comparison only: flips with the parity of the round count",
    "deadline.weight": "bargaining weight of {a} / {b}", "deadline.weight_note": "used by the patience-weighted Nash solution",
    # sources
    "sources.intro": "<p>{n} numbers; <b>{assumed} rest on our own assumptions</b> (highlighted) rather than a dated "
                     "public report, filing or the seed document. The error bars elsewhere measure simulation noise "
                     "only: they do not cover these assumptions being wrong.</p>",
    "sources.believed_by": "believed by {name}", "sources.missing": "(no such source)", "sources.list": "The sources",
    "kind.seed": "seed", "kind.report": "report", "kind.filing": "filing", "kind.assumption": "assumption",
    "kind.missing": "missing",
    # footer
    "footer.version": "zopa version", "footer.scenario": "scenario", "footer.file": "scenario file",
    "footer.hash": "scenario hash (SHA-256, canonical)", "footer.seed": "seed", "footer.paths": "paths",
    "footer.space": "deal-space paths / seed", "footer.date": "run date", "footer.command": "command",
    "footer.same": "The same scenario, seed and paths give the same numbers.",
    # distributions
    "dist.never": "never", "dist.uniform": "uniform {low} – {high}", "dist.triangular": "triangular {low} – {mode} – {high}",
    "dist.pert": "PERT {low} – {mode} – {high} (λ = {lamb})", "dist.normal": "normal, mean {mean}, sd {sd}",
    "dist.lognormal": "lognormal, {interval} in [{lo}, {hi}]", "dist.beta": "beta (α = {alpha}, β = {beta}) on [{low}, {high}]",
    "dist.exponential": "exponential, rate {rate} from {start}", "dist.discrete": "one of {values}",
    "dist.mixture": "mixture: {parts}", "dist.blend": "{weight} of the way from {a} to {b}",
    "dist.p_never": "; not within horizon: {p}",
    "input.named": "{name} (named input)",
    "output.gain": "{party}'s gain from “{package}” over the contract in force ({measure})",
    "output.value": "{party}'s value of “{package}” ({measure})",
    "output.width": "Width of the ZOPA for {party} (its largest gain over walking away)",
    # charts
    "axis.money": "{unit} ({what})", "axis.year": "calendar year", "axis.years": "years", "axis.probability": "probability",
    "axis.share": "share", "axis.rate": "rate per year", "axis.value": "value", "axis.cumulative": "cumulative probability",
    "axis.party_value": "{name}: {measure}, {unit}", "axis.round": "round (monthly to the deadline)",
    "axis.sobol": "Sobol' index (share of the variance)", "axis.gap": "how far {mover}'s beliefs move toward the other side's",
    "chart.beliefs.never": "{name}: {p} chance it does not happen within the horizon",
    "chart.values.title": "What each package is worth to each side (own beliefs; bars ±2 SE)",
    "chart.values.left": "value to each side", "chart.values.right": "gain over the contract in force",
    "hover.value": "{name} ({measure}): {value} {unit}<br>5–95% of outcomes: {q05} to {q95}",
    "hover.gain": "{name} ({measure}): {value} {unit} over the contract in force",
    "chart.waterfall.title": "Where the value of “{package}” comes from, term by term (risk-neutral means, ±2 SE)",
    "chart.waterfall.panel": "to {name}", "chart.waterfall.adds": "adds value", "chart.waterfall.takes": "takes value away",
    "chart.waterfall.total": "total (mean)", "chart.waterfall.total_of": "total to {name} (mean)",
    "chart.space.title": "Every package of the deal space in utility space",
    "chart.space.packages": "packages ({n})", "chart.space.density": "packages ({n}, density)",
    "chart.space.per_cell": "packages per cell", "chart.space.zopa": "ZOPA ({n} packages)",
    "chart.space.frontier": "Pareto frontier ({n})", "chart.space.batna": "{name}'s BATNA ({package}): {value} {measure} (band ±2 SE)",
    "chart.space.solutions": "bargaining solutions (±2 SE)", "chart.space.named": "named packages (±2 SE)",
    "hover.cell": "%{customdata:,} packages near (%{x:,.4g}, %{y:,.4g})",
    "hover.solution_gains": "gains over the BATNAs: {a}, {b} {unit}",
    "chart.negotiation.title": "Offers round by round: {a} ({sa}) vs {b} ({sb})",
    "chart.negotiation.offers": "{proposer}'s offers: value to {to} ({measure})",
    "chart.negotiation.batna": "{name}'s BATNA: {value}", "chart.negotiation.nash": "Nash point: value to {name} {value}",
    "chart.tornado.title": "What moves {output}?", "chart.tornado.low": "input at its 10% quantile (±2 SE)",
    "chart.tornado.high": "input at its 90% quantile (±2 SE)", "chart.tornado.base": "every input as in the scenario: {value}",
    "chart.tornado.noise": " (within noise)",
    "chart.sobol.title": "Which inputs explain the variance of {output}? (Sobol', {n} base samples)",
    "chart.sobol.S1": "first-order index S1 ({pct}% interval)", "chart.sobol.ST": "total index ST ({pct}% interval)",
    "chart.gap.title": "Moving {mover}'s beliefs toward the other side's",
    "chart.gap.bet": "bet on the disagreement (±2 SE bound)", "chart.gap.created": "value created (±2 SE bound)",
    "chart.gap.nash": "Nash gain to {name} ({measure}, ±2 SE)",
    # later sections
    "negotiation.intro": "<p>How play unfolds when {a} bargains <b>{sa}</b> and {b} <b>{sb}</b>, one offer a round from "
                         "{start} to the deadline ({rounds} rounds; a round of delay costs {a} {ca} and {b} {cb} "
                         "{unit}). Solid lines: value to {a}; dotted: to {b}. {outcome} Distance to the Nash point: "
                         "{dist} {unit}.</p>",
    "negotiation.agreement": "Agreement in round {round} on: {terms}.",
    "negotiation.none": "No agreement ({ending}): both sides fall back on their BATNAs.",
    "threats.intro": "<p>The threat game is solved by backward induction: each side, at each of its moves, picks what is "
                     "best for it given how play continues, valuing chance outcomes under its own beliefs. A threat is "
                     "<b>credible</b> when the threatener would carry it out if refused. Payoffs are each side's value "
                     "of the resulting package ({unit}), net of the threat's and the court's costs.</p>",
    "threats.path": "<p><b>Subgame-perfect play:</b> {path}; values {values}. <b>If bargaining fails</b> and threats "
                    "play out, the disagreement point is {point}.</p>",
    "threats.within_noise": "within noise", "threats.off_path": "off the equilibrium path", "threats.tree": "The game tree",
    "tornado.intro": "<p>Each bar moves one input from its 10% to its 90% quantile (each side's own quantiles where "
                     "beliefs differ), every other input staying uncertain as in the scenario; rows are sorted by how "
                     "far the output moves, the 10%–90% values under each name. Faded bars are within Monte Carlo "
                     "noise; error bars are ±2 SE.</p>",
    "hinges.intro": "<p>Each side's gain from the predicted settlement ({package}) over the contract in force, as "
                    "each input moves from its 10% to its 90% quantile (each side's own quantiles where beliefs "
                    "differ), every other input staying uncertain as in the scenario; rows are sorted by how far "
                    "the gain moves. All {variants} variants see the same {paths} paths of random noise (common "
                    "random numbers), so the swings are measured precisely although each variant has fewer paths "
                    "than the headline figures; the dashed base line is the headline gain estimated on those "
                    "paths, so it differs from it by Monte Carlo noise. Faded bars are within that noise; error "
                    "bars are ±2 SE.</p>",
    "tornado.note": "<p><small>These runs use fewer paths and a thinned deal-space grid than the headline figures, so "
                    "their base values differ slightly from those above; the swings are what matter.</small></p>",
    "sobol.intro": "<p>Sobol' indices split the variance of a package's value across paths among the inputs: the "
                   "first-order index is the share an input explains alone, the total index includes its interactions. "
                   "Revenue shocks and chance events remain random, so the indices sum to less than one.</p>",
    "gap.intro": "<p>Where the parties disagree (above all on when AGI arrives), each can expect to gain from the same "
                 "clause. The <b>bet</b> is the part of the joint gain at the Nash package that exists only because "
                 "each side values the deal under its own beliefs; <b>value created</b> is what both would agree on. "
                 "With identical beliefs the bet is zero. The bars' error bars bound the noise taking the gains under "
                 "the other side's beliefs to be as noisy as under one's own.</p>",
    # verdict
    "verdict.exists": "A ZOPA exists: {count} of {total} packages{scope} leave both sides better off than walking "
                      "away{robust}.",
    "verdict.of_space": " of the deal space", "verdict.robust": " ({n} by more than {z} standard errors)",
    "verdict.width": "Its width: up to {w1} {unit} of gain for {a} and up to {w2} {unit} for {b}.",
    "verdict.exists_noise": "But no package clears both BATNAs by more than the Monte Carlo noise: run more paths "
                            "before concluding that a deal is possible.",
    "verdict.scope_space": "package of the deal space", "verdict.scope_named": "named package",
    "verdict.none": "No ZOPA: no {scope} is at least as good as walking away for both sides; the closest misses by "
                    "{shortfall} {unit} in total.",
    "verdict.none_noise": "{n} packages miss by less than the Monte Carlo noise: the absence of a ZOPA is not certain.",
    "verdict.gap": "The issue that matters most for closing the gap: {issue} — at its best option ({option}) the gap is "
                   "{gap} {unit}; held at its worst option it is at least {after}.",
    "verdict.nash": "Nash bargaining predicts: {choices} — {a} gains {ga}, {b} gains {gb} {unit} over walking away.",
    "verdict.averse_one": "(Nash bargaining on expected utilities: {names} is risk averse.)",
    "verdict.averse_both": "(Nash bargaining on expected utilities: {names} are risk averse.)",
    "verdict.stability": "Resampling the Monte Carlo paths ({n} bootstrap resamples), this package stays the Nash "
                         "solution in {share} of them",
    "verdict.alternative": "; the most frequent alternative ({share}) differs in {diff}",
    "verdict.named_both": "Both {a} and {b} prefer these packages to the contract in force (by more than 2 standard "
                          "errors): {packages}.",
    "verdict.named_within": "Both prefer these too, but within Monte Carlo noise: {packages}.",
    "verdict.named_none": "No named package is better than the contract in force for both {a} and {b}.",
    # recommendation
    "rec.no_zopa": "No package leaves both sides better off than walking away: no settlement to recommend.",
    "rec.settlement": "Predicted settlement ({basis}): {choices}.",
    "rec.gains": "{a} gains {ga} and {b} gains {gb} {unit} over walking away; across the supporting views {a} gains "
                 "{a_lo} to {a_hi}, {b} {b_lo} to {b_hi}.",
    "rec.opening_same": "the predicted settlement itself",
    "rec.walk_value": "a value of {value}", "rec.walk_floor": ", {floor} against its BATNA",
    "rec.walk_batna": "its BATNA: {package}",
    "rec.side": "{name}: aim for the settlement ({target}); open with {opening} ({opening_gain}); walk away below "
                "{walk} ({label}).",
    "rec.why": "Why — the terms that move the gains over the contract in force: {terms}.",
    "rec.term": "{label} ({a} {va}, {b} {vb})",
    "rec.bet": "Of these gains, {va} ({a}) and {vb} ({b}) exist only under each side's own beliefs (the bet on their "
               "disagreement); the rest is value the deal creates.",
    "rec.premium": "Restructuring by the deadline is itself worth {value} {unit} jointly{share}: the money at risk that "
                   "a missed deadline would cost.",
    "rec.premium_share": " ({share} of the joint gain)",
    "rec.threats": "Threats move the disagreement point by {va} ({a}) and {vb} ({b}).",
    "rec.negotiation": "The simulated negotiation ({sa} vs {sb}) agrees on a package giving {a} {ga} and {b} {gb}.",
    "rec.negotiation_none": "The simulated negotiation ends without agreement: the strategies played leave the ZOPA "
                            "unused.",
    "rec.stability": "The symmetric Nash package survives {share} of bootstrap resamples of the paths.",
    "rec.edge_low": "{issue} at {option} is at the lower end of the range explored: the settlement may lie beyond it.",
    "rec.edge_high": "{issue} at {option} is at the upper end of the range explored: the settlement may lie beyond it.",
    "rec.views": "Supporting views",
    "rec.terms_title": "What each term adds to the gains over the contract in force (own beliefs, risk-neutral means)",
    "rec.vt_title": "Threats and the disagreement point (Nash's variable-threat game)",
    "rec.branch_headline": "(the headline)",
    "rec.branches": "Open questions: each answer analysed as its own scenario",
    "vt.threats": "Optimal threats (Nash's variable-threat game, transferable utility): {chosen}.",
    "vt.point": "Threat point: {points} {unit}.",
    "vt.point_one": "{name} {value} ({shift} against the status quo, paired)",
    "vt.settlement": "Settlement on the frontier through “{package}” (joint value {joint}): {values} {unit}.",
    "vt.no_equilibrium": "Over the deal's packages the threat game has no pure-strategy equilibrium.",
    "vt.no_deal": "no deal",
    "vt.equilibrium": "Equilibrium over the deal's packages: {a} {ta}, {b} {tb} → {what}: {values}.",
}

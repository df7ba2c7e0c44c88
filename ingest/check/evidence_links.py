"""The rules of one evidence link: what its study tested, against what, for which outcome and when.

A treatment's evidence is only what studies that tested it found, so a link on a claim that names
treatments must say which of them its study tested; and a trial against another active treatment
cannot say that a treatment does nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.check import vocabulary as v

if TYPE_CHECKING:
    from ingest.check.models import Claim, EvidenceLink


def link_problems(claim: Claim, treatments_known: bool = True) -> list[tuple[tuple, str]]:
    """(field path, message) for each rule an evidence link of the claim breaks. While the claim
    names an unknown treatment, that mistake is reported alone, not again by every `tested`."""
    found = []
    if claim.evidence_gap and any(link.relation != "background" for link in claim.evidence):
        found.append((("evidence_gap",), "has evidence_gap but also studies that bear on it: remove evidence_gap, "
                                         "or make the links background"))
    seen = set()
    for index, link in enumerate(claim.evidence):
        identity = (link.study, link.outcome, link.horizon)
        if identity in seen:
            what = f"for outcome {link.outcome or '(none)'} at horizon {link.horizon or '(none)'}"
            found.append((("evidence", index, "study"), f"links study '{link.study}' twice {what}: merge the two links, "
                                                         "or give each its own outcome or horizon"))
        seen.add(identity)
        label = f"evidence[{index}] ({link.study})"  # numbered from 0, as in the other messages about a link's fields
        found += [(("evidence", index, *field), message) for field, message in _one_link(claim, link, label, treatments_known)]
    return found


def _one_link(claim: Claim, link: EvidenceLink, label: str, treatments_known: bool) -> list[tuple[tuple, str]]:
    counted = link.relation != "background"
    if link.tested is None:
        if claim.treatments and counted:
            return [((), f"{label}: say which of the claim's treatments the study tested, e.g. tested: [{claim.treatments[0]}] "
                         "(tested: [] if it tested none of them)")]
        return _effect_problems(label, link)
    found = []
    for position, treatment in enumerate(link.tested):
        if treatments_known and treatment not in claim.treatments:
            found.append((("tested", position), f"{label}: tested treatment '{treatment}' is not one the claim names: "
                                                 f"use one of {', '.join(claim.treatments) or '(the claim names none)'}"))
    if link.tested:
        found += _comparison_problems(label, link)
    else:
        for field in ("comparator", "result"):
            if getattr(link, field) is not None:
                found.append(((field,), f"{label}: {field} is only for a study that tested a treatment: remove it, or fill tested"))
    return found + _effect_problems(label, link)


def _comparison_problems(label: str, link: EvidenceLink) -> list[tuple[tuple, str]]:
    found = []
    for field, values in (("comparator", v.COMPARATORS), ("result", v.RESULTS)):
        if getattr(link, field) is None:
            found.append(((), f"{label}: missing {field} for a study that tested a treatment: add one of {', '.join(values)}"))
    # Head to head against another treatment, "no better" says nothing about doing nothing. Against
    # usual care or education that both arms had, it is a finding: the treatment added nothing.
    head_to_head = link.comparator == "active-treatment"
    if head_to_head and link.result == "no-benefit":
        found.append((("result",), f"{label}: a trial against another active treatment cannot show that the treatment does nothing: "
                                   "use result no-difference-vs-active"))
    if head_to_head and link.relation == "contradicts" and link.result in ("no-benefit", "no-difference-vs-active"):
        found.append((("relation",), f"{label}: doing no better than another active treatment does not contradict a claim that it helps: "
                                     "use relation no-difference-vs-active"))
    if link.comparator is not None and link.comparator not in v.ACTIVE_COMPARATORS and "no-difference-vs-active" in (link.result, link.relation):
        found.append((("comparator",), f"{label}: no-difference-vs-active needs an active comparator: "
                                       f"use one of {', '.join(v.ACTIVE_COMPARATORS)}, or another result"))
    return found


def _effect_problems(label: str, link: EvidenceLink) -> list[tuple[tuple, str]]:
    effect, found = link.effect, []
    if effect is None:
        return found
    if link.outcome is None:
        found.append((("effect",), f"{label}: an effect needs the outcome it is for: add outcome"))
    if (effect.ci_low is None) != (effect.ci_high is None):
        found.append((("effect",), f"{label}: a confidence interval needs both ci_low and ci_high: add the missing one from the record, "
                                   "or leave both out"))
    elif effect.ci_low is not None and effect.ci_low > effect.ci_high:
        found.append((("effect",), f"{label}: ci_low {effect.ci_low:g} is above ci_high {effect.ci_high:g}: check the record"))
    return found

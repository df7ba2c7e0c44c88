"""The evidence map: one SVG picture of every treatment's studies, for and against.

Each treatment is a row. Studies that tested it and found no benefit (or harm) stack to the left of
the centre line, studies that found a benefit to the right: one block per study and side, however
often the articles cite it (a study with a benefit at 6 weeks and none at a year has a block on
each side). The colour is the evidence level (darker is stronger), and indirect evidence is hatched.
Pure function of rows, so it is tested without a browser.
"""

from html import escape

from ingest.check.vocabulary import TREATMENT_VERDICTS

LEVEL_COLOURS = {
    "supports": {1: "#1b5e20", 2: "#388e3c", 3: "#81c784", 4: "#c5e1a5", 5: "#e6ee9c", None: "#bdbdbd"},
    "contradicts": {1: "#b71c1c", 2: "#e53935", 3: "#ef9a9a", 4: "#ffcdd2", 5: "#fce4ec", None: "#bdbdbd"},
}
FINDINGS = {"benefit": "benefit", "no-benefit": "no benefit", "harm": "harm"}
VERDICT_ORDER = list(TREATMENT_VERDICTS)  # strongest for first, down to no evidence
ROW, BLOCK, GAP = 26, 16, 2
NAME_WIDTH, SIDE, VERDICT_WIDTH = 380, 260, 120


def render_map(treatments: list[dict], links: list[dict], treatment_url) -> str:
    """treatments: rows of treatment_summary; links: rows of treatment_evidence; treatment_url(id) -> href."""
    by_treatment = _studies_by_side(links)
    ordered = sorted(treatments, key=lambda t: (VERDICT_ORDER.index(t["verdict"]), t["treatment"].lower()))
    width = NAME_WIDTH + 2 * SIDE + VERDICT_WIDTH
    height = 60 + ROW * len(ordered) + 110
    centre = NAME_WIDTH + SIDE
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="evidence-map" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="map-title">',
        '<title id="map-title">Evidence map: studies for and against each treatment</title>',
        '<defs><pattern id="indirect" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="5" height="5" fill="white" fill-opacity="0.55"/><line x1="0" y1="0" x2="0" y2="5" stroke="white" stroke-width="2"/>'
        '</pattern></defs>',
        f'<text x="{centre - 8}" y="40" text-anchor="end" class="heading">◀ against</text>',
        f'<text x="{centre + 8}" y="40" class="heading">for ▶</text>',
        f'<text x="{width - VERDICT_WIDTH + 8}" y="40" class="heading">verdict</text>',
    ]
    for index, treatment in enumerate(ordered):
        y = 60 + index * ROW
        parts.append(_row(treatment, by_treatment.get(treatment["treatment_id"], {}), y, centre, treatment_url))
    parts.append(f'<line x1="{centre}" y1="48" x2="{centre}" y2="{60 + ROW * len(ordered)}" class="axis"/>')
    parts.append(_legend(60 + ROW * len(ordered) + 20))
    parts.append("</svg>")
    return "\n".join(parts)


def _row(treatment: dict, links: dict, y: int, centre: int, treatment_url) -> str:
    name = escape(treatment["treatment"])
    href = escape(treatment_url(treatment["treatment_id"]))
    out = [f'<g class="row" data-treatment="{escape(treatment["treatment_id"])}">',
           f'<a href="{href}"><text x="{NAME_WIDTH - 10}" y="{y + 13}" text-anchor="end" class="name">{name}</text></a>']
    for relation, direction in (("supports", 1), ("contradicts", -1)):
        for position, link in enumerate(sorted(links.get(relation, []), key=_strength)):
            x = centre + direction * (GAP + position * (BLOCK + GAP)) - (BLOCK if direction < 0 else 0)
            out.append(_block(x, y, link, relation))
    verdict = escape(treatment["verdict"])
    out.append(f'<text x="{centre + SIDE + 8}" y="{y + 13}" class="verdict verdict-{verdict.replace(" ", "-")}">{verdict}</text>')
    out.append("</g>")
    return "".join(out)


def _studies_by_side(links: list[dict]) -> dict[str, dict[str, list[dict]]]:
    """Per treatment and side, one entry per study: its strongest link, and every outcome it reported there."""
    by_treatment: dict[str, dict[str, dict[str, dict]]] = {}
    for link in sorted(links, key=_strength):
        if link["relation"] not in LEVEL_COLOURS:
            continue
        side = by_treatment.setdefault(link["treatment_id"], {"supports": {}, "contradicts": {}})[link["relation"]]
        study = side.setdefault(link.get("study_key") or link["study"], {**link, "outcomes": []})
        outcome = " ".join(filter(None, [link.get("outcome"), link.get("horizon")]))
        if outcome and outcome not in study["outcomes"]:
            study["outcomes"].append(outcome)
    return {treatment: {relation: list(studies.values()) for relation, studies in sides.items()}
            for treatment, sides in by_treatment.items()}


def _block(x: int, y: int, link: dict, relation: str) -> str:
    colour = LEVEL_COLOURS[relation].get(link["evidence_level"], LEVEL_COLOURS[relation][None])
    level = f"level {link['evidence_level']}" if link["evidence_level"] else "not levelled"
    found = FINDINGS.get(link.get("result"), relation)
    outcomes = f" for {', '.join(link['outcomes'])}" if link["outcomes"] else ""
    label = escape(f"{link['study']}: {found}{outcomes} ({link['directness']}, {level})")
    hatch = f'<rect x="{x}" y="{y}" width="{BLOCK}" height="{BLOCK}" fill="url(#indirect)"/>' if link["directness"] != "direct" else ""
    return (f'<g><title>{label}</title><rect x="{x}" y="{y}" width="{BLOCK}" height="{BLOCK}" fill="{colour}" '
            f'stroke="#555" stroke-width="0.5"/>{hatch}</g>')


def _strength(link: dict) -> tuple:
    """Direct before indirect, then strongest level first: the blocks nearest the line weigh most."""
    return (link["directness"] != "direct", link["evidence_level"] or 9)


def _legend(y: int) -> str:
    out = [f'<text x="10" y="{y + 12}" class="heading">Evidence level</text>']
    for index, level in enumerate([1, 2, 3, 4, 5, None]):
        x = 140 + index * 90
        label = f"level {level}" if level else "not levelled"
        for offset, relation in ((0, "supports"), (BLOCK, "contradicts")):
            colour = LEVEL_COLOURS[relation][level]
            out.append(f'<rect x="{x + offset}" y="{y}" width="{BLOCK}" height="{BLOCK}" fill="{colour}" stroke="#555" stroke-width="0.5"/>')
        out.append(f'<text x="{x + 2 * BLOCK + 4}" y="{y + 12}">{label}</text>')
    y += 30
    out.append(f'<rect x="140" y="{y}" width="{BLOCK}" height="{BLOCK}" fill="#388e3c" stroke="#555" stroke-width="0.5"/>'
               f'<rect x="140" y="{y}" width="{BLOCK}" height="{BLOCK}" fill="url(#indirect)"/>'
               f'<text x="{140 + BLOCK + 6}" y="{y + 12}">hatched: indirect evidence (another population, intervention or outcome)</text>')
    out.append(f'<text x="10" y="{y + 42}" class="heading">Green: a study found a benefit · red: it found none, or harm · '
               'one block per study that tested the treatment</text>')
    return "".join(out)

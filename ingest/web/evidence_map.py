"""The evidence map: one SVG picture of every treatment's studies, for and against.

Each treatment is a row. Studies that go against it stack to the left of the centre line, studies
that support it to the right, one block per study link; the colour is the evidence level (darker is
stronger), and indirect evidence is hatched. Pure function of rows, so it is tested without a browser.
"""

from html import escape

from ingest.check.vocabulary import TREATMENT_VERDICTS

LEVEL_COLOURS = {
    "supports": {1: "#1b5e20", 2: "#388e3c", 3: "#81c784", 4: "#c5e1a5", 5: "#e6ee9c", None: "#bdbdbd"},
    "contradicts": {1: "#b71c1c", 2: "#e53935", 3: "#ef9a9a", 4: "#ffcdd2", 5: "#fce4ec", None: "#bdbdbd"},
}
VERDICT_ORDER = list(TREATMENT_VERDICTS)  # strongest for first, down to no evidence
ROW, BLOCK, GAP = 26, 16, 2
NAME_WIDTH, SIDE, VERDICT_WIDTH = 380, 260, 120


def render_map(treatments: list[dict], links: list[dict], treatment_url) -> str:
    """treatments: rows of treatment_summary; links: rows of treatment_evidence; treatment_url(id) -> href."""
    by_treatment: dict[str, dict[str, list]] = {}
    for link in links:
        if link["relation"] in LEVEL_COLOURS:
            by_treatment.setdefault(link["treatment_id"], {"supports": [], "contradicts": []})[link["relation"]].append(link)
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


def _block(x: int, y: int, link: dict, relation: str) -> str:
    colour = LEVEL_COLOURS[relation].get(link["evidence_level"], LEVEL_COLOURS[relation][None])
    level = f"level {link['evidence_level']}" if link["evidence_level"] else "not levelled"
    label = escape(f"{link['study']}: {relation} ({link['directness']}, {level})")
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
    out.append(f'<text x="10" y="{y + 42}" class="heading">Green: for the treatment · red: against it</text>')
    return "".join(out)

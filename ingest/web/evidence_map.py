"""The evidence map: one SVG picture of every treatment's studies, for and against.

Each treatment is a row. Studies that tested it and found no benefit (or harm) stack to the left of
the centre line, studies that found a benefit to the right: one block per study and side, however
often the articles cite it (a study with a benefit at 6 weeks and none at a year has a block on
each side). The colour is the evidence level (darker is stronger), and indirect evidence is hatched.
map_rows() gives the same studies to the page's list beneath the picture (what keyboard, screen
reader and phone users read), so the two cannot disagree. Pure functions of rows, so they are
tested without a browser.
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
NAME_WIDTH, SIDE, VERDICT_WIDTH = 340, 260, 120  # names end at x=330: whole in a 390 px phone's map box
HIDDEN = 'aria-hidden="true"'  # drawn for the eye only: the links' names and the list below say it in words


def map_rows(treatments: list[dict], links: list[dict]) -> list[dict]:
    """The treatments in the map's order, each with its studies for ("supports") and against ("contradicts").

    treatments: rows of treatment_summary; links: rows of treatment_evidence. A study is one block:
    its strongest link's fields, and its findings (found, outcomes, directness, level, text)."""
    by_treatment = _studies_by_side(links)
    ordered = sorted(treatments, key=lambda t: (VERDICT_ORDER.index(t["verdict"]), t["treatment"].lower()))
    return [{**treatment, **{relation: by_treatment.get(treatment["treatment_id"], {}).get(relation, [])
                             for relation in LEVEL_COLOURS}}
            for treatment in ordered]


def render_map(rows: list[dict], treatment_url) -> str:
    """rows: map_rows() of the treatments drawn (the page lists the same rows in words); treatment_url(id) -> href."""
    width = NAME_WIDTH + 2 * SIDE + VERDICT_WIDTH
    height = 60 + ROW * len(rows) + 110
    centre = NAME_WIDTH + SIDE
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="group" class="evidence-map" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="map-title" aria-describedby="map-desc">',
        '<title id="map-title">Evidence map: studies for and against each treatment</title>',
        '<desc id="map-desc">Each treatment links to its page; the list below the map gives every study drawn.</desc>',
        '<defs><pattern id="indirect" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="5" height="5" fill="white" fill-opacity="0.55"/><line x1="0" y1="0" x2="0" y2="5" stroke="white" stroke-width="2"/>'
        '</pattern></defs>',
        f'<g {HIDDEN}><text x="{centre - 8}" y="40" text-anchor="end" class="heading">◀ against</text>'
        f'<text x="{centre + 8}" y="40" class="heading">for ▶</text>'
        f'<text x="{width - VERDICT_WIDTH + 8}" y="40" class="heading">verdict</text></g>',
    ]
    for index, row in enumerate(rows):
        parts.append(_row(row, 60 + index * ROW, centre, treatment_url))
    parts.append(f'<line x1="{centre}" y1="48" x2="{centre}" y2="{60 + ROW * len(rows)}" class="axis" {HIDDEN}/>')
    parts.append(_legend(60 + ROW * len(rows) + 20))
    parts.append("</svg>")
    return "\n".join(parts)


def _row(treatment: dict, y: int, centre: int, treatment_url) -> str:
    name, verdict = escape(treatment["treatment"]), escape(treatment["verdict"])
    href = escape(treatment_url(treatment["treatment_id"]))
    out = [f'<g class="row" data-treatment="{escape(treatment["treatment_id"])}">',
           f'<a href="{href}" aria-label="{name}: {verdict}">'
           f'<text x="{NAME_WIDTH - 10}" y="{y + 13}" text-anchor="end" class="name">{name}</text></a>']
    for relation, direction in (("supports", 1), ("contradicts", -1)):
        for position, study in enumerate(treatment[relation]):
            x = centre + direction * (GAP + position * (BLOCK + GAP)) - (BLOCK if direction < 0 else 0)
            out.append(_block(x, y, study, relation))
    out.append(f'<text x="{centre + SIDE + 8}" y="{y + 13}" class="verdict verdict-{verdict.replace(" ", "-")}" {HIDDEN}>'
               f'{verdict}</text>')
    out.append("</g>")
    return "".join(out)


def _studies_by_side(links: list[dict]) -> dict[str, dict[str, list[dict]]]:
    """Per treatment and side, one entry per study, strongest first: its strongest link's fields, and
    its findings there, one per result, directness and level, each with every outcome it reported."""
    by_treatment: dict[str, dict[str, dict[str, dict]]] = {}
    for link in sorted(links, key=_strength):
        if link["relation"] not in LEVEL_COLOURS:
            continue
        side = by_treatment.setdefault(link["treatment_id"], {"supports": {}, "contradicts": {}})[link["relation"]]
        study = side.setdefault(link.get("study_key") or link["study"], {**link, "findings": {}})
        found = FINDINGS.get(link.get("result"), link["relation"])
        finding = study["findings"].setdefault((found, link["directness"], link["evidence_level"]), {
            "found": found, "outcomes": [], "directness": link["directness"], "evidence_level": link["evidence_level"],
            "level": f"level {link['evidence_level']}" if link["evidence_level"] else "not levelled"})
        outcome = " ".join(filter(None, [link.get("outcome"), link.get("horizon")]))
        if outcome and outcome not in finding["outcomes"]:
            finding["outcomes"].append(outcome)
    return {treatment: {relation: [_described(study) for study in studies.values()] for relation, studies in sides.items()}
            for treatment, sides in by_treatment.items()}


def _described(study: dict) -> dict:
    """The study with its findings as a list, each with its words ("benefit for pain short-term")."""
    findings = [{**finding, "text": finding["found"] + (f" for {', '.join(finding['outcomes'])}" if finding["outcomes"] else "")}
                for finding in study["findings"].values()]
    return {**study, "findings": findings}


def _block(x: int, y: int, study: dict, relation: str) -> str:
    colour = LEVEL_COLOURS[relation].get(study["evidence_level"], LEVEL_COLOURS[relation][None])
    label = escape(f"{study['study']}: " + "; ".join(f"{f['text']} ({f['directness']}, {f['level']})" for f in study["findings"]))
    hatch = f'<rect x="{x}" y="{y}" width="{BLOCK}" height="{BLOCK}" fill="url(#indirect)"/>' if study["directness"] != "direct" else ""
    return (f'<g {HIDDEN}><title>{label}</title><rect x="{x}" y="{y}" width="{BLOCK}" height="{BLOCK}" fill="{colour}" '
            f'stroke="#555" stroke-width="0.5"/>{hatch}</g>')


def _strength(link: dict) -> tuple:
    """Direct before indirect, then strongest level first: the blocks nearest the line weigh most."""
    return (link["directness"] != "direct", link["evidence_level"] or 9)


def _legend(y: int) -> str:
    out = [f'<g {HIDDEN}><text x="10" y="{y + 12}" class="heading">Evidence level</text>']
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
               'one block per study that tested the treatment</text></g>')
    return "".join(out)

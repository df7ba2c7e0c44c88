"""Journal names for the AAS journal macros that ADS (NASA's Astrophysics Data System) writes in its
BibTeX exports (journal = {\\apj}): the standard set that AASTeX defines; ads_journal() reads a
journal value that is one of them.

Copied, not typed, from ADS's own list, which ADS maintains in its help pages:
  https://ui.adsabs.harvard.edu/help/actions/journal-macros
  source: github.com/adsabs/adsabs.github.io, file _includes/_help/actions/_posts/journal-macros.md
  (the table "TeX Macro | Journal Name", 60 rows), at commit 20c0135b1eeeeaabf7281a769d53c267218e486c;
  plus, from help/actions/aas_macros.sty in the same commit, \\bac (defined there, named in its
  comment) and the four \\let aliases at its end.
Licence: MIT, Copyright (c) 2015 ADS (the repository's LICENSE.md).

The names are ADS's, as written there, abbreviations and misspellings included ("Annual Review of
Astron and Astrophysis", "IAU Cirulars"): a knowledge base quotes its sources; it does not correct them
from memory. (aas_macros.sty itself expands each macro to the journal's abbreviation, e.g. \\apj to
"ApJ"; the table gives the name.)
"""

import re

# macro name (without the backslash) -> journal name
ADS_JOURNALS = {
    "aas": "American Astronomical Society Meeting Abstracts",
    "aj": "Astronomical Journal",
    "actaa": "Acta Astronomica",
    "araa": "Annual Review of Astron and Astrophysis",
    "apj": "Astrophysical Journal",
    "apjl": "Astrophysical Journal, Letters",
    "apjs": "Astrophysical Journal, Supplement",
    "ao": "Applied Optics",
    "apss": "Astrophysics and Space Science",
    "aap": "Astronomy and Astrophysics",
    "aapr": "Astronomy and Astrophysics Reviews",
    "aaps": "Astronomy and Astrophysics, Supplement",
    "aplett": "Astrophysics Letters",
    "apspr": "Astrophysics Space Physics Research",
    "azh": "Astronomicheskii Zhurnal",
    "baas": "Bulletin of the AAS",
    "bain": "Bulletin Astronomical Institute of the Netherlands",
    "caa": "Chinese Astronomy and Astrophysics",
    "cjaa": "Chinese Journal of Astronomy and Astrophysics",
    "dps": "American Astronomical Society/Division for Planetary Sciences Meeting Abstracts",
    "fcp": "Fundamental Cosmic Physics",
    "gca": "Geochimica Cosmochimica Acta",
    "grl": "Geophysics Research Letters",
    "iaucirc": "IAU Cirulars",
    "icarus": "Icarus",
    "jaavso": "Journal of the American Association of Variable Star Observers",
    "jcap": "Journal of Cosmology and Astroparticle Physics",
    "jcp": "Journal of Chemical Physics",
    "jgr": "Journal of Geophysics Research",
    "jqsrt": "Journal of Quantitiative Spectroscopy and Radiative Transfer",
    "jrasc": "Journal of the RAS of Canada",
    "maps": "Meteoritics and Planetary Science",
    "memras": "Memoirs of the RAS",
    "memsai": "Mem. Societa Astronomica Italiana",
    "mnras": "Monthly Notices of the RAS",
    "na": "New Astronomy",
    "nar": "New Astronomy Review",
    "nat": "Nature",
    "nphysa": "Nuclear Physics A",
    "pasa": "Publications of the Astron. Soc. of Australia",
    "pasp": "Publications of the ASP",
    "pasj": "Publications of the ASJ",
    "physrep": "Physics Reports",
    "physscr": "Physica Scripta",
    "planss": "Planetary Space Science",
    "pra": "Physical Review A: General Physics",
    "prb": "Physical Review B: Solid State",
    "prc": "Physical Review C",
    "prd": "Physical Review D",
    "pre": "Physical Review E",
    "prl": "Physical Review Letters",
    "procspie": "Proceedings of the SPIE",
    "psj": "Planetary Science Journal",
    "qjras": "Quarterly Journal of the RAS",
    "rmxaa": "Revista Mexicana de Astronomia y Astrofisica",
    "skytel": "Sky and Telescope",
    "solphys": "Solar Physics",
    "sovast": "Soviet Astronomy",
    "ssr": "Space Science Reviews",
    "zap": "Zeitschrift fuer Astrophysik",
    "bac": "Bulletin of the Astronomical Institutes of Czechoslovakia",  # aas_macros.sty
}

# aas_macros.sty: \let\alias=\macro (another name for the same journal)
ADS_ALIASES = {
    "astap": "aap",
    "apjlett": "apjl",
    "apjsupp": "apjs",
    "applopt": "ao",
}

# The whole value is one macro: \apj, {\apj} or \apj{}
_WHOLE_MACRO = re.compile(r"\{?\s*\\([A-Za-z]+)\s*(?:\{\s*\})?\s*\}?")


def ads_journal(value: str) -> str | None:
    """The journal that an ADS export names by an AAS macro (journal = {\\apj}), or None."""
    match = _WHOLE_MACRO.fullmatch(value.strip())
    return ADS_JOURNALS.get(ADS_ALIASES.get(match.group(1), match.group(1))) if match else None

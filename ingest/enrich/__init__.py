"""`make enrich`: fill and check references from Crossref and PubMed, through a committed cache.

http.py     a polite HTTP session (contact address, rate limits, retries, timeouts)
cache.py    one file per request under data/enrichment/, written atomically
crossref.py Crossref requests and parsing
pubmed.py   PubMed E-utilities requests and parsing
resolve.py  the lookup chain for one reference, run against the network or the cache alone
run.py      the `enrich` command: resolve every reference, report what could not be fetched
"""

# Here rather than in http.py, so that the CLI can name them without importing requests.
DEFAULT_BASE_URLS = {
    "crossref": "https://api.crossref.org",
    "pubmed": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
}

"""Out of a built database: cite packs (Markdown, BibTeX, CSL-JSON) and the coverage report."""

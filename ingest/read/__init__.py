"""1. Read: references.bib and the YAML files in data/ into plain records, with the line of each."""

"""Evidence knowledge base: ingest references and claims into SQLite for Datasette."""

__version__ = "0.1.0"

"""3. Load: the database contract, the rows, and the atomic build of evidence.db."""

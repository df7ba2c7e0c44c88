"""2. Check: every record against its model and vocabulary, and the links between files."""

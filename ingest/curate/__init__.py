"""Commands that help a curator edit data/: split the old single claims file, start a claim, a source or a study."""

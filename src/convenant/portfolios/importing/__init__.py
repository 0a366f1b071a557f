"""Reading, checking and importing holdings files."""

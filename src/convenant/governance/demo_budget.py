"""Demo budget and communication (filled in below)."""


def load_and_describe() -> str:
    return "governance budget: nothing yet"

"""The demo's reporting: placeholder until written."""


def load() -> str:
    return "reporting: nothing yet"

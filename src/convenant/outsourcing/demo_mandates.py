"""The demo's providers and mandates (filled in below)."""


def load_and_describe() -> str:
    return "Outsourcing mandates: none yet."

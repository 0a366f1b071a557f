"""The demo's bodies and meetings (filled in below)."""


def load_and_describe() -> str:
    return ""

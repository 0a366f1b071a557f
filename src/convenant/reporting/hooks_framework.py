"""What reporting's framework area adds to the rest of the product: the demo's reporting
cycles (after the governance demo's decisions, the outsourcing, toolkit and engagement demos
whose records pre-fill the answers)."""

from __future__ import annotations


def register() -> None:
    from convenant.core.demo import register_demo_loader
    from convenant.reporting import demo_cycles

    register_demo_loader("reporting_cycles", demo_cycles.load_and_describe, 80)

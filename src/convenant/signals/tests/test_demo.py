"""The demo has fictional signals at every level and in every state, and loads twice
without duplicating them."""

from convenant.parties import demo as parties_demo
from convenant.portfolios.models import Issuer
from convenant.signals.demo import MARK, load_demo_signals
from convenant.signals.models import LEVELS, Signal, State


def test_demo_signals_cover_every_level_and_state(
    db: None, django_capture_on_commit_callbacks
) -> None:
    parties_demo.load_demo_covenant()
    for i in range(4):
        Issuer.objects.create(
            legal_name=f"Demo Bedrijf {i} N.V.", country_of_incorporation="NL", source="gleif"
        )
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_signals()
    count = Signal.objects.count()
    assert {s.state for s in Signal.objects.all()} == set(State.values)
    assert {s.visibility for s in Signal.objects.all()} == {level.value for level in LEVELS}
    assert all(s.title.endswith(MARK) for s in Signal.objects.all())
    assert "already loaded" in load_demo_signals()
    assert Signal.objects.count() == count

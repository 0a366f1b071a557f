"""The public intake's forms under arbitrary input (hypothesis): the report form, the receipt
form and the answer form. Whatever is sent — NUL bytes, the highest code points, very long
text, unknown choices, files of any bytes and name — the page answers with the product's own
messages (never an exception or a 5xx), and input that is refused leaves nothing behind: no
signal, no message, no evidence row, no stored file. A bounded budget keeps it quick."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from convenant.signals import actions
from convenant.signals.models import Signal, SignalAttachment, SignalMessage
from convenant.signals.tests.helpers import form_data, jpeg_with_gps

BUDGET = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as people and attackers send it: any code point (no surrogates: str cannot carry them
# through an HTTP body), NUL and the last code point weighed in, sometimes very long.
awkward = st.sampled_from(["\x00", "\U0010ffff", "\ufeff", "\u202e", "é", "'", "<b>", "%00"])
text = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.characters(), awkward), max_size=40).map("".join),
    st.builds(lambda ch, n: ch * n, st.one_of(st.characters(), awkward), st.integers(1, 60_000)),
)
# Text the edge lets through (no control characters), to reach the forms and the actions.
printable = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=300)
REPORT_FIELDS = {
    "title": st.one_of(text, printable),
    "company_name": st.one_of(text, printable),
    "company_isin": st.one_of(text, st.just("US0378331005")),
    "company_lei": text,
    "country": st.one_of(st.sampled_from(["BD", "DZ", "", "XX", "bd"]), text),
    "site": text,
    "themes": st.lists(st.one_of(st.sampled_from(["forced-labour", "climate"]), text), max_size=3),
    "description": st.one_of(text, printable),
    "occurred_on": st.one_of(st.sampled_from(["2025-03-01", "2025-02-30", "0000-00-00"]), text),
    "occurred_period": text,
    "affected_count": st.one_of(st.integers(-(10**20), 10**20).map(str), text),
    "affected_groups": st.lists(st.one_of(st.just("workers"), text), max_size=3),
    "people": text,
    "impact": st.one_of(st.sampled_from(["actual", "potential"]), text),
    "sources": text,
    "visibility": st.one_of(st.sampled_from(["public", "covenant", "restricted"]), text),
    "sharing": st.one_of(st.sampled_from(["as_reported", "redacted", "not_shared"]), text),
    "addressed_to": st.one_of(st.sampled_from(["", "1", "999999"]), text),
}
upload = st.builds(
    lambda name, content, kind: SimpleUploadedFile(name or "x", content, content_type=kind),
    st.text(max_size=60),
    st.one_of(
        st.binary(max_size=2048),
        st.just(b"%PDF-1.4\n%%EOF"),
        st.just(jpeg_with_gps()),
        st.binary(max_size=64).map(lambda b: b"\xff\xd8\xff" + b),
    ),
    st.sampled_from(["image/jpeg", "application/pdf", "text/html", ""]),
)


@pytest.fixture(autouse=True)
def fresh_intake() -> Iterator[None]:
    cache.clear()
    storages._storages.pop("signals", None)  # type: ignore[attr-defined]  # a fresh store
    yield
    cache.clear()


def _files(path: str = "") -> int:
    try:
        folders, files = actions.storage().listdir(path)
    except FileNotFoundError:
        return 0
    return len(files) + sum(_files(f"{path}/{folder}".strip("/")) for folder in folders)


def _stored() -> tuple[int, int, int, int]:
    return (
        Signal.objects.count(),
        SignalMessage.objects.count(),
        SignalAttachment.objects.count(),
        _files(),
    )


def _post(url: str, data: dict[str, Any], plain: bool = False) -> Any:
    """POST as a browser does: multipart with files, or (``plain``) a urlencoded form."""
    cache.clear()  # the throttles count per client; here every example is a new one
    if plain and not data.get("evidence"):
        body = urlencode(data, doseq=True)
        return Client().post(url, body, content_type="application/x-www-form-urlencoded")
    return Client().post(url, data)


@pytest.mark.django_db
@BUDGET
@given(
    overrides=st.fixed_dictionaries({}, optional=REPORT_FIELDS),
    files=st.lists(upload, max_size=3),
    lang=st.sampled_from(["nl", "en", "fr", "es"]),
    plain=st.booleans(),
)
def test_report_form_takes_any_input_without_error(
    overrides: dict[str, Any], files: list[Any], lang: str, plain: bool
) -> None:
    before = _stored()
    data = form_data(**overrides)
    if files:
        data["evidence"] = files
    response = _post(f"/report/{lang}/", data, plain)
    assert response.status_code < 500
    html = response.content.decode()
    received = 'id="receipt-code"' in html
    event(f"report answered {response.status_code}, received: {received}")
    if received:
        signal = Signal.objects.latest("pk")
        assert _stored()[0] == before[0] + 1 and signal.reference in html
    else:
        assert response.status_code in (200, 400, 413), response.status_code
        assert _stored() == before


@pytest.fixture
def receipt(db: None) -> str:
    from convenant.signals.tests.helpers import report

    _signal, code = actions.submit_anonymous_signal(report=report(visibility="covenant"))
    return code


@pytest.mark.django_db
@BUDGET
@given(
    code=st.one_of(text, st.just("VALID")),
    answer=st.one_of(st.none(), text, printable),
    files=st.lists(upload, max_size=2),
    lang=st.sampled_from(["nl", "en", "fr", "es"]),
    plain=st.booleans(),
)
def test_receipt_and_answer_forms_take_any_input_without_error(
    receipt: str, code: str, answer: str | None, files: list[Any], lang: str, plain: bool
) -> None:
    before = _stored()
    data: dict[str, Any] = {"code": receipt if code == "VALID" else code}
    if answer is not None:
        data["text"] = answer
        if files:
            data["evidence"] = files
    response = _post(f"/report/{lang}/follow-up/", data, plain)
    assert response.status_code < 500
    html = response.content.decode()
    if code != "VALID" and actions.find_by_receipt(data["code"]) is None:
        assert response.status_code in (400, 404), response.status_code
    sent = 'role="status"' in html and answer is not None
    event(f"follow-up answered {response.status_code}, sent: {sent}")
    if sent:
        assert _stored()[1] == before[1] + 1  # the answer was taken: one message more
    else:
        assert _stored() == before

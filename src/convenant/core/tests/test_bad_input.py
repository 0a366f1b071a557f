"""Bad input at the edge: a NUL character anywhere, broken Unicode, oversized bodies and
out-of-range paging get a clear 400, 413 or 422 (JSON on the API, the 400 page elsewhere),
never a server error, and nothing is changed."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.test import Client
from django.urls import get_resolver
from django.utils.formats import number_format

from convenant.core import actions
from convenant.core.management.commands.export_openapi import DEFAULT_PATH
from convenant.core.models import ApiToken
from convenant.core.testing import World


def anonymous() -> Client:
    return Client(raise_request_exception=False)


def as_editor(world: World) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["fund_editor"])
    return client


def editor_token(world: World) -> dict[str, str]:
    _token, plaintext = actions.create_api_token(
        by=world.users["fund_editor"], name="edge", access="write"
    )
    return {"Authorization": f"Bearer {plaintext}"}


# --- NUL characters -------------------------------------------------------------------------

NUL_PAGES = [
    "/search/?q=%00",
    "/signals/SIG%00/",
    "/parties/?q=a%00b",
    "/issuers/?q=%00&country=NL",
    "/login/?next=%00",
    "/report/?lang=%00",
]
NUL_API = [
    "/api/v1/parties/a%00b",
    "/api/v1/parties?type=%00",
    "/api/v1/issuers?q=%00",
    "/api/v1/signals/SIG%00",
    "/api/v1/signals?state=%00",
    "/api/v1/people?party=%00",
]


@pytest.mark.parametrize("url", NUL_PAGES)
def test_nul_in_a_page_address_gets_the_400_page(world: World, url: str) -> None:
    for client in (anonymous(), as_editor(world)):
        response = client.get(url)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "NUL" in response.content.decode()
    # The page shows who is logged in, like every page.
    assert "Fund Editor" in as_editor(world).get(url).content.decode()


@pytest.mark.parametrize("url", NUL_API)
def test_nul_in_an_api_address_gets_a_json_400(world: World, url: str) -> None:
    for headers in ({}, editor_token(world)):
        response = anonymous().get(url, headers=headers)
        assert response.status_code == 400
        assert set(response.json()) == {"detail"} and "NUL" in response.json()["detail"]


def test_nul_in_a_form_field_changes_nothing(world: World) -> None:
    client = as_editor(world)
    before = ApiToken.objects.count()
    response = client.post(
        "/account/", {"name": "night\x00ly", "valid_days": "30", "create_token": ""}
    )
    assert response.status_code == 400 and "NUL" in response.content.decode()
    assert ApiToken.objects.count() == before


def test_nul_in_a_json_body_changes_nothing(world: World) -> None:
    before = ApiToken.objects.count()
    body = json.dumps({"party": "FA", "title": "a\x00b", "company_name": "X"})
    response = anonymous().post(
        "/api/v1/signals", body, content_type="application/json", headers=editor_token(world)
    )
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    assert ApiToken.objects.count() == before + 1  # only the token this test made


def test_nul_in_an_uploaded_forms_fields_is_refused(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("holdings.csv", b"isin,value\n", content_type="text/csv")
    response = as_editor(world).post(
        "/account/", {"name": "a\x00", "valid_days": "30", "create_token": "", "file": upload}
    )
    assert response.status_code == 400 and "NUL" in response.content.decode()


def test_nul_in_an_upload_is_answered_before_the_csrf_check_reads_it(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world.users["fund_editor"])
    upload = SimpleUploadedFile("a.csv", b"x\n", content_type="text/csv")
    response = client.post("/account/", {"name": "a\x00", "create_token": "", "file": upload})
    assert response.status_code == 400 and "NUL" in response.content.decode()
    assert "Verzoek niet aanvaard" in response.content.decode()  # the 400 page, not a trace


def test_too_many_fields_get_a_clear_400(world: World) -> None:
    query = "&".join(f"f{i}=1" for i in range(1100))
    page = as_editor(world).get(f"/issuers/?{query}")
    assert page.status_code == 400 and "Verzoek niet aanvaard" in page.content.decode()
    api = anonymous().get(f"/api/v1/parties?{query}")
    assert api.status_code == 400 and "velden" in api.json()["detail"]  # Dutch by default
    form = {f"f{i}": "1" for i in range(1100)} | {"create_token": ""}
    assert as_editor(world).post("/account/", form).status_code == 400


def test_nul_in_a_cookie_is_refused_and_the_cookie_removed(world: World) -> None:
    client = anonymous()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    response = client.get("/")
    assert response.status_code == 400
    assert response.cookies["sessionid"].value == ""  # deleted, so the browser is not stuck


# --- JSON bodies ------------------------------------------------------------------------------


def test_lone_surrogate_in_json_gets_400(world: World) -> None:
    body = '{"party": "FA", "title": "\\ud800", "company_name": "X"}'
    response = anonymous().post(
        "/api/v1/signals", body, content_type="application/json", headers=editor_token(world)
    )
    assert response.status_code == 400 and "Unicode" in response.json()["detail"]


def test_deeply_nested_json_is_not_a_server_error(world: World) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = anonymous().post(
        "/api/v1/signals", body, content_type="application/json", headers=editor_token(world)
    )
    assert response.status_code in (400, 422)


def test_a_huge_json_body_gets_413_before_it_is_read(world: World, settings) -> None:
    body = json.dumps({"party": "FA", "title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    for headers in ({}, editor_token(world)):
        response = anonymous().post(
            "/api/v1/signals", body, content_type="application/json", headers=headers
        )
        assert response.status_code == 413
        assert "te groot" in response.json()["detail"]  # Dutch, the covenant's language


def test_a_huge_form_gets_the_413_page(world: World, settings) -> None:
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = as_editor(world).post(
        "/account/", {"name": big, "valid_days": "30", "create_token": ""}
    )
    assert response.status_code == 413 and "te groot" in response.content.decode()


# --- Paging -----------------------------------------------------------------------------------

PAGED_API = [
    "/api/v1/parties",
    "/api/v1/issuers",
    "/api/v1/people",
    "/api/v1/signals",
    "/api/v1/jobs",
    "/api/v1/snapshots",
    "/api/v1/signal-alerts",
]


@pytest.mark.parametrize("url", PAGED_API)
@pytest.mark.parametrize(
    "query",
    [
        "limit=99999999999999999999",
        "offset=99999999999999999999",
        "offset=9223372036854775807",
        "limit=0",
        "limit=-1",
        "offset=-1",
        "limit=1001",
    ],
)
def test_out_of_range_paging_gets_422(world: World, url: str, query: str) -> None:
    response = anonymous().get(f"{url}?{query}", headers=editor_token(world))
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


def test_the_largest_page_is_served_and_documented(world: World, settings) -> None:
    response = anonymous().get(f"/api/v1/parties?limit={settings.API_PAGE_SIZE_MAX}&offset=1")
    assert response.status_code == 200 and response.json()["count"] == 6
    schema = anonymous().get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/parties"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == settings.API_PAGE_SIZE_MAX
    assert params["offset"]["schema"]["maximum"] > 0


@pytest.mark.parametrize(
    "url",
    [
        "/issuers/?page=99999999999999999999",
        "/issuers/?page=-3",
        "/issuers/?page=1e400",
        "/audit/?page=99999999999999999999",
        "/jobs/?page=99999999999999999999",
        "/signals/?page=99999999999999999999",
    ],
)
def test_page_numbers_out_of_range_show_a_page(world: World, url: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["secretariat"])
    assert client.get(url).status_code == 200


# --- Free text has a limit, and the forms show it ----------------------------------------------


def _project_forms() -> list[type[forms.BaseForm]]:
    get_resolver().url_patterns  # noqa: B018 - imports every view, and so every form
    found, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("convenant."):
            found.append(cls)
    return found


def test_every_text_field_of_every_form_has_a_limit_and_shows_it() -> None:
    unlimited, unshown = [], []
    for form in _project_forms():
        try:  # some forms set limits when made (the log-in form: the user model's)
            fields = form().fields
        except (TypeError, RuntimeError):  # needs arguments, or reads the database when made
            fields = form.base_fields  # type: ignore[attr-defined]
        for name, field in fields.items():
            # A password is hashed, never stored or shown: its length is the hasher's concern.
            if not isinstance(field, forms.CharField) or isinstance(
                field.widget, forms.PasswordInput
            ):
                continue
            where = f"{form.__module__}.{form.__name__}.{name}"
            if field.max_length is None:
                unlimited.append(where)
            elif isinstance(field.widget, forms.Textarea):
                shown = number_format(field.max_length, force_grouping=True)
                if shown not in str(field.help_text) or "maxlength" not in str(
                    field.widget.render(name, "")
                ):
                    unshown.append(where)
    assert not unlimited, f"Text fields without max_length: {unlimited}"
    assert not unshown, f"Text areas without a visible limit: {unshown}"


def test_every_text_in_an_api_body_has_a_documented_limit() -> None:
    document = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    components = document["components"]["schemas"]

    def unlimited(schema: dict, where: str) -> list[str]:
        if "$ref" in schema:
            return unlimited(components[schema["$ref"].split("/")[-1]], where)
        found = [
            w
            for key in ("anyOf", "oneOf")
            for s in schema.get(key, [])
            for w in unlimited(s, where)
        ]
        if schema.get("type") == "string" and not {"maxLength", "enum", "const", "format"} & set(
            schema
        ):
            found.append(where)
        for name, prop in schema.get("properties", {}).items():
            found += unlimited(prop, f"{where}.{name}")
        if "items" in schema:
            found += unlimited(schema["items"], f"{where}[]")
        return found

    missing = [
        w
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for media in operation.get("requestBody", {}).get("content", {}).values()
        for w in unlimited(media["schema"], f"{method.upper()} {path} body")
    ]
    assert not missing, f"Body text without maxLength: {missing}"


def test_nul_in_the_public_intakes_upload_is_refused(world: World) -> None:
    """The intake parses its own uploads (its own upload handlers, CSRF checked inside)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    client.get("/report/en/")
    token = client.cookies["csrftoken"].value
    form = {"csrfmiddlewaretoken": token, "title": "a\x00b", "evidence": upload}
    response = client.post("/report/en/", form)
    assert response.status_code == 400 and "NUL" in response.content.decode()


# --- A burst of requests --------------------------------------------------------------------


def test_a_request_that_waited_too_long_for_a_connection_gets_503() -> None:
    """When every pooled connection stayed busy (see test_server_recovery for the real
    burst), the answer is 503 with Retry-After, not a server error."""
    from django.db import OperationalError
    from django.test import RequestFactory
    from psycopg_pool import PoolTimeout

    from convenant.core.middleware import RequestGuardMiddleware

    guard = RequestGuardMiddleware(lambda request: None)  # type: ignore[return-value]
    try:
        try:
            raise PoolTimeout("couldn't get a connection after 10.00 sec")
        except PoolTimeout as timeout:
            raise OperationalError(str(timeout)) from timeout
    except OperationalError as error:
        busy = error
    for path, kind in (("/api/v1/parties", "application/json"), ("/parties/", "text/html")):
        response = guard.process_exception(RequestFactory().get(path), busy)
        assert response is not None and response.status_code == 503
        assert response["Retry-After"] and response["Content-Type"].startswith(kind)
    assert "Very busy" in response.content.decode()  # the page's title
    other = OperationalError("server closed the connection unexpectedly")
    assert guard.process_exception(RequestFactory().get("/"), other) is None

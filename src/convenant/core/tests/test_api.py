"""API: personal tokens (create, use, revoke), the access policy on people, and the committed
OpenAPI document."""

import json

import pytest
from django.test import Client

from convenant.core import actions
from convenant.core.errors import ActionError
from convenant.core.management.commands.export_openapi import DEFAULT_PATH, openapi_document
from convenant.core.models import ApiToken
from convenant.core.testing import World


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_openapi_document_is_committed_and_current() -> None:
    committed = DEFAULT_PATH.read_text(encoding="utf-8")
    assert committed == openapi_document(), (
        "docs/openapi.json differs from the code: run `convenant export_openapi` and commit it."
    )


def test_each_schema_name_in_the_document_names_one_shape() -> None:
    """The OpenAPI document keeps one component per schema name: two schemas of the same name
    and different fields (two apps' ``MoveIn``) would describe one operation with the other's
    body. Schemas that differ only in their description may share a name."""
    from django.urls import get_resolver
    from ninja import Schema

    get_resolver().url_patterns  # noqa: B018 - imports the API, every router and its schemas

    def subclasses(cls: type[Schema]) -> list[type[Schema]]:
        found: list[type[Schema]] = []
        for sub in cls.__subclasses__():
            found += [sub, *subclasses(sub)]
        return found

    shapes: dict[str, dict[str, str]] = {}
    for schema in subclasses(Schema):
        if not schema.__module__.startswith("convenant."):
            continue
        shape = schema.model_json_schema()
        shape.pop("description", None)
        shapes.setdefault(schema.__name__, {})[schema.__module__] = json.dumps(
            shape, sort_keys=True
        )
    clashes = {
        name: sorted(found) for name, found in shapes.items() if len(set(found.values())) > 1
    }
    assert not clashes


def test_token_gives_the_person_their_own_access_and_revoking_stops_it(world: World) -> None:
    user = world.users["fund_viewer"]
    token, plaintext = actions.create_api_token(by=user, name="nightly upload", valid_days=30)
    assert ApiToken.objects.get(pk=token.pk).token_hash != plaintext
    client = Client()
    me = client.get("/api/v1/people/me", headers=bearer(plaintext))
    assert me.status_code == 200 and me.json()["email"] == user.email

    actions.revoke_api_token(by=user, token=token)
    assert client.get("/api/v1/people/me", headers=bearer(plaintext)).status_code == 401
    with pytest.raises(ActionError, match="already revoked"):
        actions.revoke_api_token(by=user, token=token)


@pytest.mark.parametrize("bad", ["", "cvn_", "cvn_not-a-token", "Bearer", "x" * 500])
def test_bad_tokens_are_refused(world: World, bad: str) -> None:
    assert Client().get("/api/v1/people", headers=bearer(bad)).status_code == 401


def test_token_of_a_deactivated_person_stops_working(world: World) -> None:
    user = world.users["fund_admin"]
    _token, plaintext = actions.create_api_token(by=user, name="script")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client().get("/api/v1/people/me", headers=bearer(plaintext)).status_code == 401


def test_token_name_is_required(world: World) -> None:
    with pytest.raises(ActionError, match="name"):
        actions.create_api_token(by=world.users["fund_viewer"], name="  ")
    assert not ApiToken.objects.filter(name="").exists()


def test_people_list_never_shows_another_partys_people(world: World) -> None:
    _t, plaintext = actions.create_api_token(by=world.users["other_fund"], name="s")
    body = json.dumps(Client().get("/api/v1/people?limit=1000", headers=bearer(plaintext)).json())
    assert "other_fund@example.org" in body
    for hidden in ("target@example.org", "fund_viewer@example.org", "union@example.org"):
        assert hidden not in body
    assert f'"party": "{world.fund.slug}"' not in body  # not even as a membership


def test_secretariat_sees_everyone_with_their_memberships(world: World) -> None:
    _t, plaintext = actions.create_api_token(by=world.users["secretariat"], name="s")
    items = Client().get("/api/v1/people?limit=1000", headers=bearer(plaintext)).json()["items"]
    target = next(p for p in items if p["email"] == "target@example.org")
    assert target["memberships"] == [{"party": world.fund.slug, "role": "viewer"}]


def test_parties_are_public_and_filterable(world: World) -> None:
    client = Client()
    funds = client.get("/api/v1/parties?type=pension_fund&active=true").json()
    assert {p["code"] for p in funds["items"]} == {"FA", "FB"}
    former = client.get("/api/v1/parties?active=false").json()
    assert [p["code"] for p in former["items"]] == ["FX"]
    assert client.get("/api/v1/parties?type=bank").status_code == 422


def test_session_api_writes_need_csrf(world: World) -> None:
    """No write endpoints yet; the session auth still refuses a cross-site POST."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["fund_admin"])
    assert client.post("/api/v1/people").status_code in {401, 403, 405}

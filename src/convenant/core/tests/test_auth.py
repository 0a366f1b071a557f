"""Log-in, log-out and password reset by e-mail, in Dutch by default."""

import re

from django.core import mail
from django.test import Client

from convenant.core.models import AuditEvent, Job
from convenant.core.testing import World


def test_wrong_password_gives_a_clear_message_and_no_session(world: World) -> None:
    client = Client()
    client.cookies["convenant_language"] = "en"
    response = client.post("/login/", {"username": "fund_admin@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_case_insensitive_on_the_email_address(world: World) -> None:
    client = Client()
    response = client.post(
        "/login/", {"username": "Fund_Admin@Example.org", "password": "pw-test-12345"}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_password_reset_by_email_works_once(
    world: World, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/password/reset/", {"email": "fund_viewer@example.org"})
    assert len(mail.outbox) == 1  # sent by a job, after the commit
    job = Job.objects.get(kind="core.send_email")
    assert job.state == Job.State.SUCCEEDED and job.params["purpose"] == "core.password_reset"
    link = re.search(r"/password/reset/[^/\s]+/[^/\s]+/", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(0), follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert done.status_code == 302
    world.users["fund_viewer"].refresh_from_db()
    assert world.users["fund_viewer"].check_password("a-brand-new-passphrase")
    # Audited, with nothing of the password in the event.
    event = AuditEvent.objects.get(verb="core.reset_password")
    assert event.actor == world.users["fund_viewer"] and not event.before and not event.after
    again = Client().get(link.group(0), follow=True)
    assert not again.context["validlink"]


def test_reset_for_an_unknown_address_reveals_nothing(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and mail.outbox == []
    assert not Job.objects.exists()


def test_logout_needs_post_and_ends_the_session(world: World) -> None:
    client = Client()
    client.force_login(world.users["fund_viewer"])
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert client.get("/dashboard/").status_code == 302


def test_failed_logins_are_throttled_per_account_without_keeping_addresses(
    world: World, settings
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    client = Client()
    client.cookies["convenant_language"] = "en"
    for _attempt in range(3):
        client.post("/login/", {"username": "fund_admin@example.org", "password": "guess"})
    # The right password now waits too; another account is not affected.
    blocked = client.post(
        "/login/", {"username": "FUND_ADMIN@example.org", "password": "pw-test-12345"}
    )
    assert blocked.status_code == 200 and "Too many failed log-ins" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    other = Client().post(
        "/login/", {"username": "fund_editor@example.org", "password": "pw-test-12345"}
    )
    assert other.status_code == 302
    # Neither the address tried nor the client's IP address is kept in the cache's keys.
    keys = " ".join(cache._cache.keys())  # type: ignore[attr-defined]
    assert "fund_admin" not in keys and "127.0.0.1" not in keys
    cache.clear()
    assert (
        Client()
        .post("/login/", {"username": "fund_admin@example.org", "password": "pw-test-12345"})
        .status_code
        == 302
    )

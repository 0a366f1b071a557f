"""Documents of an activity: judged by their content (a PDF or an office file, never a
script named .pdf), within the size limit, stored outside the web root and served as a
download only to whoever may read the activity."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from convenant.core.testing import World
from convenant.engagement.actions import engagements as actions
from convenant.engagement.ladder import load_ladder
from convenant.engagement.models import Activity, ActivityAttachment

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def activity(world: World, tmp_path: Any, settings: Any) -> Activity:
    settings.ENGAGEMENT_UPLOAD_DIR = tmp_path
    load_ladder()
    engagement = actions.create_engagement(
        by=world.users["fund_editor"],
        title="Mica",
        target="issue",
        issue="Kinderarbeid in mica",
        lead_party=world.fund,
        start_date=TODAY - datetime.timedelta(days=10),
        visibility="covenant",
    )
    return actions.log_activity(
        by=world.users["fund_editor"],
        engagement=engagement,
        step="letter",
        occurred_on=TODAY,
        party=world.fund,
        summary="Brief",
    )


def _client(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def test_a_pdf_is_kept_and_served_to_readers_of_the_activity_only(
    world: World, activity: Activity
) -> None:
    url = reverse("activity_attach", args=[activity.pk])
    sent = _client(world, "fund_editor").post(
        url, {"title": "Brief", "file": SimpleUploadedFile("brief.pdf", PDF)}
    )
    assert sent.status_code == 302
    document = ActivityAttachment.objects.get(activity=activity)
    download = reverse("activity_attachment", args=[document.pk])
    got = _client(world, "fund_viewer").get(download)
    assert got.status_code == 200 and got.getvalue() == PDF
    assert got["Content-Disposition"].startswith("attachment")
    # Fund B reads the covenant-level engagement, not its restricted activity.
    assert _client(world, "other_fund").get(download).status_code == 404


def test_a_script_named_pdf_and_an_oversized_file_are_refused(
    world: World, activity: Activity
) -> None:
    url = reverse("activity_attach", args=[activity.pk])
    editor = _client(world, "fund_editor")
    editor.post(url, {"file": SimpleUploadedFile("brief.pdf", b"<script>alert(1)</script>")})
    with override_settings(GOVERNANCE_MAX_DOCUMENT_BYTES=10):
        editor.post(url, {"file": SimpleUploadedFile("groot.pdf", PDF)})
    assert not ActivityAttachment.objects.exists()
    with pytest.raises(actions.ActionError):
        actions.add_attachment(
            by=world.users["fund_editor"], activity=activity, title="", filename="x", data=b""
        )

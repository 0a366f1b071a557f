"""The demo covenant loads, matches the IMVB facts it imitates, and loads twice without
duplicating anything."""

import datetime

from django.db.models import Sum

from convenant.core.models import User
from convenant.parties import demo
from convenant.parties.models import Invitation, Membership, Party


def test_demo_is_idempotent_and_plausible(db: None) -> None:
    first = demo.load_demo_covenant()
    rows = (
        Party.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
    )
    second = demo.load_demo_covenant()
    assert first == second
    assert rows == (
        Party.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
    )

    funds = Party.objects.funds()
    assert funds.active(datetime.date(2019, 1, 1)).count() == 73
    assert funds.active(datetime.date(2022, 12, 30)).count() == 84
    assert all(f.name.endswith("(fictief)") for f in funds)
    total = funds.active(datetime.date(2019, 1, 1)).aggregate(s=Sum("invested_assets_eur"))["s"]
    assert 1_100e9 < float(total) < 1_200e9
    for code in (
        "PF",
        "BZ",
        "FIN",
        "SZW",
        "CNV",
        "FNV",
        "VCP",
        "AI",
        "NM",
        "OXN",
        "STC",
        "PAX",
        "WAP",
        "SER",
        "MC",
    ):
        assert Party.objects.filter(code=code).exists(), code
    assert Membership.objects.filter(party__code="MC").count() == 3
    assert all(u.email.endswith("@" + demo.DEMO_DOMAIN) for u in User.objects.all())

"""The demo covenant: the real non-fund parties of the IMVB covenant (as named in its
factsheet) and about 85 FICTIONAL pension funds and people. Every fund name ends in
"(fictief)", every person is invented, and every e-mail address is on the reserved
demo.convenant.example domain. Invested assets add up to about €1,180 billion, as the real
funds did at signing, but no figure belongs to a real fund.

Loading is idempotent: rows are found by their natural keys (slug, code, e-mail) and
updated, never duplicated.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from convenant.core.access import Role
from convenant.core.audit import record_event
from convenant.core.models import User, hash_token
from convenant.parties.models import Constituency, Covenant, Invitation, Membership, Party, Track

DEMO_PASSWORD = "convenant-demo"  # noqa: S105 - printed for the demo; fictional accounts only
DEMO_DOMAIN = "demo.convenant.example"
TOTAL_ASSETS_EUR = Decimal(1_180_000_000_000)
SIGNED_ON = datetime.date(2019, 1, 1)

CONSTITUENCIES = [
    ("funds", "Pensioenfondsen en Pensioenfederatie", "Pension funds and federation"),
    ("government", "Overheid", "Government"),
    ("unions", "Vakbonden", "Unions"),
    ("ngos", "Ngo's", "NGOs"),
]
TRACKS = [
    (
        "broad",
        "Breed spoor",
        "Broad track",
        "Beleid, uitbesteding, monitoring van uitbesteding, rapportage en transparantie.",
    ),
    (
        "deep",
        "Diep spoor",
        "Deep track",
        "Gezamenlijke casussen die één fonds niet alleen kan oplossen.",
    ),
]

# (code, slug, name, short name, type, constituency, website, description)
REAL_PARTIES = [
    (
        "PF",
        "pensioenfederatie",
        "Pensioenfederatie",
        "Pensioenfederatie",
        Party.Type.FEDERATION,
        "funds",
        "https://www.pensioenfederatie.nl",
        "Koepel van Nederlandse pensioenfondsen.",
    ),
    (
        "BZ",
        "ministerie-bz",
        "Ministerie van Buitenlandse Zaken",
        "BZ",
        Party.Type.MINISTRY,
        "government",
        "https://www.rijksoverheid.nl/ministeries/ministerie-van-buitenlandse-zaken",
        "",
    ),
    (
        "FIN",
        "ministerie-fin",
        "Ministerie van Financiën",
        "FIN",
        Party.Type.MINISTRY,
        "government",
        "https://www.rijksoverheid.nl/ministeries/ministerie-van-financien",
        "",
    ),
    (
        "SZW",
        "ministerie-szw",
        "Ministerie van Sociale Zaken en Werkgelegenheid",
        "SZW",
        Party.Type.MINISTRY,
        "government",
        "https://www.rijksoverheid.nl/ministeries/ministerie-van-sociale-zaken-en-werkgelegenheid",
        "",
    ),
    (
        "CNV",
        "cnv",
        "CNV",
        "CNV",
        Party.Type.UNION,
        "unions",
        "https://www.cnv.nl",
        "Deelname aan de stuurgroep; delen van kennis en lokaal netwerk; aankaarten van de "
        "grootste risico's op mensen- en arbeidsrechten.",
    ),
    ("FNV", "fnv", "FNV", "FNV", Party.Type.UNION, "unions", "https://www.fnv.nl", ""),
    ("VCP", "vcp", "VCP", "VCP", Party.Type.UNION, "unions", "https://www.vcp.nl", ""),
    (
        "AI",
        "amnesty",
        "Amnesty International Nederland",
        "Amnesty",
        Party.Type.NGO,
        "ngos",
        "https://www.amnesty.nl",
        "",
    ),
    (
        "NM",
        "natuur-milieu",
        "Natuur & Milieu",
        "Natuur & Milieu",
        Party.Type.NGO,
        "ngos",
        "https://www.natuurenmilieu.nl",
        "",
    ),
    (
        "OXN",
        "oxfam-novib",
        "Oxfam Novib",
        "Oxfam Novib",
        Party.Type.NGO,
        "ngos",
        "https://www.oxfamnovib.nl",
        "",
    ),
    (
        "STC",
        "save-the-children",
        "Save the Children Nederland",
        "Save the Children",
        Party.Type.NGO,
        "ngos",
        "https://www.savethechildren.nl",
        "",
    ),
    ("PAX", "pax", "PAX", "PAX", Party.Type.NGO, "ngos", "https://www.paxvoorvrede.nl", ""),
    (
        "WAP",
        "world-animal-protection",
        "World Animal Protection Nederland",
        "World Animal Protection",
        Party.Type.NGO,
        "ngos",
        "https://www.worldanimalprotection.nl",
        "",
    ),
    (
        "SER",
        "ser",
        "Sociaal-Economische Raad (secretariaat)",
        "SER",
        Party.Type.SECRETARIAT,
        None,
        "https://www.ser.nl",
        "Onafhankelijk secretariaat van het convenant.",
    ),
    (
        "MC",
        "monitoringcommissie",
        "Monitoringcommissie",
        "Monitoringcommissie",
        Party.Type.MONITORING_COMMITTEE,
        None,
        "",
        "Drie onafhankelijke leden; beoordeelt de jaarlijkse rapportages en schrijft het "
        "monitoringsrapport. (De leden in de demo zijn fictief.)",
    ),
]

# Invented fund names: birds, trees and landscapes, so none can be mistaken for a real fund.
FUND_NAMES = [
    "Zilvermeeuw",
    "Aalscholver",
    "Blauwborst",
    "Boomklever",
    "Braamsluiper",
    "Putter",
    "Fuut",
    "Goudhaan",
    "Grutto",
    "Havik",
    "Houtsnip",
    "Ijsvogel",
    "Kemphaan",
    "Kievit",
    "Kneu",
    "Koekoek",
    "Kraanvogel",
    "Kwartel",
    "Lepelaar",
    "Merel",
    "Nachtegaal",
    "Ooievaar",
    "Patrijs",
    "Pimpelmees",
    "Purperreiger",
    "Roerdomp",
    "Scholekster",
    "Slechtvalk",
    "Sperwer",
    "Spreeuw",
    "Steenuil",
    "Tureluur",
    "Vink",
    "Wielewaal",
    "Winterkoning",
    "Wulp",
    "Zwaluw",
    "Zanglijster",
    "Appelbes",
    "Beukenlaan",
    "Berkenhof",
    "Eikenrode",
    "Elzenhout",
    "Essenburg",
    "Hazelaar",
    "Iepenrij",
    "Kastanjehof",
    "Lindeboom",
    "Meidoorn",
    "Notenhout",
    "Platanen",
    "Populierenrij",
    "Vlierbes",
    "Wilgenhoek",
    "Taxushaag",
    "Dennenoord",
    "Duinrand",
    "Heidevlakte",
    "Kreekrug",
    "Polderzicht",
    "Slikken",
    "Stuwwal",
    "Veenweide",
    "Wadrand",
    "Uiterwaard",
    "Zandplaat",
    "Beekdal",
    "Getijdenkreek",
    "Kwelder",
    "Moerasrand",
    "Oeverwal",
    "Rietland",
    "Schorrenland",
    "Terpenland",
    "Vennenrij",
    "Weidevogel",
    "Zeekraal",
    "Zeereep",
    "Zoutweide",
    "Dijkgraaf",
    "Molenwaard",
    "Sluishoek",
    "Gemaal",
    "Brugwachter",
    "Haringvliet",
]

LATER_JOINERS = 12  # funds that joined during the term: 73 at signing, 84 at the end
DEPARTED = 1  # one fund left during the term


@dataclass(frozen=True)
class DemoPerson:
    key: str
    full_name: str
    party_code: str
    role: Role
    what: str


def fund_code(index: int) -> str:
    return f"PF{index + 1:03d}"


PEOPLE = [
    DemoPerson(
        "fonds-beheerder",
        "Anna de Vries",
        fund_code(0),
        Role.ADMINISTRATOR,
        "fund officer, administrator of her fund",
    ),
    DemoPerson("fonds-redacteur", "Bram Jansen", fund_code(0), Role.EDITOR, "fund officer, editor"),
    DemoPerson(
        "fonds-lezer",
        "Carla Bakker",
        fund_code(0),
        Role.VIEWER,
        "fund officer, viewer (e.g. a board member)",
    ),
    DemoPerson(
        "ander-fonds", "Dirk Visser", fund_code(1), Role.ADMINISTRATOR, "officer of another fund"
    ),
    DemoPerson("federatie", "Eva Smit", "PF", Role.ADMINISTRATOR, "federation officer"),
    DemoPerson("vakbond", "Fatima El Amrani", "FNV", Role.ADMINISTRATOR, "union officer"),
    DemoPerson("ngo", "Gijs Mulder", "OXN", Role.EDITOR, "NGO officer"),
    DemoPerson("overheid", "Hanna de Boer", "SZW", Role.EDITOR, "government officer"),
    DemoPerson("secretariaat", "Ingrid Meijer", "SER", Role.ADMINISTRATOR, "secretariat"),
    DemoPerson("monitoring", "Jan Willem Bos", "MC", Role.EDITOR, "monitoring committee"),
    DemoPerson("monitoring-2", "Karin Dekker", "MC", Role.EDITOR, "monitoring committee"),
    DemoPerson("monitoring-3", "Lucas Peters", "MC", Role.ADMINISTRATOR, "monitoring committee"),
]


def demo_email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"


def _fund_assets(n: int) -> list[Decimal]:
    """A few very large funds and a long tail, scaled to the covenant's total."""
    weights = [1 / (i + 1) ** 1.35 for i in range(n)]
    scale = TOTAL_ASSETS_EUR / Decimal(sum(weights))
    amounts = [(Decimal(w) * scale).quantize(Decimal(1_000_000)) for w in weights]
    amounts[-1] += TOTAL_ASSETS_EUR - sum(amounts)  # exact total
    return amounts


def load_demo_covenant() -> dict[str, int]:
    """Create or update the demo covenant. Returns counts of what exists afterwards."""
    rng = random.Random(2019)  # fixed: the demo looks the same on every machine
    with transaction.atomic(durable=True):
        covenant, created = Covenant.objects.update_or_create(
            slug="imvb",
            defaults={
                "name": "Convenant Internationaal Maatschappelijk Verantwoord Beleggen "
                "Pensioenfondsen",
                "short_name": "IMVB",
                "start_date": datetime.date(2019, 1, 1),
                # The real covenant ended in 2022; the demo's runs on, so that what the
                # steering group decides today (admitting a party) can take effect.
                "end_date": datetime.date(2027, 12, 31),
                "description": "Pensioenfondsen, overheid, vakbonden en ngo's werken samen om "
                "schade aan mens en milieu in de beleggingsketen te voorkomen en "
                "aan te pakken. (Demo-omgeving met fictieve fondsen; de looptijd is voor "
                "de demo verlengd tot eind 2027.)",
            },
        )
        constituencies = {
            code: Constituency.objects.update_or_create(
                covenant=covenant,
                code=code,
                defaults={"name": name, "name_en": name_en, "order": i},
            )[0]
            for i, (code, name, name_en) in enumerate(CONSTITUENCIES)
        }
        tracks = {
            code: Track.objects.update_or_create(
                covenant=covenant,
                code=code,
                defaults={"name": name, "name_en": name_en, "description": text, "order": i},
            )[0]
            for i, (code, name, name_en, text) in enumerate(TRACKS)
        }
        for code, slug, name, short, ptype, constituency, website, description in REAL_PARTIES:
            party, _ = Party.objects.update_or_create(
                code=code,
                defaults={
                    "covenant": covenant,
                    "slug": slug,
                    "name": name,
                    "short_name": short,
                    "type": ptype,
                    "website": website,
                    "description": description,
                    "constituency": constituencies[constituency] if constituency else None,
                    "joined_on": SIGNED_ON,
                },
            )
            party.tracks.set(tracks.values() if constituency else [])

        n_funds = len(FUND_NAMES)
        assets = _fund_assets(n_funds)
        later = set(rng.sample(range(10, n_funds), LATER_JOINERS + DEPARTED))
        departed = set(sorted(later)[:DEPARTED])
        later -= departed
        for i, bird in enumerate(FUND_NAMES):
            joined = SIGNED_ON
            if i in later:
                joined = SIGNED_ON + datetime.timedelta(days=rng.randint(120, 1400))
            left = datetime.date(2021, 6, 30) if i in departed else None
            fund, _ = Party.objects.update_or_create(
                code=fund_code(i),
                defaults={
                    "covenant": covenant,
                    "slug": f"pensioenfonds-{bird.lower()}",
                    "name": f"Stichting Pensioenfonds {bird} (fictief)",
                    "short_name": f"PF {bird} (fictief)",
                    "type": Party.Type.PENSION_FUND,
                    "constituency": constituencies["funds"],
                    "invested_assets_eur": assets[i],
                    "invested_assets_as_of": datetime.date(2018, 12, 31),
                    "joined_on": joined,
                    "left_on": left,
                    "departure": Party.Departure.LEFT if left else "",
                    "departure_reason": "Opgegaan in een ander (fictief) fonds na een fusie."
                    if left
                    else "",
                    "description": "Fictief pensioenfonds in de demo van convenant.",
                },
            )
            signed = [tracks["broad"]] + ([tracks["deep"]] if i % 3 == 0 else [])
            fund.tracks.set(signed)

        for person in PEOPLE:
            user, made = User.objects.unrestricted("loading the demo").get_or_create(
                email=demo_email(person.key), defaults={"full_name": person.full_name}
            )
            if made:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            Membership.objects.unrestricted("loading the demo").update_or_create(
                user=user,
                party=Party.objects.get(code=person.party_code),
                defaults={"role": person.role},
            )

        secretary = User.objects.unrestricted("loading the demo").get(
            email=demo_email("secretariaat")
        )
        _demo_invitations(secretary)
        if created:
            record_event(
                actor=None,
                verb="parties.load_demo",
                obj=covenant,
                after={"parties": Party.objects.count()},
            )
    return {
        "parties": Party.objects.filter(covenant=covenant).count(),
        "funds": Party.objects.filter(covenant=covenant).funds().count(),
        "people": User.objects.unrestricted("loading the demo").count(),
    }


def load_and_describe() -> str:
    """The demo loader registered with core.demo: loads, then says what and how to log in."""
    from django.conf import settings

    counts = load_demo_covenant()
    width = max(len(demo_email(p.key)) for p in PEOPLE)
    lines = [
        f"Demo covenant: {counts['parties']} parties, of which {counts['funds']} (fictional) "
        f"pension funds; {counts['people']} people.",
        f"Demo log-ins at {settings.BASE_URL}/login/ (password for all: {DEMO_PASSWORD})",
        *(f"  {demo_email(p.key):<{width}}  {p.what}" for p in PEOPLE),
    ]
    return "\n".join(lines)


def _demo_invitations(secretary: User) -> None:
    """Two open invitations, one of which has expired, so the secretariat's lists show both."""
    now = timezone.now()
    for key, name, code, days in [
        ("nieuwe-collega", "Noor Hendriks", fund_code(0), 10),
        ("verlopen", "Omar Yilmaz", "CNV", -3),
    ]:
        party = Party.objects.get(code=code)
        token_hash = hash_token(f"demo-invitation-{key}")
        invitations = Invitation.objects.unrestricted("loading the demo")
        # By its token, or, once renewed (a new token), as the open invitation to the address:
        # the demo then puts it back as it was.
        invitation = (
            invitations.filter(token_hash=token_hash).first()
            or invitations.filter(party=party, email=demo_email(key)).open().first()
            or Invitation(party=party, email=demo_email(key))
        )
        invitation.token_hash = token_hash
        invitation.full_name, invitation.role, invitation.invited_by = name, Role.VIEWER, secretary
        invitation.expires_at = now + datetime.timedelta(days=days)
        invitation.save()

"""The demo's deep track: six FICTIONAL cases on the six themes of the real covenant's cases
(DESIGN §3), each on a fictional company or issue, standing at a different point of its
work. This is the one list every area's demo module reads, so the selection, the case's
people and plan, its fieldwork and its communication all tell the same story.

``demo_deep_track.load`` walks each case from its nomination to where it stands, calling
each area's demo functions in the order the steps require (records first, then the move,
so every exit criterion is met by real records). Every title ends in "(fictief)".
"""

from __future__ import annotations

from dataclasses import dataclass

MARK = "(fictief)"


@dataclass(frozen=True)
class DemoCase:
    key: str  # stable within the demo: the areas' demo modules key their texts by it
    reference: str
    title: str
    target: str  # issuer / sector / issue
    # For an issuer target: the GICS industry (6 digits) of the demo company chosen for it
    # (the demo's largest holding in that industry, fictional like all demo companies).
    industry: str
    sector_code: str
    issue: str
    themes: tuple[str, ...]
    nominated_by: str  # the demo party code that nominated it
    selected_year: int
    # Where it stands: a step "A"–"E", or "closed".
    stands: str
    outcome: str = ""  # for a closed case


CASES = (
    DemoCase(
        key="mining",
        reference="ds-2021-01",
        title=f"Mijnbouw en gedwongen verhuizing van gemeenschappen {MARK}",
        target="issuer",
        industry="151040",  # metals and mining
        sector_code="",
        issue="",
        themes=("land-rights", "human-rights-defenders"),
        nominated_by="OXN",
        selected_year=2021,
        stands="D",
    ),
    DemoCase(
        key="palm_oil",
        reference="ds-2021-02",
        title=f"Palmolie: koper, leverancier en dochteronderneming {MARK}",
        target="issuer",
        industry="302020",  # food products
        sector_code="",
        issue="",
        themes=("land-rights", "forced-labour"),
        nominated_by="AI",
        selected_year=2021,
        stands="C",
    ),
    DemoCase(
        key="platform",
        reference="ds-2024-01",
        title=f"Platformeconomie: werkenden zonder bescherming {MARK}",
        target="issue",
        industry="",
        sector_code="",
        issue="Arbeidsrechten van platformwerkers",
        themes=("freedom-of-association", "living-wage"),
        nominated_by="FNV",
        selected_year=2024,
        stands="B",
    ),
    DemoCase(
        key="mica",
        reference="ds-2026-01",
        title=f"Kinderrechten in de mica-winning {MARK}",
        target="sector",
        industry="",
        sector_code="151010",  # chemicals: mica in pigments and cosmetics
        issue="",
        themes=("child-labour",),
        nominated_by="STC",
        selected_year=2026,
        stands="A",
    ),
    DemoCase(
        key="big_tech",
        reference="ds-2021-03",
        title=f"Big tech en mensenrechten {MARK}",
        target="issuer",
        industry="502030",  # interactive media and services
        sector_code="",
        issue="",
        themes=("privacy", "human-rights-defenders"),
        nominated_by="PAX",
        selected_year=2021,
        stands="E",
    ),
    DemoCase(
        key="biodiversity",
        reference="ds-2020-01",
        title=f"Biodiversiteit en ontbossing in de toeleveringsketen {MARK}",
        target="issue",
        industry="",
        sector_code="",
        issue="Ontbossing en verlies van biodiversiteit",
        themes=("deforestation-biodiversity",),
        nominated_by="NM",
        selected_year=2020,
        stands="closed",
        outcome="partial",
    ),
)

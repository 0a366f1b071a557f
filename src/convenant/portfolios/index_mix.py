"""What a diversified, index-like equity portfolio is made of, for the demo and the benchmarks:
the shares, by number of companies, of countries and of GICS industries in a global all-cap
equity index, and a heavy-tailed company size that is larger in developed markets.

The shares are approximate and rounded, in the spirit of the public factsheets of global
all-cap indices (such as MSCI ACWI IMI or FTSE All-World): about three quarters of the
companies in developed markets, most of them in the United States and Japan, a quarter in
emerging markets, which hold only about a tenth of the value. They are not a copy of any
index; every company drawn from them is fictional."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

# Country (ISO 3166 alpha-2) → share of the index's companies in per mille, developed market.
COUNTRIES: dict[str, tuple[int, bool]] = {
    # Developed markets: 72.2 % of the companies.
    "US": (370, True),
    "JP": (100, True),
    "GB": (40, True),
    "CA": (35, True),
    "AU": (30, True),
    "FR": (18, True),
    "DE": (18, True),
    "SE": (18, True),
    "CH": (15, True),
    "HK": (12, True),
    "IT": (10, True),
    "NL": (8, True),
    "IL": (7, True),
    "SG": (6, True),
    "DK": (6, True),
    "ES": (6, True),
    "FI": (5, True),
    "NO": (5, True),
    "BE": (4, True),
    "NZ": (3, True),
    "AT": (3, True),
    "IE": (2, True),
    "PT": (1, True),
    # Emerging markets: 27.8 % of the companies.
    "CN": (72, False),
    "IN": (51, False),
    "TW": (43, False),
    "KR": (30, False),
    "BR": (12, False),
    "ZA": (9, False),
    "SA": (8, False),
    "TH": (8, False),
    "MY": (8, False),
    "MX": (6, False),
    "ID": (6, False),
    "TR": (5, False),
    "PL": (3, False),
    "AE": (3, False),
    "CL": (2, False),
    "PH": (2, False),
    "QA": (2, False),
    "KW": (2, False),
    "GR": (2, False),
    "CO": (1, False),
    "PE": (1, False),
    "EG": (1, False),
    "HU": (1, False),
}

SECTORS: dict[str, str] = {
    "10": "Energy",
    "15": "Materials",
    "20": "Industrials",
    "25": "Consumer Discretionary",
    "30": "Consumer Staples",
    "35": "Health Care",
    "40": "Financials",
    "45": "Information Technology",
    "50": "Communication Services",
    "55": "Utilities",
    "60": "Real Estate",
}


@dataclass(frozen=True)
class Industry:
    code: str  # GICS industry, 6 digits (2023 structure)
    name: str
    per_mille: int  # share of the index's companies
    words: tuple[str, ...]  # what a company of the industry may call itself

    @property
    def sector_code(self) -> str:
        return self.code[:2]

    @property
    def sector(self) -> str:
        return SECTORS[self.code[:2]]


def _i(code: str, name: str, per_mille: int, *words: str) -> Industry:
    return Industry(code, name, per_mille, words)


INDUSTRIES: tuple[Industry, ...] = (
    # Energy 4 %
    _i("101010", "Energy Equipment & Services", 12, "Drilling", "Offshore", "Energy Services"),
    _i("101020", "Oil, Gas & Consumable Fuels", 28, "Petroleum", "Oil & Gas", "Energy"),
    # Materials 7 %
    _i("151010", "Chemicals", 30, "Chemicals", "Chemie", "Specialty Chemicals"),
    _i("151020", "Construction Materials", 6, "Cement", "Building Materials"),
    _i("151030", "Containers & Packaging", 6, "Packaging", "Containers"),
    _i("151040", "Metals & Mining", 24, "Mining", "Metals", "Resources", "Steel"),
    _i("151050", "Paper & Forest Products", 4, "Paper", "Forest Products"),
    # Industrials 17 %
    _i("201010", "Aerospace & Defense", 10, "Aerospace", "Defence Systems"),
    _i("201020", "Building Products", 12, "Building Products", "Windows & Doors"),
    _i("201030", "Construction & Engineering", 16, "Construction", "Engineering", "Bouw"),
    _i("201040", "Electrical Equipment", 18, "Electric", "Power Systems", "Cables"),
    _i("201050", "Industrial Conglomerates", 4, "Industries", "Holdings"),
    _i("201060", "Machinery", 40, "Machinery", "Machine Works", "Hydraulics"),
    _i("201070", "Trading Companies & Distributors", 10, "Trading", "Supply"),
    _i("202010", "Commercial Services & Supplies", 14, "Facility Services", "Environmental"),
    _i("202020", "Professional Services", 14, "Consulting", "Staffing", "Data Services"),
    _i("203010", "Air Freight & Logistics", 4, "Logistics", "Freight"),
    _i("203020", "Passenger Airlines", 4, "Airlines", "Air"),
    _i("203030", "Marine Transportation", 4, "Shipping", "Maritime"),
    _i("203040", "Ground Transportation", 10, "Railways", "Transport", "Trucking"),
    _i("203050", "Transportation Infrastructure", 10, "Ports", "Airports", "Toll Roads"),
    # Consumer Discretionary 12 %
    _i("251010", "Automobile Components", 20, "Auto Parts", "Components", "Tyres"),
    _i("251020", "Automobiles", 6, "Motors", "Motor Works"),
    _i("252010", "Household Durables", 16, "Homes", "Appliances", "Furniture"),
    _i("252020", "Leisure Products", 5, "Leisure", "Toys", "Sporting Goods"),
    _i("252030", "Textiles, Apparel & Luxury Goods", 13, "Apparel", "Textiles", "Fashion"),
    _i("253010", "Hotels, Restaurants & Leisure", 24, "Hotels", "Restaurants", "Resorts"),
    _i("253020", "Diversified Consumer Services", 6, "Education", "Services"),
    _i("255010", "Distributors", 4, "Distribution", "Wholesale"),
    _i("255030", "Broadline Retail", 7, "Stores", "Department Stores", "Online"),
    _i("255040", "Specialty Retail", 19, "Retail", "Home Centres", "Outfitters"),
    # Consumer Staples 6 %
    _i("301010", "Consumer Staples Distribution & Retail", 12, "Supermarkets", "Food Stores"),
    _i("302010", "Beverages", 8, "Breweries", "Beverages", "Drinks"),
    _i("302020", "Food Products", 26, "Foods", "Agri", "Dairy", "Plantations"),
    _i("302030", "Tobacco", 2, "Tobacco"),
    _i("303010", "Household Products", 3, "Household Products", "Home Care"),
    _i("303020", "Personal Care Products", 9, "Cosmetics", "Personal Care"),
    # Health Care 11 %
    _i("351010", "Health Care Equipment & Supplies", 24, "Medical", "Medtech", "Instruments"),
    _i("351020", "Health Care Providers & Services", 16, "Health", "Clinics", "Care"),
    _i("351030", "Health Care Technology", 4, "Health Systems", "Health IT"),
    _i("352010", "Biotechnology", 32, "Biotech", "Therapeutics", "Bio"),
    _i("352020", "Pharmaceuticals", 24, "Pharma", "Pharmaceuticals"),
    _i("352030", "Life Sciences Tools & Services", 10, "Life Sciences", "Diagnostics"),
    # Financials 13 %
    _i("401010", "Banks", 50, "Bank", "Bancorp", "Savings Bank"),
    _i("402010", "Financial Services", 20, "Financial", "Payments"),
    _i("402020", "Consumer Finance", 8, "Credit", "Finance"),
    _i("402030", "Capital Markets", 30, "Capital", "Asset Management", "Securities"),
    _i("402040", "Mortgage Real Estate Investment Trusts (REITs)", 4, "Mortgage Trust"),
    _i("403010", "Insurance", 18, "Insurance", "Assurance", "Re"),
    # Information Technology 14 %
    _i("451020", "IT Services", 24, "IT Services", "Consulting", "Cloud"),
    _i("451030", "Software", 42, "Software", "Systems", "Digital"),
    _i("452010", "Communications Equipment", 10, "Networks", "Communications"),
    _i("452020", "Technology Hardware, Storage & Peripherals", 8, "Computers", "Storage"),
    _i("452030", "Electronic Equipment, Instruments & Components", 28, "Electronics", "Sensors"),
    _i("453010", "Semiconductors & Semiconductor Equipment", 28, "Semiconductor", "Micro"),
    # Communication Services 6 %
    _i("501010", "Diversified Telecommunication Services", 9, "Telecom", "Telecommunications"),
    _i("501020", "Wireless Telecommunication Services", 5, "Mobile", "Wireless"),
    _i("502010", "Media", 16, "Media", "Broadcasting", "Publishing"),
    _i("502020", "Entertainment", 14, "Entertainment", "Games", "Studios"),
    _i("502030", "Interactive Media & Services", 16, "Interactive", "Online Media"),
    # Utilities 4 %
    _i("551010", "Electric Utilities", 14, "Power", "Electricity"),
    _i("551020", "Gas Utilities", 6, "Gas"),
    _i("551030", "Multi-Utilities", 5, "Utilities", "Energie"),
    _i("551040", "Water Utilities", 4, "Water"),
    _i("551050", "Independent Power and Renewable Electricity Producers", 11, "Renewables"),
    # Real Estate 6 %
    _i("601010", "Diversified REITs", 6, "Property Trust", "REIT"),
    _i("601025", "Industrial REITs", 5, "Industrial REIT", "Logistics Properties"),
    _i("601030", "Hotel & Resort REITs", 2, "Hospitality REIT"),
    _i("601040", "Office REITs", 5, "Office REIT", "Office Properties"),
    _i("601050", "Health Care REITs", 3, "Healthcare REIT"),
    _i("601060", "Residential REITs", 5, "Residential", "Apartments"),
    _i("601070", "Retail REITs", 7, "Retail Properties", "Shopping Centres"),
    _i("601080", "Specialized REITs", 5, "Towers", "Data Centres", "Storage REIT"),
    _i("602010", "Real Estate Management & Development", 22, "Properties", "Real Estate", "Land"),
)
BY_CODE: dict[str, Industry] = {industry.code: industry for industry in INDUSTRIES}

# A company's size (its market value, in euro) is lognormal: a few giants, many small ones,
# as in any all-cap index. Developed-market companies are larger on average, US ones most,
# so that about 88 % of the value sits in developed markets with 72 % of the companies.
MEDIAN_SIZE_LOG = 13.0  # about € 440,000 held in a median company by a demo fund
SIZE_SPREAD = 1.6
SIZE_OFFSET = {"US": 0.0, "developed": -0.35, "emerging": -1.25}


@dataclass(frozen=True)
class Company:
    country: str
    industry: Industry


def _apportion(shares: dict[str, int], n: int) -> list[str]:
    """``n`` keys in proportion to their shares (largest remainder), so a sample holds the
    index's mix exactly rather than by chance."""
    total = sum(shares.values())
    exact = {key: n * share / total for key, share in shares.items()}
    counts = {key: math.floor(value) for key, value in exact.items()}
    left = n - sum(counts.values())
    for key in sorted(exact, key=lambda k: (counts[k] - exact[k], k))[:left]:
        counts[key] += 1
    return [key for key, count in counts.items() for _ in range(count)]


def companies(n: int, *, seed: int) -> list[Company]:
    """``n`` fictional companies whose countries and industries follow the index's shares,
    paired at random (deterministic for the seed)."""
    rng = random.Random(seed)  # noqa: S311 - fictional demo data, not security
    countries = _apportion({code: share for code, (share, _dm) in COUNTRIES.items()}, n)
    industries = _apportion({i.code: i.per_mille for i in INDUSTRIES}, n)
    rng.shuffle(countries)
    rng.shuffle(industries)
    return [Company(c, BY_CODE[i]) for c, i in zip(countries, industries, strict=True)]


def developed(country: str) -> bool:
    return COUNTRIES.get(country, (0, True))[1]


def size_of(key: str, country: str) -> float:
    """A company's size in euro, drawn from its key (an LEI or ISIN) so it is the same in every
    run and every file that holds it."""
    offset = SIZE_OFFSET[
        "US" if country == "US" else "developed" if developed(country) else "emerging"
    ]
    rng = random.Random(f"size-{key}")  # noqa: S311 - fictional demo data
    return math.exp(rng.gauss(MEDIAN_SIZE_LOG + offset, SIZE_SPREAD))

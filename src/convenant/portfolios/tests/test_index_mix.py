"""The index-like mix the demo and the benchmarks draw their companies from: shares that add
up, every sector present, most value in developed markets, and names that fit."""

from pathlib import Path

from convenant.portfolios import index_mix, testing


def test_the_shares_add_up_to_the_whole_index() -> None:
    assert sum(share for share, _developed in index_mix.COUNTRIES.values()) == 1000
    assert sum(industry.per_mille for industry in index_mix.INDUSTRIES) == 1000
    assert {industry.sector_code for industry in index_mix.INDUSTRIES} == set(index_mix.SECTORS)
    assert all(len(i.code) == 6 and i.code.isdigit() for i in index_mix.INDUSTRIES)


def test_by_count_most_companies_are_in_developed_markets_a_quarter_in_emerging() -> None:
    by_count = {code: share / 10 for code, (share, _dm) in index_mix.COUNTRIES.items()}
    emerging = sum(p for code, p in by_count.items() if not index_mix.developed(code))
    assert 35 <= by_count["US"] <= 40 and 8 <= by_count["JP"] <= 12
    assert 25 <= emerging <= 30


def test_a_sample_holds_the_index_mix_exactly_and_is_the_same_for_the_seed() -> None:
    companies = index_mix.companies(2000, seed=4)
    assert companies == index_mix.companies(2000, seed=4)
    assert companies != index_mix.companies(2000, seed=5)
    assert sum(c.country == "US" for c in companies) == 740  # 37.0 % of 2,000
    assert sum(c.industry.code == "401010" for c in companies) == 100  # banks, 5.0 %
    assert len({c.industry.sector for c in companies}) == 11


def test_developed_markets_hold_most_of_the_value() -> None:
    companies = index_mix.companies(5000, seed=2019)
    sizes = [(c.country, index_mix.size_of(f"key-{n}", c.country)) for n, c in enumerate(companies)]
    total = sum(size for _country, size in sizes)
    emerging = sum(size for country, size in sizes if not index_mix.developed(country)) / total
    us = sum(size for country, size in sizes if country == "US") / total
    assert emerging < 0.2  # a quarter of the companies, a tenth or so of the value
    assert us > 0.4
    # The same company is as large in every file: its size comes from its key.
    assert index_mix.size_of("key-1", "US") == index_mix.size_of("key-1", "US")


def test_the_register_names_fit_country_and_industry(tmp_path: Path) -> None:
    records = testing.write_index_golden_copy(tmp_path / "lei.csv", 300, seed=3)
    assert len({lei for lei, _name, _company in records}) == 300
    for _lei, name, company in records:
        assert any(f" {word} " in f" {name} " for word in company.industry.words), name
        assert name.endswith(testing.COUNTRY_FORMS[company.country]), name
    header = (tmp_path / "lei.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith('"LEI","Entity.LegalName"')

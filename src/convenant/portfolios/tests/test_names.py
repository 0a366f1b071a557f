"""Normalising company names: each rule on the names holdings lists and GLEIF write."""

import pytest

from convenant.portfolios.names import compact, core, normalize_name


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        # share-class and listing suffixes, after a dash or as trailing words
        ("BYD CO LTD-H", "BYD"),
        ("VOLVO AB-B", "VOLVO"),
        ("BERKSHIRE HATHAWAY INC-CL B", "BERKSHIRE HATHAWAY"),
        ("ACCENTURE PLC-CL A", "ACCENTURE"),
        ("ALIBABA GROUP HOLDING-SP ADR", "ALIBABA GROUP HOLDING"),
        ("TAIWAN SEMICONDUCTOR-SP ADR", "TAIWAN SEMICONDUCTOR"),
        ("SAMSUNG ELECTRONICS-PREF", "SAMSUNG ELECTRONICS"),
        ("PTT PCL-NVDR", "PTT"),
        ("NESTLE SA-REG", "NESTLE"),
        ("XERO LTD-CDI", "XERO"),
        ("UNILEVER NV-NY REG SHS", "UNILEVER"),
        ("ROYAL PHILIPS NY REG SHS", "ROYAL PHILIPS"),
        ("SONY GROUP CORP ADR", "SONY GROUP"),
        ("INFOSYS LTD SP ADR", "INFOSYS"),
        # a suffix or legal form cut short where the list cut the name at 28 characters
        ("ALIBABA GROUP HOLDING-SP AD", "ALIBABA GROUP HOLDING"),
        ("SAMSUNG ELECTRONICS CO LT", "SAMSUNG ELECTRONICS"),
        ("TOYOTA MOTOR CORPORATIO", "TOYOTA MOTOR"),
        # legal forms from the maintained list plus ours, at the end and at the start
        ("Koninklijke Ahold Delhaize N.V.", "KONINKLIJKE AHOLD DELHAIZE"),
        ("Novo Nordisk A/S", "NOVO NORDISK"),
        ("NOVO NORDISK A/S-B", "NOVO NORDISK"),
        ("Robert Bosch GmbH & Co. KG", "ROBERT BOSCH"),
        ("Henkel AG & Co. KGaA", "HENKEL"),
        ("Wal-Mart de Mexico S.A.B. de C.V.", "WAL MART DE MEXICO"),
        ("Taiwan Semiconductor Manufacturing Co., Ltd.", "TAIWAN SEMICONDUCTOR MANUFACTURING"),
        ("PT Bank Central Asia Tbk", "BANK CENTRAL ASIA"),
        ("PJSC Gazprom", "GAZPROM"),
        ("AB Volvo", "VOLVO"),
        ("Compañía Minera Andina S.A.A.", "COMPANIA MINERA ANDINA"),
        # Bloomberg's /THE and /TOKYO
        ("COCA-COLA CO/THE", "COCA COLA"),
        ("The Coca-Cola Company", "COCA COLA"),
        ("MITSUBISHI CORP/TOKYO", "MITSUBISHI"),
        # abbreviations written out
        ("AMERICAN INTL GROUP", "AMERICAN INTERNATIONAL GROUP"),
        ("MAHINDRA & MAHINDRA FIN SVCS", "MAHINDRA AND MAHINDRA FINANCIAL SERVICES"),
        ("NOMURA SECS CO LTD", "NOMURA SECURITIES"),
        ("BLACKSTONE MGMT", "BLACKSTONE MANAGEMENT"),
        ("RELIANCE IND", "RELIANCE INDUSTRIES"),
        ("CK HUTCHISON HLDGS", "CK HUTCHISON HOLDINGS"),
        # Holding(s) and Group stay: they weigh little but are part of the name
        ("ASML Holding N.V.", "ASML HOLDING"),
        ("The Goldman Sachs Group, Inc.", "GOLDMAN SACHS GROUP"),
        ("GOLDMAN SACHS GROUP INC", "GOLDMAN SACHS GROUP"),
        # a name that is nothing but a legal form is kept, never emptied
        ("A/S", "AS"),
        ("Inc.", "INC"),
    ],
)
def test_each_rule(written: str, normalised: str) -> None:
    assert normalize_name(written) == normalised


@pytest.mark.parametrize(
    ("native", "transliterated"),
    [
        ("ПАО «Газпром»", "GAZPROM PJSC"),  # Cyrillic, legal form before the name
        ("Εθνική Τράπεζα της Ελλάδος Α.Ε.", "ETHNIKI TRAPEZA TIS ELLADOS SA"),  # Greek
        ("Сбербанк России ПАО", "SBERBANK ROSSII"),
    ],
)
def test_names_in_other_scripts_match_their_transliteration(
    native: str, transliterated: str
) -> None:
    assert normalize_name(native) == normalize_name(transliterated)


@pytest.mark.parametrize(
    "native",
    [
        "中国石油天然气股份有限公司",
        "トヨタ自動車株式会社",
        "삼성전자 주식회사",
        "Газпром",
        "Ελλάδος",
    ],
)
def test_no_script_becomes_an_empty_name(native: str) -> None:
    normalised = normalize_name(native)
    assert normalised and normalised.isascii()
    # the same name written again normalises the same way
    assert normalize_name(native + " ") == normalised


def test_chinese_syllables_match_however_the_transliteration_spaces_them() -> None:
    native = normalize_name("中国石油天然气股份有限公司")
    assert native == "ZHONG GUO SHI YOU TIAN RAN QI"  # the company form is gone
    assert compact(normalize_name("Zhongguo Shiyou Tianranqi")) == compact(native)


def test_korean_and_japanese_company_forms_go() -> None:
    assert normalize_name("삼성전자 주식회사") == normalize_name("삼성전자")
    assert normalize_name("トヨタ自動車株式会社") == normalize_name("トヨタ自動車")


def test_weak_words_stay_but_core_drops_them() -> None:
    assert normalize_name("ASML Holding N.V.") == "ASML HOLDING"
    assert core("ASML HOLDING") == "ASML"
    assert core("BANK OF INDIA") == "BANK INDIA"
    assert core("GROUP") == "GROUP"  # never empty


def test_a_dash_inside_a_name_is_not_a_share_class() -> None:
    assert normalize_name("ROLLS-ROYCE HOLDINGS PLC") == "ROLLS ROYCE HOLDINGS"
    assert normalize_name("Coca-Cola HBC AG") == "COCA COLA HBC"


def test_stored_names_are_normalised_again_when_the_rules_change(world) -> None:
    from convenant.core.models import AuditEvent
    from convenant.portfolios.actions.names import renormalise_names
    from convenant.portfolios.models import Issuer, IssuerAlias

    # Given names stored under older rules (Holding dropped, share classes kept),
    asml = Issuer.objects.create(legal_name="ASML Holding N.V.", source="gleif")
    alias = IssuerAlias.objects.create(issuer=asml, name="placeholder", source="manual")
    twin = IssuerAlias.objects.create(issuer=asml, name="ASML Holding", source="manual")
    Issuer.objects.filter(pk=asml.pk).update(normalized_name="ASML")
    IssuerAlias.objects.filter(pk=alias.pk).update(
        name="ASML HOLDING NV-NY REG SHS", normalized_name="ASML NY REG SHS"
    )
    # when they are worked out again,
    done = renormalise_names()
    # then the issuer has today's name, and the alias that now says the same as another
    # alias of the same issuer is dropped rather than breaking the unique name.
    asml.refresh_from_db()
    assert asml.normalized_name == "ASML HOLDING"
    assert (done.issuers, done.alias_duplicates) == (1, 1)
    assert list(IssuerAlias.objects.filter(issuer=asml).values_list("pk", flat=True)) == [twin.pk]
    assert AuditEvent.objects.filter(verb="portfolios.renormalise_names").exists()
    # and again: nothing left to change.
    assert renormalise_names().issuers == 0

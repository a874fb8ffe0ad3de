"""NIP, EU VAT, IBAN and KSeF number checks, and invoice-number normalisation."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.finance.identifiers import (
    KsefNumber,
    compact_iban,
    compact_nip,
    compact_vat,
    is_valid_eu_vat,
    is_valid_iban,
    is_valid_ksef_number,
    is_valid_nip,
    ksef_checksum,
    loose_invoice_number,
    normalize_iban,
    normalize_invoice_number,
    normalize_nip,
    parse_ksef_number,
    tax_key,
)


@pytest.mark.parametrize(
    "value",
    ["8567346215", "5273180297", "5265877635", "PL 856-734-62-15", "856.734.62.15", "pl8567346215", " 1010000002 "],
)
def test_valid_nips(value: str) -> None:
    assert is_valid_nip(value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("8567346216", "wrong check digit"),
        ("0000000000", "checksum passes, KSeF pattern refuses a leading zero"),
        ("0123456789", "checksum passes, leading zero"),
        ("1000000006", "checksum passes, KSeF pattern refuses 00 in digits 2-3"),
        ("856734621", "nine digits"),
        ("85673462150", "eleven digits"),
        ("DE8567346215", "foreign prefix"),
        ("", "empty"),
    ],
)
def test_invalid_nips(value: str, why: str) -> None:
    assert not is_valid_nip(value), why


def test_compact_and_normalize_nip() -> None:
    assert compact_nip("PL 856-734-62-15") == "8567346215"
    assert normalize_nip("pl 856.734.62.15") == "8567346215"
    assert normalize_nip("8567346216") is None
    assert normalize_nip(None) is None


@pytest.mark.parametrize("value", ["DE136695976", "de 136 695 976", "EL094259216", "GR094259216", "PL8567346215"])
def test_valid_eu_vat_numbers(value: str) -> None:
    assert is_valid_eu_vat(value)


@pytest.mark.parametrize("value", ["DE136695977", "XX123456", "PL8567346216", "", "136695976"])
def test_invalid_eu_vat_numbers(value: str) -> None:
    assert not is_valid_eu_vat(value)


def test_greece_is_written_el() -> None:
    assert compact_vat("gr 094 259 216") == "EL094259216"


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("PL 527-318-02-97", None, "PL5273180297"),
        ("5273180297", None, "PL5273180297"),
        ("PL5273180297", None, "PL5273180297"),
        ("DE136695976", None, "DE136695976"),
        ("136695976", "DE", "DE136695976"),
        ("GR094259216", None, "EL094259216"),
        ("5273180298", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_tax_key_makes_one_key_for_every_spelling(value: str | None, country: str | None, expected: str | None) -> None:
    assert tax_key(value, country) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PL61 1090 1014 0000 0712 1981 2874", "PL61109010140000071219812874"),
        ("61 1090 1014 0000 0712 1981 2874", "PL61109010140000071219812874"),
        ("61-1090-1014-0000-0712-1981-2874", "PL61109010140000071219812874"),
        ("GR16 0110 1050 0000 1054 7023 795", "GR1601101050000010547023795"),
        ("be31435411161155", "BE31435411161155"),
    ],
)
def test_valid_ibans_and_polish_nrb(value: str, expected: str) -> None:
    assert is_valid_iban(value)
    assert normalize_iban(value) == expected


@pytest.mark.parametrize(
    "value", ["PL61109010140000071219812875", "61109010140000071219812875", "PL6110901014", "", "hello"]
)
def test_invalid_ibans(value: str) -> None:
    assert not is_valid_iban(value)
    assert normalize_iban(value) is None


def test_compact_iban_only_prefixes_26_digit_numbers() -> None:
    assert compact_iban("1234") == "1234"
    assert compact_iban("61109010140000071219812874") == "PL61109010140000071219812874"


def test_ksef_number_known_good() -> None:
    value = "5265877635-20250826-0100001AF629-AF"
    assert ksef_checksum(value[:32]) == "AF"
    parsed = parse_ksef_number(value)
    assert parsed == KsefNumber("5265877635", date(2025, 8, 26), "0100001AF629", "AF")
    assert str(parsed) == value
    assert is_valid_ksef_number(value.lower())


@pytest.mark.parametrize(
    "value",
    [
        "5265877635-20250826-0100001AF629-AE",  # checksum off by one
        "5265877635-20250826-0100001AF628-AF",  # one character changed
        "5265877635-20251326-0100001AF629-AF",  # month 13
        "5265877635-20250826-0100001AF62-AF",  # technical part too short
        "5265877635 20250826 0100001AF629 AF",  # wrong separators
        "",
    ],
)
def test_invalid_ksef_numbers(value: str) -> None:
    assert parse_ksef_number(value) is None
    assert not is_valid_ksef_number(value)


def test_ksef_date_is_checked_even_with_a_matching_checksum() -> None:
    prefix = "5265877635-20250230-0100001AF629"
    assert parse_ksef_number(f"{prefix}-{ksef_checksum(prefix)}") is None


def test_invoice_numbers_compare_across_separators_and_case() -> None:
    spellings = ["FV/2026/10/0012", "fv 2026-10-0012", "FV2026100012", "Fv.2026.10.0012", "FV_2026_10_0012"]
    assert {normalize_invoice_number(s) for s in spellings} == {"fv2026100012"}


def test_loose_invoice_numbers_ignore_leading_zeros_per_group() -> None:
    assert loose_invoice_number("FV/2026/10/0012") == loose_invoice_number("fv 2026-10-12") == "fv-2026-10-12"
    assert loose_invoice_number("1/12") != loose_invoice_number("11/2")
    assert loose_invoice_number("FV/0/2026") == "fv-0-2026"
    # Without separators the groups are different, so the loose form differs; the strict form still agrees.
    assert loose_invoice_number("FV2026100012") != loose_invoice_number("FV/2026/10/12")


invoice_like = st.text(alphabet="FVKORfvkor0123456789/-. _", min_size=1, max_size=20)


@given(invoice_like)
def test_normalisation_is_idempotent(value: str) -> None:
    once = normalize_invoice_number(value)
    assert normalize_invoice_number(once) == once
    loose = loose_invoice_number(value)
    assert loose_invoice_number(loose) == loose


@given(invoice_like, st.lists(st.sampled_from(["/", "-", " ", "."]), max_size=5))
def test_normalisation_ignores_inserted_separators_and_case(value: str, separators: list[str]) -> None:
    chars = list(value.swapcase())
    for separator in separators:
        chars.insert(len(chars) // 2, separator)
    assert normalize_invoice_number("".join(chars)) == normalize_invoice_number(value)


@given(st.text(alphabet="0123456789 -.", max_size=16))
def test_nip_compaction_is_idempotent(value: str) -> None:
    assert compact_nip(compact_nip(value)) == compact_nip(value)
    assert is_valid_nip(value) == is_valid_nip(compact_nip(value))


def test_tax_key_of_an_unknown_vat_prefix_is_none() -> None:
    from flowtly_mcp.finance.identifiers import tax_key

    assert tax_key("XX123") is None
    assert tax_key("A", "XX") is None

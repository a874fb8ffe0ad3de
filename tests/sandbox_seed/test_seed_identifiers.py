"""Every tax number, bank account and KSeF number is valid, except the one typo planted on purpose."""

from __future__ import annotations

import re

from stdnum import iban
from stdnum.eu import vat
from stdnum.pl import nip

from flowtly_mcp.sandbox.seed import GroundTruth
from flowtly_mcp.sandbox.seed.identifiers import ksef_number

from .support import Dataset, compact_tin, crc8_bitwise

KSEF_NIP = re.compile(r"^[1-9]((\d[1-9])|([1-9]\d))\d{7}$")
KSEF_NUMBER = re.compile(r"^(\d{10})-(\d{8})-([0-9A-F]{12})-([0-9A-F]{2})$")


def _valid_tin(tin: str) -> bool:
    compact = compact_tin(tin)
    assert compact is not None
    if compact.isdigit():
        return nip.is_valid(compact) and bool(KSEF_NIP.match(compact))
    return bool(vat.is_valid(compact))


def test_seller_identifiers(data: Dataset) -> None:
    seller = data["organizations"][0]
    assert _valid_tin(seller["tin"])
    assert seller["vatNumber"] == "PL" + seller["tin"]
    assert all(iban.is_valid(account) and account.startswith("PL") for account in seller["bankAccounts"])


def test_client_tax_numbers(data: Dataset) -> None:
    tins = [client["tin"] for client in data["clients"]]
    assert all(_valid_tin(tin) for tin in tins)
    assert len(set(tins)) == len(tins)


def test_counterparty_tax_numbers_are_valid_except_the_planted_typo(data: Dataset, truth: GroundTruth) -> None:
    planted_invalid = {entry.counterparty_id: entry.tin for entry in truth.invalid_tins}
    assert len(planted_invalid) == 1
    for counterparty in data["counterparties"]:
        for field in ("tin", "supplierTin", "clientTin"):
            value = counterparty[field]
            if value is None:
                continue
            if counterparty["id"] in planted_invalid:
                assert value == planted_invalid[counterparty["id"]]
                assert not _valid_tin(value)
            else:
                assert _valid_tin(value), (counterparty["displayName"], value)


def test_every_iban_is_valid(data: Dataset) -> None:
    accounts = [a for c in data["counterparties"] for a in c["bankAccounts"]]
    accounts += [t["counterpartyAccount"] for t in data["transactions"] if t["counterpartyAccount"] is not None]
    accounts += [invoice["bankAccount"] for invoice in data["invoices"]]
    assert len(accounts) > 500
    for account in accounts:
        assert iban.is_valid(account), account
        compact = account.upper().replace(" ", "")
        # Compact, or (a planted payer's counterparty record) printed in groups of four.
        assert account in (compact, " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))), account
    accounts = [a.replace(" ", "") for a in accounts]
    polish = {a for a in accounts if a.startswith("PL")}
    assert all(len(a) == 28 for a in polish)
    assert {a[:2] for a in accounts} >= {"PL", "DE", "CZ", "FR"}


def test_known_good_ksef_number_is_reproduced() -> None:
    assert ksef_number("5265877635", "20250826", "0100001AF629") == "5265877635-20250826-0100001AF629-AF"


def test_every_ksef_number_is_well_formed(data: Dataset) -> None:
    seller_nip = data["organizations"][0]["tin"]
    numbers = [record for record in data["e-invoicing"] if record["einvoicingNumber"]]
    assert len(numbers) > 400
    for record in numbers:
        number = record["einvoicingNumber"]
        match = KSEF_NUMBER.match(number)
        assert match, number
        assert len(number) == 35
        assert f"{crc8_bitwise(number[:32].encode('ascii')):02X}" == match.group(4)
        assert _valid_tin(match.group(1))
        expected_nip = seller_nip if record["direction"] == "outbound" else record["sellerTin"]
        assert match.group(1) == expected_nip
    assert len({record["einvoicingNumber"] for record in numbers}) == len(numbers)

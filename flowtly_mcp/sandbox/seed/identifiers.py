"""Valid-by-construction identifiers: Polish NIPs, EU VAT numbers, IBANs and KSeF numbers.

Check digits come from python-stdnum where it offers them; the KSeF CRC-8 is written out because no library has it.
"""

from __future__ import annotations

import random
import re

from stdnum import luhn
from stdnum.cz import dic as cz_dic
from stdnum.iban import calc_check_digits as iban_check_digits
from stdnum.iso7064 import mod_11_10

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
# KSeF rejects NIPs such as 0000000000 that pass the checksum, so every generated NIP must also match this.
KSEF_NIP_PATTERN = re.compile(r"^[1-9]((\d[1-9])|([1-9]\d))\d{7}$")
NRB_BRANCH_WEIGHTS = (3, 9, 7, 1, 3, 9, 7)

# Tax-office prefixes by city, so a firm's NIP looks like it was issued where the firm sits.
TAX_OFFICE_PREFIXES: dict[str, tuple[str, ...]] = {
    "Warszawa": ("521", "522", "525", "526", "527", "113", "118", "701", "951"),
    "Kraków": ("676", "677", "679", "945"),
    "Wrocław": ("894", "895", "897", "898"),
    "Poznań": ("777", "778", "779", "782"),
    "Gdańsk": ("583", "584", "957"),
    "Gdynia": ("586", "958"),
    "Łódź": ("725", "727", "728", "947"),
    "Katowice": ("634", "954", "969"),
    "Lublin": ("712", "713", "946"),
    "Szczecin": ("851", "852", "955"),
    "Bydgoszcz": ("554", "953", "967"),
    "Białystok": ("542", "966"),
    "Rzeszów": ("813", "517"),
    "Toruń": ("879", "956"),
    "Olsztyn": ("739", "741"),
    "Kielce": ("657", "959"),
    "Opole": ("754", "991"),
}

# Real Polish bank numbers (the first three digits of a sort code); the branch part is made up per account.
POLISH_BANKS = ("102", "105", "109", "114", "116", "124", "132", "147", "156", "160", "175", "187", "249")


def nip_check_digit(first_nine: str) -> int | None:
    """The tenth NIP digit for these nine, or None when the weighted sum hits 10 (no valid NIP has that prefix)."""
    total = sum(weight * int(digit) for weight, digit in zip(NIP_WEIGHTS, first_nine, strict=True)) % 11
    return None if total == 10 else total


def is_valid_nip(nip: str) -> bool:
    """Checksum and KSeF pattern, on the compact ten-digit form."""
    if not KSEF_NIP_PATTERN.match(nip):
        return False
    return nip_check_digit(nip[:9]) == int(nip[9])


def random_nip(rng: random.Random, prefix: str) -> str:
    """A valid NIP starting with a tax-office prefix."""
    while True:
        body = prefix + "".join(rng.choice("0123456789") for _ in range(9 - len(prefix)))
        check = nip_check_digit(body)
        if check is not None and KSEF_NIP_PATTERN.match(body + str(check)):
            return body + str(check)


def random_de_vat(rng: random.Random) -> str:
    """A valid German USt-IdNr with its country prefix."""
    body = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(7))
    return "DE" + body + mod_11_10.calc_check_digit(body)


def random_cz_vat(rng: random.Random) -> str:
    """A valid Czech DIČ of a legal entity (eight digits) with its country prefix."""
    body = str(rng.randint(1, 8)) + "".join(rng.choice("0123456789") for _ in range(6))
    return "CZ" + body + cz_dic.calc_check_digit_legal(body)


def random_fr_vat(rng: random.Random) -> str:
    """A valid French TVA number: numeric key over a SIREN that passes Luhn."""
    siren_body = str(rng.randint(3, 9)) + "".join(rng.choice("0123456789") for _ in range(7))
    siren = siren_body + luhn.calc_check_digit(siren_body)
    key = int(siren + "12") % 97
    return f"FR{key:02d}{siren}"


def _iban(country: str, bban: str) -> str:
    return country + iban_check_digits(country + "00" + bban) + bban


def polish_sort_code(rng: random.Random, bank: str | None = None) -> str:
    """An eight-digit Polish sort code: bank, branch, and the branch check digit (weights 3, 9, 7, 1, ...)."""
    seven = (bank or rng.choice(POLISH_BANKS)) + "".join(rng.choice("0123456789") for _ in range(4))
    total = sum(weight * int(digit) for weight, digit in zip(NRB_BRANCH_WEIGHTS, seven, strict=True))
    return seven + str((10 - total % 10) % 10)


def random_pl_iban(rng: random.Random, bank: str | None = None) -> str:
    """A valid 28-character Polish IBAN."""
    return _iban("PL", polish_sort_code(rng, bank) + "".join(rng.choice("0123456789") for _ in range(16)))


def random_de_iban(rng: random.Random) -> str:
    """A valid German IBAN (Bankleitzahl + ten-digit account)."""
    return _iban("DE", "".join(rng.choice("0123456789") for _ in range(18)))


def random_cz_iban(rng: random.Random) -> str:
    """A valid Czech IBAN: bank code, then a prefix and account number that pass the Czech weighted checks."""
    bank = rng.choice(("0100", "0300", "0800", "2010", "5500"))
    prefix = "000000"
    while True:
        account = "".join(rng.choice("0123456789") for _ in range(10))
        weights = (6, 3, 7, 9, 10, 5, 8, 4, 2, 1)
        if sum(w * int(d) for w, d in zip(weights, account, strict=True)) % 11 == 0:
            return _iban("CZ", bank + prefix + account)


def random_fr_iban(rng: random.Random) -> str:
    """A valid French IBAN whose BBAN carries a correct RIB key."""
    bank = "".join(rng.choice("0123456789") for _ in range(5))
    branch = "".join(rng.choice("0123456789") for _ in range(5))
    account = "".join(rng.choice("0123456789") for _ in range(11))
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    return _iban("FR", f"{bank}{branch}{account}{rib_key:02d}")


def random_iban(rng: random.Random, country: str) -> str:
    """A valid IBAN for one of the countries the demo firm trades with."""
    makers = {"PL": random_pl_iban, "DE": random_de_iban, "CZ": random_cz_iban, "FR": random_fr_iban}
    return makers[country](rng)


def _crc8_table(poly: int) -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = ((crc << 1) ^ poly) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
        table.append(crc)
    return tuple(table)


_CRC8_TABLE = _crc8_table(0x07)


def crc8(data: bytes) -> int:
    """CRC-8 with polynomial 0x07, initial value 0x00, no reflection, no final XOR: the KSeF number checksum."""
    crc = 0
    for byte in data:
        crc = _CRC8_TABLE[crc ^ byte]
    return crc


def ksef_number(seller_nip: str, day_yyyymmdd: str, hex12: str) -> str:
    """A KSeF number `NIP-YYYYMMDD-12HEX-CC`; CC covers the first 32 characters, dashes included."""
    head = f"{seller_nip}-{day_yyyymmdd}-{hex12.upper()}"
    return f"{head}-{crc8(head.encode('ascii')):02X}"


def random_hex(rng: random.Random, length: int) -> str:
    """Uppercase hex digits, for KSeF reference numbers and document ids."""
    return f"{rng.getrandbits(4 * length):0{length}X}"


def format_nip_dashed(nip: str) -> str:
    """The 123-456-78-90 spelling Polish paperwork often uses."""
    return f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}"


def format_nip_spaced_pl(nip: str) -> str:
    """The `PL 123 456 78 90` spelling seen on EU VAT paperwork."""
    return f"PL {nip[:3]} {nip[3:6]} {nip[6:8]} {nip[8:]}"

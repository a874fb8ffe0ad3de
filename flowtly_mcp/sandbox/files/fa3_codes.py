"""Flowtly's invoice values in FA(3)'s vocabulary: VAT-rate codes and the buyer's tax identifier.

Flowtly rows carry `0` and `np`; FA(3) needs the kind of zero rate (`0 KR` domestic, `0 WDT` intra-EU supply,
`0 EX` export) and of non-taxable supply (`np I` outside Poland, `np II` EU services taxed by the buyer under
art. 100 ust. 1 pkt 4). Both follow from where the buyer is. An EU VAT number goes to KSeF split: the country
prefix in `KodUE`, the rest in `NrVatUE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# FA(3) TKodyKrajowUE: the member states (Greece as EL) and Northern Ireland (XI).
EU_VAT_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "XI",
    ]
)
FA3_RATES = frozenset(("23", "22", "8", "7", "5", "4", "3", "0 KR", "0 WDT", "0 EX", "zw", "oo", "np I", "np II"))
_SEPARATORS = re.compile(r"[\s.\-/]")


def vat_country(iso_country: str | None) -> str | None:
    """The VAT prefix of an ISO country (Greece is EL), upper-cased; None when unknown."""
    if not iso_country:
        return None
    code = iso_country.strip().upper()
    return "EL" if code == "GR" else code


def is_foreign_eu(iso_country: str | None) -> bool:
    code = vat_country(iso_country)
    return code is not None and code != "PL" and code in EU_VAT_COUNTRIES


def fa3_rate(rate: str, buyer_country: str | None) -> str:
    """The FA(3) P_12 code of a Flowtly VAT rate for a buyer in `buyer_country` (ISO code; None = Poland)."""
    value = rate.strip()
    if value in FA3_RATES:
        return value
    domestic = vat_country(buyer_country) in (None, "PL")
    if value == "0":
        return "0 KR" if domestic else "0 WDT" if is_foreign_eu(buyer_country) else "0 EX"
    if value == "np":
        return "np II" if is_foreign_eu(buyer_country) else "np I"
    return value


@dataclass(frozen=True)
class BuyerId:
    """Exactly one of FA(3)'s buyer identifications: NIP, EU VAT (KodUE + NrVatUE), other (KodKraju + NrID), none."""

    nip: str | None = None
    eu_country: str | None = None
    eu_number: str | None = None
    country: str | None = None
    other_id: str | None = None


def buyer_id(tin: str | None, tin_type: str | None, iso_country: str | None) -> BuyerId:
    """How a buyer's tax identifier is written in Podmiot2/DaneIdentyfikacyjne."""
    if not tin or not tin.strip() or tin_type == "NONE":
        return BuyerId()
    compact = _SEPARATORS.sub("", tin).upper()
    prefix = compact[:2]
    if prefix.isalpha() and prefix in EU_VAT_COUNTRIES:
        country, number = prefix, compact[2:]
    else:
        country, number = vat_country(iso_country) or "PL", compact
    if country == "PL" or tin_type == "NIP":
        return BuyerId(nip=re.sub(r"\D", "", number))
    if country in EU_VAT_COUNTRIES:
        return BuyerId(eu_country=country, eu_number=number)
    return BuyerId(country=(iso_country or "").strip().upper() or None, other_id=compact)

"""Checks before an invoice goes to KSeF, whether a sent invoice can be corrected, and what a rejection means.

Sending to KSeF cannot be undone: an accepted invoice can only be changed by a correction invoice (KOR), and
a correction needs the original's KSeF number. So everything KSeF would reject, and everything that would make
sending a mistake, is checked here first; each failed check says how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from .identifiers import compact_vat, is_valid_eu_vat, is_valid_nip
from .money import exact_sum, parse_optional_amount
from .vat import RowAmounts, row_amounts, vat_rate_percent
from .wire import embedded, parse_date

TOTALS_TOLERANCE = Decimal("0.01")
_IN_FLIGHT_STATUSES = frozenset({"accepted", "processing"})
_IN_FLIGHT_CODES = frozenset({100, 150})
_SUCCESS_CODE = 200


@dataclass(frozen=True, slots=True)
class Check:
    """One preflight check: what was checked, whether it passed, what was found and (when failed) the fix."""

    name: str
    ok: bool
    message: str
    fix: str | None = None


def _passed(name: str, message: str) -> Check:
    return Check(name, True, message)


def _failed(name: str, message: str, fix: str) -> Check:
    return Check(name, False, message, fix)


def all_passed(checks: list[Check]) -> bool:
    return all(check.ok for check in checks)


def ksef_number_of(invoice: Mapping[str, Any]) -> str | None:
    """The KSeF number an invoice record carries (in its e-invoicing state or at the top level)."""
    state = embedded(invoice.get("eInvoicing")) or {}
    for value in (state.get("einvoicingNumber"), state.get("ksefNumber"), invoice.get("ksefNumber")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _status_code(state: Mapping[str, Any]) -> int | None:
    try:
        return int(state["statusCode"]) if state.get("statusCode") is not None else None
    except (TypeError, ValueError):
        return None


def preflight(
    invoice_json: Mapping[str, Any],
    seller_nip: str,
    today: date,
    *,
    parent_json: Mapping[str, Any] | None = None,
    client_json: Mapping[str, Any] | None = None,
) -> list[Check]:
    """Every check, passed or failed, in a fixed order. Send only when all pass.

    ``parent_json`` is the corrected invoice, for a correction whose ``parent`` came as an IRI only.
    ``client_json`` is the buyer's client record (or the invoice embeds it): with it, the buyer's address is
    checked too (KSeF rejects an invoice whose buyer has no address); without it, that check is left out.
    """
    client = client_json if client_json is not None else embedded(invoice_json.get("client"))
    country = buyer_country(invoice_json, client)
    address = [] if client is None else [_check_buyer_address(client)]
    return [
        _check_not_draft(invoice_json),
        _check_not_sent(invoice_json),
        _check_seller(seller_nip),
        _check_buyer(invoice_json),
        *address,
        _check_currency(invoice_json),
        _check_issue_date(invoice_json, today),
        *_check_rows_and_totals(invoice_json),
        _check_fa3_rates(invoice_json, country),
        _check_correction(invoice_json, parent_json),
    ]


# --- FA(3) vocabulary: how Flowtly's values are written in the e-invoice KSeF verifies ---------------------------

# FA(3) TKodyKrajowUE: the member states (Greece as EL) and Northern Ireland (XI).
FA3_EU_COUNTRIES = frozenset(
    ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU")
    + ("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI")
)
FA3_RATE_CODES = frozenset(("23", "22", "8", "7", "5", "4", "3", "0 KR", "0 WDT", "0 EX", "zw", "oo", "np I", "np II"))
_NR_VAT_UE = re.compile(r"^[0-9A-Z+*]{1,12}$")
# FA(3) codes as people type them ("0wdt", "NP II"), keyed without spaces, lower-case.
_FA3_SPELLINGS = {code.replace(" ", "").casefold(): code for code in FA3_RATE_CODES if not code.isdigit()}


def _vat_country(country: object) -> str | None:
    text = str(country or "").strip().upper()
    if len(text) != 2 or not text.isalpha():
        return None
    return "EL" if text == "GR" else text


def buyer_country(invoice: Mapping[str, Any], client: Mapping[str, Any] | None = None) -> str | None:
    """The buyer's country as a VAT prefix (Greece EL): from its VAT number, tinCountry, the client; NIP means PL."""
    tin = str(invoice.get("tin") or "").strip().upper()
    tin_type = str(invoice.get("tinType") or "").upper()
    if tin_type == "VAT" and _vat_country(tin[:2]) in FA3_EU_COUNTRIES:
        return _vat_country(tin[:2])
    for candidate in (invoice.get("tinCountry"), *((client or {}).get(k) for k in ("country", "addressCountry"))):
        found = _vat_country(candidate)
        if found is not None:
            return found
    return "PL" if tin_type == "NIP" else None


def fa3_rate_code(rate: object, country: str | None) -> str | None:
    """The FA(3) P_12 code of a Flowtly VAT rate for a buyer in ``country`` (VAT prefix).

    ``0`` is 0 KR in Poland, 0 WDT to another EU state, 0 EX outside the EU; ``np`` is np II to another EU state
    (services taxed by the buyer, art. 100 ust. 1 pkt 4) and np I otherwise. None when the rate is unknown, or
    when it is 0 or np and the buyer's country is unknown.
    """
    text = str(rate if rate is not None else "").strip()
    if text in FA3_RATE_CODES:
        return text
    lowered = text.casefold().removesuffix("%").strip()
    spelled = _FA3_SPELLINGS.get(lowered.replace(" ", ""))
    if spelled is not None:
        return spelled
    if lowered in ("0", "np"):
        if country is None:
            return None
        foreign_eu = country != "PL" and country in FA3_EU_COUNTRIES
        if lowered == "np":
            return "np II" if foreign_eu else "np I"
        return "0 KR" if country == "PL" else "0 WDT" if foreign_eu else "0 EX"
    percent = vat_rate_percent(text)
    code = None if percent is None else format(percent.normalize(), "f")
    return code if code in FA3_RATE_CODES else None


def eu_vat_parts(number: str, country: str | None) -> tuple[str, str] | None:
    """An EU VAT number as KSeF takes it: (KodUE, NrVatUE), the country prefix apart. None outside the EU."""
    compact = compact_vat(number) if number[:2].isalpha() else re.sub(r"[\s.\-/]", "", number).upper()
    prefix = _vat_country(compact[:2])
    if prefix in FA3_EU_COUNTRIES:
        return str(prefix), compact[2:]
    if country in FA3_EU_COUNTRIES:
        return str(country), compact
    return None


def _check_not_draft(invoice: Mapping[str, Any]) -> Check:
    status = str(invoice.get("status") or "")
    if status.casefold() == "draft":
        return _failed("not_draft", "the invoice is a draft", "issue the invoice first, then send it to KSeF")
    return _passed("not_draft", f"status is {status or 'not set'}")


def _check_not_sent(invoice: Mapping[str, Any]) -> Check:
    name = "not_already_sent"
    number = ksef_number_of(invoice)
    if number:
        return _failed(
            name,
            f"already in KSeF as {number}",
            "do not send it again; to change it, issue a correction invoice (KOR) referencing that number",
        )
    raw_state = invoice.get("eInvoicing")
    if isinstance(raw_state, str) and raw_state.strip():
        return _failed(
            name,
            "the invoice has an e-invoicing record, but only its IRI is known",
            "fetch the invoice with its e-invoicing state embedded and check it again",
        )
    state = embedded(raw_state) or {}
    status = str(state.get("status") or "").casefold()
    code = _status_code(state)
    if status in _IN_FLIGHT_STATUSES or code in _IN_FLIGHT_CODES:
        return _failed(
            name,
            f"KSeF is still processing an earlier submission (status {status or code})",
            "wait for the result and poll the send status instead of sending again",
        )
    if status == "success" or code == _SUCCESS_CODE:
        return _failed(
            name, "KSeF has accepted this invoice already", "fetch its KSeF number; change it only by a correction"
        )
    if status == "rejected":
        reason = state.get("rejectionReason") or "no reason given"
        return _passed(name, f"an earlier submission was rejected ({reason}); a rejected invoice was never issued")
    return _passed(name, "not sent to KSeF yet")


def _check_seller(seller_nip: str) -> Check:
    if is_valid_nip(seller_nip or ""):
        return _passed("seller_nip", f"seller NIP {seller_nip} is valid")
    return _failed(
        "seller_nip",
        f"seller NIP {seller_nip!r} is not a valid NIP",
        "correct the organisation's NIP (10 digits with a valid checksum) in the settings",
    )


def _check_buyer(invoice: Mapping[str, Any]) -> Check:
    name = "buyer_tin"
    tin_type = str(invoice.get("tinType") or "").upper()
    tin = str(invoice.get("tin") or "").strip()
    if tin_type == "NIP":
        if is_valid_nip(tin):
            return _passed(name, f"buyer NIP {tin} is valid")
        return _failed(
            name,
            f"buyer NIP {tin!r} is not a valid NIP" if tin else "buyer tax number type is NIP but no NIP is given",
            "correct the client's NIP (a wrong buyer NIP in KSeF needs a correction to zero and a new invoice)",
        )
    if tin_type == "VAT":
        country = str(invoice.get("tinCountry") or "").upper()
        parts = eu_vat_parts(tin, _vat_country(country)) if tin else None
        if tin and parts is None and _vat_country(country) is not None:
            return _passed(name, f"buyer tax number {tin} of {country} (outside the EU) goes to KSeF as NrID")
        number = tin if tin[:2].isalpha() or not country else country + tin
        if number and is_valid_eu_vat(number) and parts is not None:
            code, rest = parts
            if not _NR_VAT_UE.match(rest):
                return _failed(
                    name,
                    f"buyer EU VAT number {compact_vat(number)} does not fit KSeF's NrVatUE (1-12 letters or digits)",
                    "correct the client's VAT number (country prefix + number, as in VIES)",
                )
            return _passed(
                name, f"buyer EU VAT number {compact_vat(number)} is valid (KSeF: KodUE {code}, NrVatUE {rest})"
            )
        return _failed(
            name,
            f"buyer EU VAT number {number!r} is not valid"
            if number
            else "buyer tax number type is VAT but none is given",
            "correct the client's VAT number (country prefix + number, as in VIES)",
        )
    return _passed(name, "the buyer has no tax number to check")


def _check_buyer_address(client: Mapping[str, Any]) -> Check:
    name = "buyer_address"
    street = str(client.get("addressStreetLine") or "").strip()
    city = str(client.get("addressCity") or "").strip()
    if street and city:
        return _passed(name, f"buyer address {street}, {city}")
    missing = " and ".join(part for part, value in (("street", street), ("city", city)) if not value)
    who = client.get("name") or client.get("id")
    return _failed(
        name,
        f"the buyer{f' ({who})' if who else ''} has no {missing} in its address",
        "add the client's street and city with update_client, then send again; KSeF rejects an invoice whose "
        "buyer has no address (Podmiot2/Adres)",
    )


def _check_fa3_rates(invoice: Mapping[str, Any], country: str | None) -> Check:
    """Every row's VAT rate has an FA(3) code; 0 and np need to know where the buyer is."""
    name = "fa3_rates"
    rows = [row for row in invoice.get("invoiceRows") or [] if isinstance(row, Mapping)]
    written: dict[str, str] = {}
    undecided: list[str] = []
    for row in rows:
        rate = str(row.get("vatRate") if row.get("vatRate") is not None else "").strip()
        code = fa3_rate_code(rate, country)
        if code is not None:
            written[rate] = code
        elif rate.casefold() in ("0", "np"):
            undecided.append(rate)
    if undecided:
        return _failed(
            name,
            f"VAT rate {undecided[0]!r} needs the buyer's country to be written in FA(3) (0 KR, 0 WDT or 0 EX; "
            "np I or np II), and the invoice does not give it",
            "set the invoice's tinCountry (or the client's country), then check again",
        )
    if not written:
        return _passed(name, "no rows with a known VAT rate to write")
    mapped = ", ".join(rate if rate == code else f"{rate} as {code}" for rate, code in sorted(written.items()))
    return _passed(name, f"VAT rates in FA(3): {mapped}")


def _check_currency(invoice: Mapping[str, Any]) -> Check:
    currency = invoice.get("currency")
    if isinstance(currency, str) and currency.strip():
        return _passed("currency", f"currency {currency}")
    return _failed("currency", "the invoice has no currency", "set the invoice currency (KodWaluty), e.g. PLN")


def _check_issue_date(invoice: Mapping[str, Any], today: date) -> Check:
    name = "issue_date"
    issued = parse_date(invoice.get("issueDate"))
    if issued is None:
        return _failed(name, "the invoice has no readable issue date", "set the issue date (P_1)")
    if issued > today:
        return _failed(
            name,
            f"issue date {issued.isoformat()} is in the future",
            "KSeF rejects an issue date later than the day it receives the invoice; send it on or after that date",
        )
    return _passed(name, f"issued {issued.isoformat()}")


def _check_rows_and_totals(invoice: Mapping[str, Any]) -> list[Check]:
    rows = [row for row in invoice.get("invoiceRows") or [] if isinstance(row, Mapping)]
    if not rows:
        present = _failed(
            "rows_present",
            "the invoice has no rows (or they were not embedded)",
            "add at least one row, or fetch the invoice with its rows embedded",
        )
        totals = _failed("totals_match", "no rows to add up", "fix the rows first")
        return [present, _failed("rows_valid", "no rows to check", "add at least one row"), totals]
    currency = str(invoice.get("currency") or "PLN")
    problems: list[str] = []
    amounts: list[RowAmounts] = []
    for number, row in enumerate(rows, start=1):
        computed, row_problems = _row(row, currency)
        problems.extend(f"row {number}: {problem}" for problem in row_problems)
        if computed:
            amounts.append(computed)
    present = _passed("rows_present", f"{len(rows)} rows")
    if problems:
        valid = _failed("rows_valid", "; ".join(problems), "correct the rows named above")
        totals = _failed("totals_match", "cannot add up rows that are incomplete", "fix the rows first")
        return [present, valid, totals]
    return [present, _passed("rows_valid", "every row is complete and consistent"), _totals(invoice, amounts)]


def _row(row: Mapping[str, Any], currency: str) -> tuple[RowAmounts | None, list[str]]:
    problems: list[str] = []
    values: dict[str, Decimal | None] = {}
    for field in ("quantity", "netPrice", "netDiscountAmount"):
        try:
            values[field] = parse_optional_amount(row.get(field))
        except ValueError:
            problems.append(f"{field} {row.get(field)!r} is not a number")
            values[field] = None
    if not str(row.get("productName") or "").strip():
        problems.append("no product name")
    quantity, price = values["quantity"], values["netPrice"]
    if quantity is None or price is None:
        problems.extend(f"{field} is missing" for field in ("quantity", "netPrice") if row.get(field) is None)
        return None, problems
    if quantity <= 0:
        problems.append(f"quantity {quantity} must be positive")
    rate = vat_rate_percent(row.get("vatRate"))
    if rate is None:
        problems.append(f"VAT rate {row.get('vatRate')!r} is not a KSeF rate")
        return None, problems
    computed = row_amounts(quantity, price, rate, values["netDiscountAmount"] or Decimal(0), currency)
    problems.extend(_stated_amount_problems(row, computed))
    return computed, problems


# Row amounts some API versions state outright; each must agree with quantity × price and the rate.
_STATED_ROW_AMOUNTS = (
    (("amountNet", "netAmount", "netValue"), "net"),
    (("amountVat", "vatAmount", "vatValue"), "vat"),
    (("amountGross", "grossAmount", "grossValue"), "gross"),
)


def _stated_amount_problems(row: Mapping[str, Any], computed: RowAmounts) -> list[str]:
    problems = []
    for fields, part in _STATED_ROW_AMOUNTS:
        field = next((f for f in fields if row.get(f) is not None), None)
        if field is None:
            continue
        try:
            stated = parse_optional_amount(row.get(field))
        except ValueError:
            problems.append(f"{field} {row.get(field)!r} is not a number")
            continue
        expected: Decimal = getattr(computed, part)
        if stated is not None and abs(stated - expected) > TOTALS_TOLERANCE:
            problems.append(f"{field} is {stated}, but quantity × price and the VAT rate give {expected}")
    return problems


def _totals(invoice: Mapping[str, Any], amounts: list[RowAmounts]) -> Check:
    name = "totals_match"
    rows_net = exact_sum(a.net for a in amounts)
    rows_gross = exact_sum(a.gross for a in amounts)
    try:
        stated_net = parse_optional_amount(invoice.get("amountNet"))
        stated_gross = parse_optional_amount(invoice.get("amount"))
    except ValueError:
        return _failed(name, "amountNet or amount is not a number", "recompute the invoice totals")
    if stated_net is None and stated_gross is None:
        return _failed(name, "the invoice states no amountNet or amount", "fetch the invoice with its totals")
    mismatches = [
        f"{label} is {stated}, rows add up to {rows}"
        for label, stated, rows in (("amountNet", stated_net, rows_net), ("amount", stated_gross, rows_gross))
        if stated is not None and abs(stated - rows) > TOTALS_TOLERANCE
    ]
    if mismatches:
        return _failed(
            name, "; ".join(mismatches), "recompute the totals from the rows (each row rounded half-up to the grosz)"
        )
    return _passed(name, f"rows add up to net {rows_net}, gross {rows_gross}")


def _check_correction(invoice: Mapping[str, Any], parent_json: Mapping[str, Any] | None) -> Check:
    name = "correction_parent"
    invoice_type = str(invoice.get("type") or "VAT").upper()
    if not invoice_type.startswith("KOR"):
        return _passed(name, f"type {invoice_type} is not a correction")
    parent = parent_json or embedded(invoice.get("parent"))
    if parent is None:
        if invoice.get("parent"):
            return _failed(
                name,
                "the corrected invoice is known only by its IRI",
                "fetch the corrected invoice and pass it in to check its KSeF number",
            )
        return _failed(name, "a correction must name the invoice it corrects", "set parent to the corrected invoice")
    verdict = can_correct(parent)
    return Check(name, verdict.ok, verdict.message, verdict.fix)


def can_correct(original: Mapping[str, Any]) -> Check:
    """Whether a correction invoice (KOR) may be issued for ``original``: only once it has a KSeF number."""
    name = "can_correct"
    label = original.get("name") or f"invoice {original.get('id') or original.get('@id')}"
    number = ksef_number_of(original)
    if number:
        return _passed(name, f"{label} is in KSeF as {number}; a correction must reference that number")
    state = embedded(original.get("eInvoicing")) or {}
    status = str(state.get("status") or "").casefold()
    if status in _IN_FLIGHT_STATUSES or _status_code(state) in _IN_FLIGHT_CODES:
        return _failed(name, f"{label} is still being processed by KSeF", "wait until KSeF assigns its number")
    if status == "rejected":
        return _failed(
            name,
            f"{label} was rejected by KSeF, so it was never issued",
            "fix the original and send it again instead of correcting it",
        )
    return _failed(
        name,
        f"{label} has no KSeF number",
        "send the original to KSeF first; until then it can still be edited directly",
    )


_HINTS: Mapping[int, str] = {
    100: "Accepted for processing: not an error. Poll the status again later, honouring Retry-After.",
    150: "Still processing: not an error. Poll the status again later, honouring Retry-After.",
    200: "Accepted: the invoice is issued in KSeF. Nothing to fix; any change now needs a correction invoice.",
    405: "Cancelled because of a session error. Send the invoice again in a new session.",
    410: (
        "Wrong permissions: the credentials used may not issue invoices for this seller NIP. Grant the invoice "
        "writing permission for that NIP in KSeF (or use an authorised person's token) and send again."
    ),
    415: "Attachments are not enabled for this taxpayer. Remove the attachment (or have it enabled) and send again.",
    430: (
        "File verification failed: the XML does not fit the FA(3) schema, is not UTF-8 without BOM, or is too large "
        "(1 MB, 3 MB with attachments). Fix the field the details name and send again."
    ),
    435: "KSeF could not decrypt the file. Encrypt again with a fresh key for KSeF's current public key and resend.",
    440: (
        "Duplicate: KSeF already holds an invoice with this seller NIP, type and number. Do not send it again: "
        "take originalKsefNumber from the status details and record it on this invoice. If it really is a "
        "different invoice, give it a new number."
    ),
    450: (
        "Semantic error: the content breaks an FA(3) rule (dates, NIPs, VAT rates or totals). Fix what the reason "
        "names and send again; a rejected invoice was never issued, so no correction is needed."
    ),
    500: "Unknown KSeF error. Wait and retry; if it persists, report it with the submission's reference number.",
    550: "Cancelled by KSeF itself. Send the invoice again.",
}


def rejection_hint(code: int | str | None, reason: str | None = None) -> str:
    """What a KSeF invoice status code means for the person who sent it, and what to do next."""
    try:
        number = int(code) if code is not None else None
    except (TypeError, ValueError):
        number = None
    hint = _HINTS.get(number) if number is not None else None
    if hint is None:
        hint = (
            f"KSeF returned status {code}. Read the reason, fix the invoice and send it again; "
            "a rejected invoice was never issued."
        )
    return f"{hint} KSeF said: {reason.strip()}" if reason and reason.strip() else hint


def fa_seller_nip(xml: bytes) -> str | None:
    """The seller's NIP (``Podmiot1/DaneIdentyfikacyjne/NIP``) in an FA(2)/FA(3) invoice, whatever its namespace."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    seller = next((element for element in root.iter() if _local(element.tag) == "Podmiot1"), None)
    if seller is None:
        return None
    nip = next((element for element in seller.iter() if _local(element.tag) == "NIP"), None)
    text = (nip.text or "").strip() if nip is not None else ""
    return text or None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# Rejection reasons common enough to deserve a concrete fix (KSeF words them in Polish, Flowtly sometimes in both).
_REASON_FIXES = (
    (("adres", "address"), "Complete the buyer's address (street and city) on the client record, then send again."),
    (("nip",), "Correct the buyer's or seller's NIP named in the reason, then send again."),
    (("p_1", "data wystawienia", "issue date"), "Set the issue date to today or earlier, then send again."),
)


def specific_fix(reason: str | None) -> str | None:
    """A concrete next step for a KSeF rejection reason, when the reason is one of the common ones."""
    text = (reason or "").casefold()
    for words, fix in _REASON_FIXES:
        if any(word in text for word in words):
            return fix
    return None

"""A small hand-made account with one invoice per KSeF situation, dated around the real today.

The send tools check the issue date against today's date in Poland, so this account is built around that same
day; the sandbox runs on it too, and both sides agree what "the future" is.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flowtly_mcp.sandbox.checksums import ksef_number

SELLER_NIP = "5273180297"
SELLER_IBAN = "PL61109010140000071219812874"
INVALID_NIP = "8567346216"  # 8567346215 with a wrong check digit


class Invoice:
    """Ids of the invoices, each planted for one situation."""

    DRAFT = 1
    READY = 2
    BAD_BUYER_NIP = 3
    FUTURE = 4
    IN_KSEF = 5
    NO_ADDRESS = 6
    READY_TOO = 7


def _midnight(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


def _client(number: int, name: str, nip: str, *, address: bool) -> dict[str, Any]:
    return {
        "id": number,
        "name": name,
        "country": "PL",
        "currency": "/api/currencies/PLN",
        "status": "active",
        "tinType": "NIP",
        "tinCountry": "PL",
        "tin": nip,
        "dueDays": 14,
        "documentsLanguage": "pl",
        "addressStreetLine": "ul. Długa 1" if address else None,
        "addressCity": "Gdańsk" if address else None,
        "addressPostCode": "80-001" if address else None,
        "addressCountry": "PL" if address else None,
    }


def _invoice(number: int, client: int, nip: str, issued: date, status: str) -> dict[str, Any]:
    return {
        "id": number,
        "name": f"FV/{issued:%Y/%m}/{number:04d}",
        "type": "VAT",
        "parent": None,
        "client": f"/api/clients/{client}",
        "tinType": "NIP",
        "tinCountry": "PL",
        "tin": nip,
        "bankAccount": SELLER_IBAN,
        "currency": "PLN",
        "conversionRate": None,
        "issueDate": _midnight(issued),
        "saleDate": _midnight(issued),
        "dueDate": _midnight(issued + timedelta(days=14)),
        "paymentMethod": "transfer",
        "paidInAdvance": False,
        "notes": None,
        "status": status,
    }


def _row(number: int, invoice: int) -> dict[str, Any]:
    return {
        "id": number,
        "invoice": f"/api/invoices/{invoice}",
        "productName": "Usługi konsultingowe IT",
        "unit": "h",
        "quantity": Decimal("12"),
        "vatRate": "23",
        "netPrice": Decimal("240.00"),
        "netDiscountAmount": Decimal("0.00"),
        "classificationNumber": None,
        "project": None,
    }


def in_ksef_number(today: date) -> str:
    return ksef_number(SELLER_NIP, (today - timedelta(days=9)).isoformat(), "0123456789AB")


def ksef_account(today: date, seller_nip: str = SELLER_NIP) -> dict[str, list[dict[str, Any]]]:
    ago = today - timedelta(days=10)
    invoices = [
        _invoice(Invoice.DRAFT, 1, "8567346215", ago, "draft"),
        _invoice(Invoice.READY, 1, "8567346215", ago, "issued"),
        _invoice(Invoice.BAD_BUYER_NIP, 3, INVALID_NIP, ago, "issued"),
        _invoice(Invoice.FUTURE, 1, "8567346215", today + timedelta(days=10), "issued"),
        _invoice(Invoice.IN_KSEF, 1, "8567346215", ago, "sent"),
        _invoice(Invoice.NO_ADDRESS, 2, "5265877635", ago, "issued"),
        _invoice(Invoice.READY_TOO, 1, "8567346215", ago, "issued"),
    ]
    return {
        "organizations": [
            {
                "id": "org_1",
                "name": "Flowtly Demo Sp. z o.o.",
                "tin": seller_nip,
                "bankAccount": SELLER_IBAN,
                "addressStreetLine": "ul. Prosta",
                "addressBuildingNumber": "20",
                "addressPostCode": "00-850",
                "addressCity": "Warszawa",
                "addressCountry": "PL",
            }
        ],
        "clients": [
            _client(1, "Acme Sp. z o.o.", "8567346215", address=True),
            _client(2, "Beta S.A.", "5265877635", address=False),
            _client(3, "Gamma Sp. z o.o.", INVALID_NIP, address=True),
        ],
        "invoices": invoices,
        "invoice-rows": [_row(number, invoice["id"]) for number, invoice in enumerate(invoices, start=1)],
        "e-invoicing": [
            {
                "id": 1,
                "invoice": f"/api/invoices/{Invoice.IN_KSEF}",
                "provider": "ksef",
                "direction": "outbound",
                "status": "success",
                "statusCode": 200,
                "referenceNumber": "20261101-EE-0000000001-0000000001-00",
                "documentId": f"{Invoice.IN_KSEF}-1",
                "acquisitionTimestamp": _midnight(today - timedelta(days=9)),
                "upoUrl": f"/api/e-invoicing/invoices/{Invoice.IN_KSEF}/download/upo",
                "verificationLink": None,
                "rejectionReason": None,
                "providerPayload": {"code": 200, "sessionReferenceNumber": "20261101-SO-0000000001-0000000001-00"},
                "einvoicingNumber": in_ksef_number(today),
            }
        ],
    }

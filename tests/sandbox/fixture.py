"""A small hand-made account: enough records of every kind to exercise each rule with known numbers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

SELLER_NIP = "5273180297"
SELLER_IBAN = "PL61109010140000071219812874"
ACME_IBAN = "PL27114020040000300201355387"
BETA_IBAN = "PL83101010230000261395100000"


def _midnight(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


def tiny_dataset(today: date) -> dict[str, list[dict[str, Any]]]:
    """Three clients (one without an address), five invoices in every state, payments, bank lines."""
    ago = lambda days: _midnight(today - timedelta(days=days))  # noqa: E731 - a local shorthand
    ahead = lambda days: _midnight(today + timedelta(days=days))  # noqa: E731
    return {
        "organizations": [
            {"id": "org_1", "name": "Flowtly Demo Sp. z o.o.", "tin": SELLER_NIP, "bankAccount": SELLER_IBAN}
        ],
        "employees": [{"id": "emp_1", "name": "Anna Nowak"}],
        "projects": [{"id": "prj_1", "name": "Website"}],
        "clients": [
            _client(1, "Acme Sp. z o.o.", "8567346215", street="ul. Długa 1", city="Gdańsk"),
            _client(2, "Beta S.A.", "5265877635", street="ul. Krótka 2", city="Kraków"),
            _client(3, "Gamma Bez Adresu", "7740001454", street=None, city=None),
        ],
        "client-contacts": [
            {
                "id": 1,
                "client": "/api/clients/1",
                "type": "billing",
                "position": 1,
                "email": "billing@acme.test",
                "name": "Jan Kowalski",
                "title": None,
                "phone": None,
                "createdAt": ago(90),
                "updatedAt": ago(90),
            },
        ],
        "client-notes": [
            {
                "id": "cln_1",
                "client": "/api/clients/1",
                "employee": "/api/employees/emp_1",
                "note": "Pays late.",
                "updatedAt": ago(10),
            },
        ],
        "invoices": [
            _invoice(1, "FV/2026/01/0001", 1, issued=ago(60), due=ago(46), status="issued"),  # overdue, unpaid
            _invoice(2, "FV/2026/01/0002", 2, issued=ago(20), due=ahead(10), status="sent"),  # paid in full
            _invoice(3, "FV/2026/01/0003", 1, issued=ago(5), due=ahead(9), status="issued"),  # partially paid
            _invoice(4, "FV/2026/01/0004", 2, issued=ago(1), due=ahead(13), status="draft"),
            _invoice(5, "FV/2026/01/0005", 3, issued=ago(2), due=ahead(12), status="issued"),  # buyer without address
        ],
        "invoice-rows": [
            _row(1, 1, "Consulting", "10", "100.00", "23"),  # 1000 net, 1230 gross
            _row(2, 2, "Licence", "1", "500.00", "8"),  # 500 net, 540 gross
            _row(3, 3, "Support", "3", "33.33", "23", discount="0.99"),  # 99.00 net, 22.77 VAT
            _row(4, 3, "Training", "1", "200.00", "zw"),  # 200 net, 0 VAT
            _row(5, 4, "Draft work", "2", "50.00", "23"),
            _row(6, 5, "Audit", "1", "1000.00", "23"),
        ],
        "counterparties": [
            {
                "id": 1,
                "type": "company",
                "displayName": "ACME SP Z O O",
                "tin": "8567346215",
                "client": "/api/clients/1",
                "bankAccounts": [ACME_IBAN],
                "requireAttachment": False,
                "cyclic": False,
                "budgetNeutral": False,
            },
            {
                "id": 2,
                "type": "company",
                "displayName": "Acme Sp. z o.o.",
                "tin": None,
                "client": None,
                "bankAccounts": ["PL10105000997603123456789123"],
                "requireAttachment": True,
                "cyclic": False,
                "budgetNeutral": False,
                "corporateWebsiteUrl": "https://acme.test",
            },
            {
                "id": 3,
                "type": "company",
                "displayName": "Beta S.A.",
                "tin": "5265877635",
                "client": "/api/clients/2",
                "bankAccounts": [BETA_IBAN],
                "requireAttachment": False,
                "cyclic": False,
                "budgetNeutral": False,
            },
        ],
        "transactions": [
            _transaction("txn_1", 2, "540.00", "Payment FV/2026/01/0002", ago(3), counterparty=3),
            _transaction("txn_2", 1, "100.00", "zaliczka", ago(2), counterparty=1),
            _transaction("txn_3", 1, "1230.00", "Platnosc za FV/2026/01/0001", ago(1), counterparty=1),
            _transaction("txn_4", 2, "-45.10", "Office supplies", ago(1), counterparty=2),
            _transaction("txn_5", 2, "321.77", "przelew", ago(1), counterparty=None),
        ],
        "invoice-transactions": [
            {
                "id": 1,
                "invoice": "/api/invoices/2",
                "transaction": "/api/transactions/txn_1",
                "amount": Decimal("540.00"),
                "date": ago(3),
                "createdAt": ago(3),
                "updatedAt": ago(3),
            },
            {
                "id": 2,
                "invoice": "/api/invoices/3",
                "transaction": "/api/transactions/txn_2",
                "amount": Decimal("100.00"),
                "date": ago(2),
                "createdAt": ago(2),
                "updatedAt": ago(2),
            },
        ],
        "transaction-attachments": [
            {
                "id": "tat_1",
                "transaction": None,
                "fileName": "receipt-office.pdf",
                "mimeType": "application/pdf",
                "size": 11,
                "supplierName": "Acme Sp. z o.o.",
                "supplierTin": None,
                "documentNumber": "PAR/77",
                "amount": Decimal("45.10"),
                "currency": "PLN",
                "issueDate": ago(2),
                "status": "unmatched",
                "_content": "JVBERi0xLjQKJSVFT0YK",
            },
        ],
        "budget-groups": [{"id": "bgg_1", "name": "Marketing", "description": None}],
        "budgets": [
            {
                "id": "bgt_1",
                "name": "Marketing 2026",
                "type": "global",
                "granularity": "month",
                "budgetGroup": "/api/budget-groups/bgg_1",
                "dateFrom": ago(300),
                "dateTo": ahead(60),
                "config": ["spend_alerts"],
                "amount": 1500000,
                "currency": "PLN",
            },
        ],
        "budget-contractors": [
            {"id": "bgc_1", "budget": "/api/budgets/bgt_1", "counterparty": "/api/counterparties/2", "amount": 10000},
        ],
        "budget-employees": [
            {"id": "bge_1", "budget": "/api/budgets/bgt_1", "employee": "/api/employees/emp_1", "amount": 50000}
        ],
        "budget-projects": [
            {"id": "bgp_1", "budget": "/api/budgets/bgt_1", "project": "/api/projects/prj_1", "amount": 70000}
        ],
        "budget-invoices": [
            {"id": "bgi_1", "budget": "/api/budgets/bgt_1", "invoice": "/api/invoices/1", "amount": 123000}
        ],
        "budget-transactions": [
            {
                "id": "btr_1",
                "budget": "/api/budgets/bgt_1",
                "transaction": "/api/transactions/txn_4",
                "employee": "/api/employees/emp_1",
                "amount": -4510,
            },
        ],
        "income-transactions": [
            {
                "id": "itx_1",
                "transaction": "/api/transactions/txn_1",
                "client": "/api/clients/2",
                "amount": Decimal("540.00"),
                "date": ago(3),
                "category": "sales",
            },
        ],
        "project-transactions": [
            {
                "id": "ptx_1",
                "transaction": "/api/transactions/txn_4",
                "project": "/api/projects/prj_1",
                "amount": Decimal("-45.10"),
                "share": Decimal("100"),
            },
        ],
        "payment-methods": [
            {
                "id": "pm_1",
                "organization": "/api/organizations/org_1",
                "type": "card",
                "ccBrand": "visa",
                "ccLastDigits": "4242",
                "ccExpMonth": 12,
                "ccExpYear": 2030,
                "externalId": "pm_ext_1",
                "createdAt": ago(200),
                "updatedAt": ago(200),
                "deletedAt": None,
                "deleted": False,
            },
        ],
        "payments": [
            {
                "id": "pay_1",
                "amount": Decimal("199.00"),
                "currency": "PLN",
                "status": "succeeded",
                "paymentMethod": "/api/payment-methods/pm_1",
                "description": "Subscription",
                "createdAt": ago(30),
            },
        ],
        "e-invoicing": [
            {
                "id": 1,
                "invoice": None,
                "provider": "ksef",
                "direction": "inbound",
                "status": "success",
                "statusCode": 200,
                "einvoicingNumber": "5265877635-20250826-0100001AF629-AF",
                "referenceNumber": None,
                "sellerName": "Beta S.A.",
                "sellerTin": "5265877635",
                "invoiceNumber": "B/2026/7",
                "issueDate": ago(8),
                "amount": Decimal("615.00"),
                "currency": "PLN",
                "acquisitionTimestamp": ago(8),
            },
        ],
    }


def _client(number: int, name: str, nip: str, *, street: str | None, city: str | None) -> dict[str, Any]:
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
        "addressStreetLine": street,
        "addressCity": city,
        "addressPostCode": "00-001" if city else None,
        "addressCountry": "PL" if city else None,
    }


def _invoice(number: int, name: str, client: int, *, issued: str, due: str, status: str) -> dict[str, Any]:
    return {
        "id": number,
        "name": name,
        "type": "VAT",
        "parent": None,
        "client": f"/api/clients/{client}",
        "tinType": "NIP",
        "tinCountry": "PL",
        "tin": None,
        "bankAccount": SELLER_IBAN,
        "currency": "PLN",
        "conversionRate": None,
        "issueDate": issued,
        "saleDate": issued,
        "dueDate": due,
        "paymentMethod": "transfer",
        "paidInAdvance": False,
        "notes": None,
        "status": status,
    }


def _row(
    number: int, invoice: int, name: str, quantity: str, price: str, rate: str, *, discount: str = "0.00"
) -> dict[str, Any]:
    return {
        "id": number,
        "invoice": f"/api/invoices/{invoice}",
        "productName": name,
        "unit": "szt.",
        "quantity": Decimal(quantity),
        "vatRate": rate,
        "netPrice": Decimal(price),
        "netDiscountAmount": Decimal(discount),
        "classificationNumber": None,
        "project": None,
    }


def _transaction(
    identifier: str, statement: int, amount: str, title: str, executed: str, *, counterparty: int | None
) -> dict[str, Any]:
    return {
        "id": identifier,
        "bankAccount": SELLER_IBAN,
        "counterparty": f"/api/counterparties/{counterparty}" if counterparty else None,
        "counterpartyRole": "client" if Decimal(amount) > 0 else "supplier",
        "counterpartyName": None,
        "counterpartyAccount": None,
        "description": title,
        "amount": Decimal(amount),
        "currency": "PLN",
        "endingBalance": Decimal("10000.00"),
        "orderDate": executed,
        "execDate": executed,
        "relatedDate": None,
        "statementNumber": statement,
        "operationNumber": identifier.upper(),
        "ignored": 0,
        "note": None,
    }

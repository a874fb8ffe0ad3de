"""Wire-shaped API records for the finance tests, written the way the Flowtly API sends them."""

from __future__ import annotations

from typing import Any

from flowtly_mcp.finance.records import BankTransaction, ClientView, CounterpartyView, InvoiceView

# The organisation's own accounts: invoices in a currency are payable to its account, and a payment's currency
# is derived from the account it arrived in.
OUR_ACCOUNTS = {"PLN": "PL61109010140000071219812874", "EUR": "PL27114020040000300201355387"}
# The same, as configuration gives it to the matcher: account -> currency.
CONFIGURED_ACCOUNTS = {account: currency for currency, account in OUR_ACCOUNTS.items()}


def invoice_json(
    invoice_id: int,
    number: str,
    gross: object,
    *,
    client: int | None = 1,
    currency: str = "PLN",
    rate: object = None,
    issued: str = "2026-10-01",
    due: str | None = "2026-10-15",
    paid: tuple[object, ...] = (),
    status: str = "issued",
    tin: str | None = "8567346215",
    **extra: Any,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "@context": "/api/contexts/Invoice",
        "@id": f"/api/invoices/{invoice_id}",
        "@type": "Invoice",
        "id": invoice_id,
        "name": number,
        "type": "VAT",
        "client": f"/api/clients/{client}" if client is not None else None,
        "tinType": "NIP" if tin else "NONE",
        "tin": tin,
        "currency": currency,
        "bankAccount": OUR_ACCOUNTS.get(currency),
        "conversionRate": rate,
        "amount": gross,
        "issueDate": f"{issued}T00:00:00+00:00",
        "dueDate": f"{due}T00:00:00+00:00" if due else None,
        "status": status,
        "invoiceTransactions": [
            {"@id": f"/api/invoice-transactions/{invoice_id}{n}", "amount": amount, "date": "2026-10-05T00:00:00+00:00"}
            for n, amount in enumerate(paid)
        ],
        "eInvoicing": None,
    }
    record.update(extra)
    return record


def invoice(invoice_id: int, number: str, gross: object, **kwargs: Any) -> InvoiceView:
    return InvoiceView.from_api(invoice_json(invoice_id, number, gross, **kwargs))


def transaction(
    txn_id: str,
    amount: object,
    title: str,
    *,
    currency: str = "PLN",
    day: str = "2026-10-20",
    counterparty: int | None = None,
    account: str | None = None,
    name: str | None = None,
    tin: str | None = None,
    accounts: dict[str, str] | None = None,
    **extra: Any,
) -> BankTransaction:
    """A documented-shape transaction: it arrives in our account for ``currency``; the payer's account, name and
    NIP travel in the embedded counterparty object, as the published Transaction has them."""
    embedded: dict[str, Any] | None = None
    if account is not None or name is not None or tin is not None:
        embedded = {"displayName": name, "tin": tin, "bankAccounts": [account] if account else []}
        if counterparty is not None:
            embedded["@id"] = f"/api/counterparties/{counterparty}"
    record: dict[str, Any] = {
        "@id": f"/api/transactions/{txn_id}",
        "id": txn_id,
        "amount": amount,
        "bankAccount": OUR_ACCOUNTS.get(currency),
        "execDate": f"{day}T00:00:00+00:00",
        "description": title,
        "counterparty": embedded
        if embedded is not None
        else (f"/api/counterparties/{counterparty}" if counterparty is not None else None),
        "ignored": 0,
    }
    record.update(extra)
    return BankTransaction.from_api(record, account_currencies=accounts)


def client(client_id: int, name: str, tin: str | None = None, **extra: Any) -> ClientView:
    record = {"@id": f"/api/clients/{client_id}", "id": client_id, "name": name, "tinType": "NIP", "tin": tin}
    record.update(extra)
    return ClientView.from_api(record)


def counterparty(
    cp_id: int,
    name: str,
    *,
    tin: str | None = None,
    accounts: tuple[str, ...] = (),
    client: int | None = None,
    transactions: int | None = 0,
    **extra: Any,
) -> CounterpartyView:
    record: dict[str, Any] = {
        "@id": f"/api/counterparties/{cp_id}",
        "id": cp_id,
        "type": "company",
        "displayName": name,
        "tin": tin,
        "client": f"/api/clients/{client}" if client is not None else None,
        "bankAccounts": list(accounts),
        "transactionsCount": transactions,
    }
    record.update(extra)
    return CounterpartyView.from_api(record)

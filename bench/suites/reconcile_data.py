"""A reproducible reconciliation workload: open invoices, bank transfers that pay them in the ways people pay, and the
right answer for each transfer.

Records are written in the API's documented wire shape and read through `flowtly_mcp.finance.records`, as the
workflow does: a transaction carries the account it arrived in (`bankAccount`) and an embedded `counterparty`
(tax number, bank accounts), never a currency; invoices carry the account they are payable to.
Many invoices share a price (subscription plans), so an amount alone rarely identifies an invoice. Transfers are a
mix: the invoice number in the title, split-payment (MPP) titles, a number with a typo, the amount alone from a
known payer, partial payments, one transfer for two invoices (named) or for two or three (unnamed), unrelated
money, and decoys that must never be applied: a plan price from an unknown sender, a number that does not exist,
a payer known by name only, and EUR paying the figure of a PLN invoice.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flowtly_mcp.finance.records import BankTransaction, ClientView, CounterpartyView, InvoiceView

SEED = 20261116
ANCHOR = date(2026, 11, 16)
EUR_RATE = "4.2731"
_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
# Gross prices of subscription plans: a share of all invoices carry one of these.
PLAN_PRICES = tuple(Decimal(p) for p in ("123.00", "246.00", "369.00", "615.00", "1230.00", "2460.00", "4920.00"))
PLAN_SHARE = 0.35
ACCOUNTS = {"PLN": "PL61109010140000071219812874", "EUR": "PL27114020040000300201355387"}
ACCOUNT_CURRENCIES = {account: currency for currency, account in ACCOUNTS.items()}

Record = dict[str, Any]


@dataclass(frozen=True)
class Workload:
    invoices: list[InvoiceView]
    clients: list[ClientView]
    counterparties: list[CounterpartyView]
    transactions: list[BankTransaction]
    # transaction id -> the invoice ids it pays (empty: it must not be matched)
    truth: dict[str, tuple[str, ...]]
    kinds: dict[str, str]


def nip(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        check = sum(w * d for w, d in zip(_NIP_WEIGHTS, digits, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def iban(rng: random.Random) -> str:
    bban = "".join(str(rng.randint(0, 9)) for _ in range(24))
    # ISO 13616: the country code and "00" move to the end, letters become numbers (P=25, L=21), check = 98 - mod 97.
    check = 98 - int(bban + "252100") % 97
    return f"PL{check:02d}{bban}"


def _day(value: date) -> str:
    return f"{value.isoformat()}T00:00:00+00:00"


def _typo(number: str, rng: random.Random) -> str:
    position = rng.choice([i for i, ch in enumerate(number) if ch.isdigit()])
    replacement = str((int(number[position]) + rng.randint(1, 9)) % 10)
    return number[:position] + replacement + number[position + 1 :]


class _Generator:
    def __init__(self, invoice_count: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.client_count = max(10, invoice_count // 20)
        self.nips = {c: nip(self.rng) for c in range(1, self.client_count + 1)}
        self.accounts = {c: iban(self.rng) for c in range(1, self.client_count + 1)}
        self.invoices = [self._invoice(i) for i in range(1, invoice_count + 1)]
        self.numbers = {str(invoice["name"]) for invoice in self.invoices}
        self.order = list(range(len(self.invoices)))
        self.rng.shuffle(self.order)
        self.by_client: dict[int, list[int]] = defaultdict(list)
        for position in self.order:
            self.by_client[self._client_of(self.invoices[position])].append(position)
        self.paid: set[int] = set()
        self.transactions: list[Record] = []
        self.truth: dict[str, tuple[str, ...]] = {}
        self.kinds: dict[str, str] = {}

    def _invoice(self, invoice_id: int) -> Record:
        rng = self.rng
        client = rng.randint(1, self.client_count)
        issued = ANCHOR - timedelta(days=rng.randint(0, 360))
        euro = rng.random() < 0.05
        price = rng.choice(PLAN_PRICES) if rng.random() < PLAN_SHARE else Decimal(rng.randint(5_000, 2_500_000)) / 100
        return {
            "@id": f"/api/invoices/{invoice_id}",
            "id": invoice_id,
            "name": f"FV/{invoice_id:05d}/2026",
            "type": "VAT",
            "client": f"/api/clients/{client}",
            "tinType": "NIP",
            "tin": self.nips[client],
            "currency": "EUR" if euro else "PLN",
            "bankAccount": ACCOUNTS["EUR" if euro else "PLN"],
            "conversionRate": EUR_RATE if euro else None,
            "amount": str(price),
            "issueDate": _day(issued),
            "dueDate": _day(issued + timedelta(days=14)),
            "status": "issued",
            "invoiceTransactions": [],
            "eInvoicing": None,
        }

    @staticmethod
    def _client_of(invoice: Record) -> int:
        return int(str(invoice["client"]).rsplit("/", 1)[1])

    def _take(self, pool: list[int], currency: str | None = None) -> Record:
        """The next unpaid invoice of `pool` (in `currency` when given); LookupError when there is none."""
        for _ in range(len(pool)):
            position = pool.pop()
            if position in self.paid:
                continue
            if currency is not None and self.invoices[position]["currency"] != currency:
                pool.insert(0, position)
                continue
            self.paid.add(position)
            return self.invoices[position]
        raise LookupError("no unpaid invoice fits")

    def _transfer(
        self,
        title: str,
        amount: Decimal,
        payer: int | None,
        paid: tuple[Record, ...],
        kind: str,
        currency: str,
        *,
        name_only: bool = False,
        counterparty: Record | None = None,
    ) -> None:
        txn_id = f"txn_{len(self.transactions) + 1}"
        paid_on = ANCHOR - timedelta(days=self.rng.randint(0, 30))
        # A caller that passes `counterparty` describes the sender itself (identifiers spelled as a bank writes them).
        if counterparty is None and payer and not name_only:
            counterparty = {
                "@id": f"/api/counterparties/{payer}",
                "displayName": f"CLIENT {payer}",
                "tin": self.nips[payer],
                "bankAccounts": [self.accounts[payer]],
            }
        elif counterparty is None and payer:
            counterparty = {"displayName": f"Client {payer} sp. z o.o.", "tin": None, "bankAccounts": []}
        self.transactions.append(
            {
                "@id": f"/api/transactions/{txn_id}",
                "id": txn_id,
                "amount": str(amount),
                "bankAccount": ACCOUNTS[currency],
                "execDate": _day(paid_on),
                "description": title,
                "counterparty": counterparty,
                "ignored": 0,
            }
        )
        self.truth[txn_id] = tuple(str(invoice["id"]) for invoice in paid)
        self.kinds[txn_id] = kind

    def _paid_by_made_up_sender(
        self, invoice: Record, client: int, kind: str, *, tin: str | None, accounts: list[str]
    ) -> None:
        """The invoice's amount alone, from a counterparty the bank feed made up: known only by `tin` or `accounts`,
        spelled as the caller chose."""
        sender = {"displayName": f"CLIENT {client}", "tin": tin, "bankAccounts": accounts}
        self._transfer(
            "przelew", Decimal(invoice["amount"]), client, (invoice,), kind, invoice["currency"], counterparty=sender
        )

    def _single(self, kind: str, title: Callable[[Record], str], share: Decimal = Decimal(1)) -> None:
        invoice = self._take(self.order)
        amount = (Decimal(invoice["amount"]) * share).quantize(Decimal("0.01"))
        self._transfer(title(invoice), amount, self._client_of(invoice), (invoice,), kind, invoice["currency"])

    def by_number(self) -> None:
        self._single("number in title", lambda invoice: f"Zapłata za fakturę {invoice['name']}")

    def split_payment(self) -> None:
        def title(invoice: Record) -> str:
            vat = (Decimal(invoice["amount"]) * 23 / 123).quantize(Decimal("0.01"))
            return f"/VAT/{str(vat).replace('.', ',')}/IDC/{invoice['tin']}/INV/{invoice['name']}/TXT/faktura"

        self._single("split payment (MPP)", title)

    def typo(self) -> None:
        self._single("number with a typo", self._mistyped)

    def _mistyped(self, invoice: Record) -> str:
        """A title with the invoice's number mistyped in one digit, into a number no invoice has: a mistake that
        lands on another real number (FV/09839 typed FV/09639) names that invoice, and no reader could tell."""
        for _ in range(100):
            typed = _typo(invoice["name"], self.rng)
            if typed not in self.numbers:
                return f"FV {typed}"
        raise LookupError("every one-digit typo of this number is another invoice's number")

    def amount_only(self) -> None:
        self._single("amount, payer by its counterparty record", lambda _: "przelew")

    def amount_by_nip(self) -> None:
        """The amount alone; the sender is a counterparty the bank feed made up, known only by its NIP, spelled
        ``5273180297``, ``527-318-02-97``, ``PL5273180297`` or ``PL 527 318 02 97``."""
        invoice = self._take(self.order)
        client = self._client_of(invoice)
        digits = self.nips[client]
        spelled = self.rng.choice(
            (
                digits,
                f"{digits[:3]}-{digits[3:6]}-{digits[6:8]}-{digits[8:]}",
                f"PL{digits}",
                f"PL {digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}",
            )
        )
        self._paid_by_made_up_sender(invoice, client, "amount, payer by NIP (any spelling)", tin=spelled, accounts=[])

    def amount_by_iban(self) -> None:
        """The amount alone; the sender is known only by its account, compact or in groups of four."""
        invoice = self._take(self.order)
        client = self._client_of(invoice)
        account = self.accounts[client]
        if self.rng.random() < 0.5:
            account = " ".join(account[i : i + 4] for i in range(0, len(account), 4))
        self._paid_by_made_up_sender(
            invoice, client, "amount, payer by IBAN (any spacing)", tin=None, accounts=[account]
        )

    def partial(self) -> None:
        self._single("partial payment", lambda invoice: f"Częściowa wpłata {invoice['name']}", Decimal("0.5"))

    def two_invoices(self) -> None:
        first = self._take(self.order, "PLN")
        pool = self.by_client[self._client_of(first)]
        paid = (first, *(self._take(pool, "PLN") for _ in range(self.rng.choice((1, 2)))))
        total = sum((Decimal(invoice["amount"]) for invoice in paid), Decimal(0))
        title = ", ".join(invoice["name"] for invoice in paid)
        self._transfer(title, total, self._client_of(first), paid, "2-3 invoices, numbers in title", "PLN")

    def two_clients(self) -> None:
        # A parent company paying its subsidiary's invoice with its own: the title names both.
        first = self._take(self.order, "PLN")
        second = self._take(self.order, "PLN")
        total = Decimal(first["amount"]) + Decimal(second["amount"])
        title = f"{first['name']}, {second['name']}"
        kind = "review: two invoices of two clients"
        self._transfer(title, total, self._client_of(first), (first, second), kind, "PLN")

    def several_unnamed(self) -> None:
        first = self._take(self.order, "PLN")
        pool = self.by_client[self._client_of(first)]
        paid = (first, *(self._take(pool, "PLN") for _ in range(self.rng.choice((1, 2)))))
        total = sum((Decimal(invoice["amount"]) for invoice in paid), Decimal(0))
        title = "Płatność za faktury"
        self._transfer(title, total, self._client_of(first), paid, "2-3 invoices, no numbers", "PLN")

    def plan_price_unknown_sender(self) -> None:
        price = self.rng.choice(PLAN_PRICES)
        self._transfer("Abonament", price, None, (), "decoy: plan price, unknown sender", "PLN")

    def two_clients_amount(self) -> None:
        """An unknown sender pays an amount that exactly two open invoices carry, of two different clients: which
        of them it pays (if either) is a guess, so it must never be applied. Both invoices are given one fresh
        price, so no third invoice shares it."""
        first = self._take(self.order, "PLN")
        client = self._client_of(first)
        second = next(
            (
                self.invoices[i]
                for i in reversed(self.order)
                if i not in self.paid
                and self.invoices[i]["currency"] == "PLN"
                and self._client_of(self.invoices[i]) != client
            ),
            None,
        )
        if second is None:
            raise LookupError("no invoice of another client is unpaid")
        self.paid.add(int(second["id"]) - 1)
        price = str(Decimal(self.rng.randint(5_000, 2_500_000)) / 100)
        first["amount"] = second["amount"] = price
        kind = "decoy: amount of two clients' invoices, unknown sender"
        self._transfer("przelew", Decimal(price), None, (), kind, "PLN")

    def missing_number(self) -> None:
        invoice = self._take(self.order, "PLN")
        title = f"Zapłata za fakturę FV/{self.rng.randint(20_000, 99_999)}/2026"
        client = self._client_of(invoice)
        self._transfer(title, Decimal(invoice["amount"]), client, (), "decoy: number that does not exist", "PLN")

    def name_only(self) -> None:
        invoice = self._take(self.order, "PLN")
        client = self._client_of(invoice)
        self._transfer(
            "przelew", Decimal(invoice["amount"]), client, (), "decoy: payer by name only", "PLN", name_only=True
        )

    def eur_for_pln(self) -> None:
        invoice = self._take(self.order, "PLN")
        client = self._client_of(invoice)
        same_in_eur = any(
            self.invoices[i]["currency"] == "EUR" and self.invoices[i]["amount"] == invoice["amount"]
            for i in self.by_client[client]
        )
        if same_in_eur:  # then the EUR payment would rightly pay that EUR invoice: not a decoy
            self.unrelated()
            return
        self._transfer("payment", Decimal(invoice["amount"]), client, (), "decoy: EUR paying a PLN figure", "EUR")

    def unrelated(self) -> None:
        amount = Decimal(self.rng.randint(5_000, 2_500_000)) / 100
        self._transfer(f"Zwrot kaucji {self.rng.randint(1000, 9999)}", amount, None, (), "unrelated money", "PLN")

    def run(self, transaction_count: int) -> Workload:
        mix: list[tuple[float, Callable[[], None]]] = [
            (0.37, self.by_number),
            (0.14, self.split_payment),
            (0.09, self.typo),
            (0.07, self.amount_only),
            (0.04, self.amount_by_nip),
            (0.04, self.amount_by_iban),
            (0.05, self.partial),
            (0.03, self.two_invoices),
            (0.03, self.several_unnamed),
            (0.01, self.two_clients),
            (0.01, self.plan_price_unknown_sender),
            (0.01, self.two_clients_amount),
            (0.01, self.missing_number),
            (0.01, self.name_only),
            (0.01, self.eur_for_pln),
            (0.08, self.unrelated),
        ]
        while len(self.transactions) < transaction_count:
            roll, pick = self.rng.random(), self.unrelated
            for share, make in mix:
                if roll < share:
                    pick = make
                    break
                roll -= share
            try:
                pick()
            except LookupError:
                self.unrelated()
        return Workload(
            invoices=[InvoiceView.from_api(record) for record in self.invoices],
            clients=[
                ClientView.from_api(
                    {
                        "@id": f"/api/clients/{c}",
                        "id": c,
                        "name": f"Client {c} sp. z o.o.",
                        "country": "PL",
                        "tinType": "NIP",
                        "tinCountry": "PL",
                        "tin": self.nips[c],
                    }
                )
                for c in self.nips
            ],
            counterparties=[
                CounterpartyView.from_api(
                    {
                        "@id": f"/api/counterparties/{c}",
                        "id": c,
                        "displayName": f"CLIENT {c}",
                        "client": f"/api/clients/{c}",
                        "tin": self.nips[c],
                        "bankAccounts": [self.accounts[c]],
                    }
                )
                for c in self.nips
            ],
            # No accounts given: the index derives each account's currency from the invoices payable to it.
            transactions=[BankTransaction.from_api(record, account_currencies={}) for record in self.transactions],
            truth=self.truth,
            kinds=self.kinds,
        )


def build(invoice_count: int, transaction_count: int, seed: int = SEED) -> Workload:
    """`invoice_count` open invoices and `transaction_count` transfers, the same for the same arguments."""
    return _Generator(invoice_count, seed).run(transaction_count)

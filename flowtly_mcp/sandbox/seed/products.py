"""What the demo firm sells: consulting and development hours, licences, hosting, support and training."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal


# Compared by identity: the catalogue holds each product once.
@dataclass(frozen=True, eq=False)
class Product:
    """One invoice line type, with the ranges a realistic line is drawn from."""

    name: str
    name_en: str
    unit: str
    vat_rate: str
    classification: str
    price_range: tuple[int, int]
    quantity_range: tuple[int, int]
    # Hours are billed in halves; licences and months in whole units.
    half_units: bool
    line: str


PRODUCTS: tuple[Product, ...] = (
    Product("Usługi konsultingowe IT", "IT consulting services", "godz.", "23", "62.02.20.0",
            (160, 290), (4, 120), True, "consulting"),
    Product("Programowanie — rozwój aplikacji", "Software development", "godz.", "23", "62.01.11.0",
            (150, 260), (16, 180), True, "development"),
    Product("Analiza przedwdrożeniowa", "Pre-implementation analysis", "godz.", "23", "62.02.20.0",
            (180, 300), (8, 60), True, "consulting"),
    Product("Wdrożenie modułu KSeF", "KSeF module implementation", "usł.", "23", "62.09.20.0",
            (4500, 18000), (1, 1), False, "development"),
    Product("Licencja roczna WektorERP — stanowisko", "WektorERP annual licence — seat", "szt.", "23", "58.29.50.0",
            (1100, 2400), (1, 40), False, "licences"),
    Product("Licencja WektorBI — moduł raportowy", "WektorBI reporting module licence", "szt.", "23", "58.29.50.0",
            (3000, 9000), (1, 3), False, "licences"),
    Product("Hosting aplikacji — pakiet Standard", "Application hosting — Standard plan", "mies.", "23", "63.11.13.0",
            (450, 900), (1, 3), False, "hosting"),
    Product("Hosting aplikacji — pakiet Premium", "Application hosting — Premium plan", "mies.", "23", "63.11.13.0",
            (1400, 3200), (1, 3), False, "hosting"),
    Product("Wsparcie techniczne SLA — abonament", "SLA technical support — subscription", "mies.", "23", "62.03.12.0",
            (900, 4800), (1, 1), False, "support"),
    Product("Pakiet godzin serwisowych", "Service hours bundle", "godz.", "23", "62.03.12.0",
            (140, 220), (5, 40), True, "support"),
    Product("Szkolenie „Power BI w finansach” — uczestnik", "Training 'Power BI for finance' — attendee", "os.",
            "23", "85.59.13.0", (900, 1900), (1, 14), False, "training"),
    # Vocational training financed from public funds is VAT-exempt (art. 43 ust. 1 pkt 29 ustawy o VAT).
    Product("Szkolenie zawodowe KSeF (dofinansowane, zw.)", "KSeF vocational training (publicly funded, exempt)",
            "os.", "zw", "85.59.13.0", (700, 1500), (2, 20), False, "training"),
    Product("Catering podczas szkolenia", "Catering during training", "os.", "8", "56.21.19.0",
            (60, 140), (4, 30), False, "training"),
    Product("Nocleg uczestników szkolenia", "Accommodation of attendees", "noc", "8", "55.10.10.0",
            (240, 420), (2, 20), False, "training"),
    Product("Podręcznik „Finanse w praktyce” (wydanie drukowane)", "Handbook 'Finance in Practice' (print)", "szt.",
            "5", "58.11.19.0", (69, 149), (2, 30), False, "training"),
)  # fmt: skip

LINES = ("consulting", "development", "licences", "hosting", "support", "training")


def products_for(line: str) -> tuple[Product, ...]:
    """Every product of one line of business."""
    return tuple(p for p in PRODUCTS if p.line == line)


def draw_quantity(rng: random.Random, product: Product) -> Decimal:
    """A quantity in the product's range: halves of hours for time-based lines, whole units otherwise."""
    low, high = product.quantity_range
    if product.half_units:
        return Decimal(rng.randint(low * 2, high * 2)) / 2
    return Decimal(rng.randint(low, high))


def draw_price(rng: random.Random, product: Product) -> Decimal:
    """A net unit price: round figures for hourly rates and licences, odd grosze on some usage-based prices."""
    low, high = product.price_range
    whole = rng.randint(low, high)
    if product.half_units or rng.random() < 0.6:
        whole -= whole % 5
        return Decimal(max(whole, low)).quantize(Decimal("0.01"))
    return Decimal(whole) + Decimal(rng.randint(0, 99)) / 100

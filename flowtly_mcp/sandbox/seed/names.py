"""Names: Polish and EU firms, people, and the suppliers a small software house pays every month."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Root words that read as Polish brand names. "Delta", "Alfa" and "Acme" are kept out: the planted duplicate and
# trap counterparties use them, and a generated firm must never collide with those by accident.
FIRM_ROOTS = (
    "Bałtyk", "Wisła", "Mazowsze", "Tatra", "Warta", "Odra", "Amber", "Polan", "Sokół", "Orzeł", "Jantar",
    "Kormoran", "Dąb", "Klon", "Jawor", "Lech", "Piast", "Wawel", "Sudety", "Pomorze", "Kujawy", "Halny", "Zefir",
    "Horyzont", "Meridian", "Kompas", "Atlas", "Orion", "Vega", "Nova", "Gamma", "Omega", "Polaris", "Iskra", "Świt",
    "Zenit", "Perła", "Kryształ", "Granit", "Bursztyn", "Topaz", "Rubin", "Szafir", "Promień", "Kwadrat", "Sigma",
    "Tangens", "Forte", "Presto", "Largo", "Agat", "Onyks", "Cedr", "Modrzew", "Lipa", "Brzoza", "Jaskółka", "Żuraw",
    "Bielik", "Sarna", "Łoś", "Ryś", "Mewa", "Kaszuby", "Beskid", "Gorce", "Roztocze", "Mazury", "Podhale", "Nida",
)  # fmt: skip

CLIENT_SECTORS = (
    "Logistyka", "Transport", "Budownictwo", "Meble", "Foods", "Med", "Farm", "Energia", "Systemy", "Media",
    "Finanse", "Dystrybucja", "Handel", "Motors", "Instalacje", "Poligrafia", "Nieruchomości", "Agro", "Chemia",
    "Opakowania", "Design", "Eventy", "Edukacja", "Turystyka", "Elektronika", "Automatyka", "Stal", "Okna", "Dom",
)  # fmt: skip

LEGAL_FORMS = ("Sp. z o.o.", "S.A.", "sp.j.", "sp.k.")
_LEGAL_FORM_WEIGHTS = (70, 14, 8, 8)

FOREIGN_FIRMS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # country: (family names / roots, trades, legal forms)
    "DE": (
        ("Müller", "Schneider", "Becker", "Hoffmann", "Wagner", "Schulz", "Keller", "Richter", "Wolf", "Neumann"),
        ("Datentechnik", "Logistik", "Maschinenbau", "Handel", "Software", "Beratung", "Elektronik", "Medien"),
        ("GmbH", "AG", "GmbH & Co. KG"),
    ),
    "CZ": (
        ("Novák", "Dvořák", "Svoboda", "Černý", "Procházka", "Kučera", "Veselý", "Horák"),
        ("Software", "Strojírny", "Logistika", "Obchod", "Stavby", "Systémy", "Média"),
        ("s.r.o.", "a.s."),
    ),
    "FR": (
        ("Dupont", "Lefèvre", "Moreau", "Laurent", "Girard", "Bonnet", "Fontaine", "Rousseau"),
        ("Conseil", "Solutions", "Logistique", "Distribution", "Informatique", "Industrie", "Médias"),
        ("SAS", "SARL", "SA"),
    ),
}

FIRST_NAMES_F = ("Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Joanna", "Magdalena",
                 "Monika", "Aleksandra", "Natalia", "Zofia", "Karolina", "Paulina", "Beata", "Dorota", "Marta",
                 "Julia")  # fmt: skip
FIRST_NAMES_M = ("Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Adam", "Łukasz",
                 "Grzegorz", "Mateusz", "Wojciech", "Rafał", "Kamil", "Marek", "Bartosz", "Szymon")  # fmt: skip
# Masculine surname forms; feminine ones are derived (Kowalski -> Kowalska).
SURNAMES = ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
            "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
            "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński",
            "Wróbel", "Majewski", "Olszewski", "Stępień", "Malinowski", "Jaworski", "Adamczyk", "Dudek")  # fmt: skip

CONTACT_TITLES = ("Główna księgowa", "Dyrektor finansowy", "Kierownik IT", "Prezes zarządu", "Specjalista ds. zakupów",
                  "Office manager", "Kontroler finansowy", "Członek zarządu", "Kierownik projektu")  # fmt: skip
FOREIGN_TITLES = ("Head of Finance", "Accounts Payable", "CTO", "Managing Director", "Procurement Manager")


@dataclass(frozen=True)
class SupplierTemplate:
    """A firm the demo company buys from: what it sells and roughly what it costs a month."""

    name: str
    category: str
    city: str
    country: str
    monthly_gross: tuple[int, int]
    invoice_format: str
    person: bool = False


# Fixed suppliers (always present): the recurring costs of a 25-person software house in Warsaw.
SUPPLIERS: tuple[SupplierTemplate, ...] = (
    SupplierTemplate("Netvia Telekom S.A.", "internet", "Warszawa", "PL", (480, 620), "FV/{n:06d}/{mm}/{yyyy}"),
    SupplierTemplate("Światłowód Plus Sp. z o.o.", "internet", "Łódź", "PL", (240, 260), "{yyyy}/{mm}/{n:05d}"),
    SupplierTemplate("Prosta Office Center Sp. z o.o.", "rent", "Warszawa", "PL", (38000, 38000), "NAJ/{n:04d}/{yyyy}"),
    SupplierTemplate(
        "Biuro Rachunkowe Bilans Anna Wiśniewska", "accounting", "Warszawa", "PL", (4900, 4900), "{n}/{mm}/{yyyy}", True
    ),
    SupplierTemplate("Chmura Krajowa Hosting Sp. z o.o.", "hosting", "Kraków", "PL", (6200, 9400), "CK/{yyyy}/{n:06d}"),
    SupplierTemplate("Serwerownia Północ Sp. z o.o.", "hosting", "Gdańsk", "PL", (2100, 2300), "SP-{yyyy}-{n:05d}"),
    SupplierTemplate("CodeForge Tools s.r.o.", "software", "Praha", "CZ", (900, 1300), "CF{yyyy}{n:06d}"),
    SupplierTemplate("Kodex Licencje Sp. z o.o.", "software", "Wrocław", "PL", (1500, 3200), "FS/{n:05d}/{yyyy}"),
    SupplierTemplate(
        "Kancelaria Radcy Prawnego Marek Lis", "legal", "Warszawa", "PL", (2500, 6000), "{n}/{yyyy}/KRP", True
    ),
    SupplierTemplate("Miejska Energetyka S.A.", "utilities", "Warszawa", "PL", (1400, 2600), "E/{yyyy}/{mm}/{n:07d}"),
    SupplierTemplate("Szybka Paczka Sp. z o.o.", "courier", "Poznań", "PL", (120, 480), "SPK/{yyyy}/{n:06d}"),
    SupplierTemplate(
        "Biurowe Centrum Zaopatrzenia Sp. z o.o.", "office", "Warszawa", "PL", (300, 1400), "FV {n}/{mm}/{yyyy}"
    ),
    SupplierTemplate("Komputronika Sprzęt Sp. z o.o.", "hardware", "Katowice", "PL", (0, 18000), "KS/{n:05d}/{yyyy}"),
    SupplierTemplate("Akademia Kadr Sp. z o.o.", "training", "Kraków", "PL", (0, 7000), "AK/{yyyy}/{n:04d}"),
    SupplierTemplate("Polisa Plus TU S.A.", "insurance", "Warszawa", "PL", (890, 890), "POL/{yyyy}/{n:07d}"),
    SupplierTemplate("Leasing Miejski Sp. z o.o.", "leasing", "Warszawa", "PL", (3690, 3690), "LM/{n:06d}/{yyyy}"),
    SupplierTemplate("Kawa Serwis Sp. z o.o.", "office", "Warszawa", "PL", (350, 700), "KS-{yyyy}-{mm}-{n:03d}"),
    SupplierTemplate(
        "Agencja Reklamowa Impuls Sp. z o.o.", "marketing", "Warszawa", "PL", (0, 12000), "AR/{n:04d}/{yyyy}"
    ),
    SupplierTemplate("Drukarnia Kolor Sp. z o.o.", "printing", "Łódź", "PL", (0, 2500), "DK/{yyyy}/{n:05d}"),
)

# B2B contractors (sole traders) the firm pays monthly; they sit in budget-contractors.
CONTRACTORS: tuple[SupplierTemplate, ...] = (
    SupplierTemplate("Piotr Zieliński IT Services", "contractor", "Warszawa", "PL", (18450, 22140), "{n}/{yyyy}", True),
    SupplierTemplate(
        "Katarzyna Wójcik UX Design", "contractor", "Kraków", "PL", (12300, 14760), "{n}/{mm}/{yyyy}", True
    ),
    SupplierTemplate("Tomasz Kamiński DevOps", "contractor", "Gdańsk", "PL", (19680, 19680), "F/{n}/{yyyy}", True),
)

# Sector words for extra suppliers never appear in CLIENT_SECTORS, so a supplier cannot share a client's name.
EXTRA_SUPPLIER_SECTORS = (("Spedycja", "courier"), ("Zaopatrzenie", "office"), ("Soft", "software"),
                          ("Reklama", "marketing"), ("Elektro", "utilities"), ("Druk", "printing"),
                          ("Szkolenia", "training"), ("Sprzęt", "hardware"))  # fmt: skip


def feminine(surname: str) -> str:
    """The feminine form of a Polish surname (-ski -> -ska); other surnames do not change."""
    for masculine, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if surname.endswith(masculine):
            return surname[: -len(masculine)] + female
    return surname


def person_name(rng: random.Random) -> str:
    """A Polish first name and surname with matching gender."""
    if rng.random() < 0.5:
        return f"{rng.choice(FIRST_NAMES_F)} {feminine(rng.choice(SURNAMES))}"
    return f"{rng.choice(FIRST_NAMES_M)} {rng.choice(SURNAMES)}"


def ascii_slug(text: str, separator: str = "") -> str:
    """Lowercase ASCII letters and digits, for e-mail addresses and domains (ł has no decomposition, so map it)."""
    text = text.replace("ł", "l").replace("Ł", "L")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return separator.join(re.findall(r"[a-z0-9]+", folded))


def polish_firm_names(rng: random.Random) -> Iterator[str]:
    """Distinct Polish firm names; roots do not repeat until every root has been used once."""
    used: set[tuple[str, str]] = set()
    roots = list(FIRM_ROOTS)
    rng.shuffle(roots)
    cycle = 0
    while True:
        for root in roots:
            sectors = list(CLIENT_SECTORS)
            rng.shuffle(sectors)
            sector = next((s for s in sectors if (root, s) not in used), None)
            if sector is None:
                continue
            used.add((root, sector))
            form = rng.choices(LEGAL_FORMS, weights=_LEGAL_FORM_WEIGHTS)[0]
            yield f"{root} {sector} {form}"
        cycle += 1
        if cycle > len(CLIENT_SECTORS):
            raise RuntimeError("ran out of distinct firm names")


def foreign_firm_name(rng: random.Random, country: str, taken: set[tuple[str, str]]) -> str:
    """A firm name for an EU country whose name without the legal form is not taken yet."""
    roots, trades, forms = FOREIGN_FIRMS[country]
    if len(taken) >= sum(len(r) * len(t) for r, t, _ in FOREIGN_FIRMS.values()):
        raise RuntimeError("ran out of distinct foreign firm names")
    while True:
        root, trade = rng.choice(roots), rng.choice(trades)
        if (root, trade) not in taken:
            taken.add((root, trade))
            return f"{root} {trade} {rng.choice(forms)}"


def statement_name(name: str, rng: random.Random) -> str:
    """How a bank statement prints a sender: upper case, legal form spelled out or cut, sometimes truncated."""
    upper = name.upper()
    roll = rng.random()
    if roll < 0.3:
        upper = upper.replace("SP. Z O.O.", "SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ").replace("S.A.", "SPÓŁKA AKCYJNA")
    elif roll < 0.45:
        upper = upper.replace("SP. Z O.O.", "SP Z OO")
    return upper[:70]

"""The demo firm itself: the organization record, currencies, its people and the projects it runs."""

from __future__ import annotations

import random
from datetime import timedelta

from .dates import at_time
from .identifiers import random_pl_iban
from .names import ascii_slug
from .plans import Party
from .world import Project, Seller, World, iri

SELLER_NAME = "Wektor Software Sp. z o.o."
SELLER_NIP = "5252917344"
# mBank (bank number 114) keeps both of the firm's accounts.
_BANK = "114"
_EMPLOYEES = (
    ("Agnieszka", "Malinowska", "Dyrektor finansowy"),
    ("Marcin", "Jabłoński", "Prezes zarządu"),
    ("Joanna", "Wróbel", "Księgowa"),
    ("Paweł", "Stępień", "Kierownik projektów"),
    ("Karolina", "Dudek", "Account manager"),
    ("Michał", "Olszewski", "Główny architekt"),
    ("Natalia", "Adamczyk", "Specjalistka ds. rozliczeń"),
    ("Bartosz", "Majewski", "Administrator systemów"),
    ("Ewa", "Jaworska", "Office manager"),
    ("Szymon", "Król", "Programista"),
)


def build_organization(world: World) -> None:
    """The seller: one organization record with a PLN and a EUR account at the same bank."""
    rng = world.cfg.rng("organization")
    iban_pln = random_pl_iban(rng, _BANK)
    iban_eur = random_pl_iban(rng, _BANK)
    seller = Seller(iri("organizations", "org_wektor"), SELLER_NAME, SELLER_NIP, iban_pln, iban_eur)
    world.seller = seller
    world.add(
        "organizations",
        {
            "id": "org_wektor",
            "name": SELLER_NAME,
            "tin": SELLER_NIP,
            "vatNumber": "PL" + SELLER_NIP,
            "bankAccount": iban_pln,
            "bankAccounts": [iban_pln, iban_eur],
            "email": "biuro@wektorsoftware.pl",
            "addressStreetLine": "ul. Prosta",
            "addressBuildingNumber": "51",
            "addressLocaleNumber": "4",
            "addressPostCode": "00-838",
            "addressCity": "Warszawa",
            "addressCountry": "PL",
            "addressPhoneNumber": "+48 22 416 30 90",
        },
    )
    world.add("currencies", {"id": "PLN", "code": "PLN", "name": "złoty polski", "decimals": 2})
    world.add("currencies", {"id": "EUR", "code": "EUR", "name": "euro", "decimals": 2})


def build_employees(world: World) -> None:
    """The people who own notes, budgets and costs (a referenced-only family)."""
    for index, (first, last, position) in enumerate(_EMPLOYEES, start=1):
        record_id = f"emp_{index}"
        world.employees.append(iri("employees", record_id))
        email = f"{ascii_slug(first)}.{ascii_slug(last)}@wektorsoftware.pl"
        world.add(
            "employees",
            {"id": record_id, "firstName": first, "lastName": last, "email": email, "position": position},
        )


def build_projects(world: World) -> None:
    """Client projects for the biggest Polish clients, and one internal product project."""
    rng = world.cfg.rng("projects")
    ranked = sorted((c for c in world.clients if c.active and not c.foreign and c.has_address), key=lambda c: -c.weight)
    count = world.cfg.scaled_sqrt(8, minimum=8)
    topics = ("Wdrożenie WektorERP", "Migracja do chmury", "Integracja z KSeF", "Portal klienta", "Hurtownia danych",
              "Aplikacja mobilna", "Automatyzacja raportowania", "Modernizacja systemu magazynowego")  # fmt: skip
    owners = ranked[:count]
    for index, owner in enumerate(owners, start=1):
        topic = topics[(index - 1) % len(topics)]
        _add_project(world, f"prj_{index}", f"{topic} — {owner.name.split(' ')[0]}", owner, rng)
    _add_project(world, f"prj_{len(owners) + 1}", "Rozwój produktu WektorERP (wewnętrzny)", None, rng)


def _add_project(world: World, record_id: str, name: str, owner: Party | None, rng: random.Random) -> None:
    project = Project(iri("projects", record_id), name, owner)
    world.projects.append(project)
    start = world.anchor - timedelta(days=rng.randint(120, 560))
    world.add(
        "projects",
        {
            "id": record_id,
            "name": name,
            "code": record_id.upper().replace("_", "-"),
            "client": owner.iri if owner else None,
            "status": "active",
            "startDate": at_time(start, 0),
        },
    )

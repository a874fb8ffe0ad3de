"""Counterparties: every client, the suppliers and contractors, and the planted duplicates and look-alikes.

Planted on purpose (and recorded in the ground truth):
- one firm entered three times with its NIP spelled three ways (certain duplicates);
- two records with different names and one shared bank account (strong duplicates);
- three spellings of one name with no conflicting NIP (candidate duplicates);
- two different firms whose names normalize alike but whose valid NIPs differ (must never be merged);
- one supplier whose NIP has a typo in the check digit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .identifiers import (
    TAX_OFFICE_PREFIXES,
    format_nip_dashed,
    format_nip_spaced_pl,
    random_cz_vat,
    random_iban,
    random_nip,
)
from .names import CONTRACTORS, EXTRA_SUPPLIER_SECTORS, FIRM_ROOTS, SUPPLIERS, SupplierTemplate, ascii_slug
from .plans import Supplier
from .truth import DuplicateGroup, DuplicateTier, InvalidTin, NonDuplicatePair
from .world import World, iri

# The NIP the certain-duplicate group shares (valid: checksum 7, KSeF pattern).
DUPLICATE_NIP = "5273064817"


@dataclass(frozen=True)
class _Spec:
    """A counterparty to create, with an optional hook that sees its id (to record planted cases)."""

    name: str
    category: str
    kind: str
    tin: str | None
    ibans: tuple[str, ...]
    currency: str = "PLN"
    monthly_gross: tuple[int, int] = (0, 0)
    invoice_format: str = "{n}/{yyyy}"
    country: str = "PL"
    tag: str = ""


def build_counterparties(world: World) -> None:
    """Client counterparties first (they came with the clients), then suppliers and planted records, interleaved."""
    rng = world.cfg.rng("counterparties")
    for party in world.clients:
        counterparty_id = world.next_id("counterparties")
        party.counterparty_iri = iri("counterparties", counterparty_id)
        domain = ascii_slug(" ".join(party.name.split()[:2])) + "." + party.country.lower()
        world.add(
            "counterparties",
            _record(counterparty_id, party.name, "company", party.tin, (party.iban,), f"https://www.{domain}")
            | {"clientTin": party.tin, "supplierTin": None, "client": party.iri},
        )
    specs = _supplier_specs(world, rng) + _planted_specs(rng)
    rng.shuffle(specs)
    created: dict[str, list[int]] = {}
    by_tag: dict[str, list[Supplier]] = {}
    for spec in specs:
        counterparty_id = world.next_id("counterparties")
        domain = ascii_slug(" ".join(spec.name.split()[:2])) + "." + spec.country.lower()
        recurring = spec.monthly_gross[0] > 0
        world.add(
            "counterparties",
            _record(counterparty_id, spec.name, spec.kind, spec.tin, spec.ibans, f"https://www.{domain}")
            | {
                "supplierTin": spec.tin,
                "clientTin": None,
                "client": None,
                "requireAttachment": spec.category not in ("rent", "leasing", "insurance"),
                "cyclic": recurring,
            },
        )
        supplier = Supplier(
            counterparty_id=counterparty_id,
            iri=iri("counterparties", counterparty_id),
            name=spec.name,
            category=spec.category,
            tin=spec.tin,
            iban=spec.ibans[0] if spec.ibans else "",
            currency=spec.currency,
            monthly_gross=spec.monthly_gross,
            invoice_format=spec.invoice_format,
            country=spec.country,
        )
        if spec.category == "contractor":
            world.contractors.append(supplier)
        else:
            world.suppliers.append(supplier)
        if spec.tag:
            created.setdefault(spec.tag, []).append(counterparty_id)
            by_tag.setdefault(spec.tag, []).append(supplier)
    # A duplicate entered without a bank account is still paid: to the account the same firm has on another record.
    for members in by_tag.values():
        known = next((m.iban for m in members if m.iban), "")
        for member in members:
            member.iban = member.iban or known
    _record_truth(world, created, specs)


def _record(
    counterparty_id: int, name: str, kind: str, tin: str | None, ibans: tuple[str, ...], website: str
) -> dict[str, object]:
    return {
        "id": counterparty_id,
        "type": kind,
        "displayName": name,
        "tin": tin,
        "supplierTin": None,
        "clientTin": None,
        "client": None,
        "supplier": None,
        "bankAccounts": list(ibans),
        "requireAttachment": False,
        "cyclic": False,
        "budgetNeutral": False,
        "logoUrl": None,
        "corporateWebsiteUrl": website if kind == "company" else None,
        "defaultProject": None,
        "costGroup": None,
        "costGroupIcon": None,
    }


def _from_template(rng: random.Random, template: SupplierTemplate) -> _Spec:
    if template.country == "CZ":
        tin, currency = random_cz_vat(rng), "EUR"
    else:
        tin, currency = random_nip(rng, rng.choice(TAX_OFFICE_PREFIXES[template.city])), "PLN"
    return _Spec(
        name=template.name,
        category=template.category,
        kind="person" if template.person else "company",
        tin=tin,
        ibans=(random_iban(rng, template.country),),
        currency=currency,
        monthly_gross=template.monthly_gross,
        invoice_format=template.invoice_format,
        country=template.country,
    )


def _supplier_specs(world: World, rng: random.Random) -> list[_Spec]:
    specs = [_from_template(rng, t) for t in SUPPLIERS + CONTRACTORS]
    extra = world.cfg.scaled_sqrt(22, minimum=22) - 22
    roots = list(FIRM_ROOTS)
    rng.shuffle(roots)
    pairs = [(root, sector) for sector in EXTRA_SUPPLIER_SECTORS for root in roots]
    for root, (word, category) in pairs[:extra]:
        city = rng.choice(sorted(TAX_OFFICE_PREFIXES))
        template = SupplierTemplate(f"{root} {word} Sp. z o.o.", category, city, "PL", (0, 4000), "FV/{n:05d}/{yyyy}")
        specs.append(_from_template(rng, template))
    return specs


def _invalid_nip(rng: random.Random) -> str:
    valid = random_nip(rng, "951")
    return valid[:9] + str((int(valid[9]) + 3) % 10)


def _planted_specs(rng: random.Random) -> list[_Spec]:
    def pl() -> str:
        return random_iban(rng, "PL")

    shared_iban = pl()
    acme_nip = random_nip(rng, "779")
    return [
        _Spec("Delta Serwis Sp. z o.o.", "it_service", "company", DUPLICATE_NIP, (pl(),), tag="certain"),
        _Spec("DELTA SERWIS SP. Z O.O.", "it_service", "company", format_nip_dashed(DUPLICATE_NIP), (pl(),),
              tag="certain"),
        _Spec("Delta-Serwis", "it_service", "company", format_nip_spaced_pl(DUPLICATE_NIP), (), tag="certain"),
        _Spec("Kancelaria Notarialna Ewa Nowicka", "legal", "person", random_nip(rng, "526"), (shared_iban,),
              tag="strong"),
        _Spec("Notariusz Ewa Nowicka", "legal", "person", None, (shared_iban,), tag="strong"),
        _Spec("ACME Sp. z o.o.", "office", "company", acme_nip, (pl(),), tag="candidate"),
        _Spec("Acme sp z o o", "office", "company", None, (pl(),), tag="candidate"),
        _Spec("ACME SP. Z O.O.", "office", "company", None, (), tag="candidate"),
        _Spec("Alfa Serwis Sp. z o.o.", "it_service", "company", random_nip(rng, "521"), (pl(),), tag="trap"),
        _Spec("ALFA-SERWIS S.A.", "it_service", "company", random_nip(rng, "677"), (pl(),), tag="trap"),
        _Spec("Stolarnia Dębowa Jan Krawczyk", "office", "person", _invalid_nip(rng), (pl(),), tag="invalid"),
    ]  # fmt: skip


def _record_truth(world: World, created: dict[str, list[int]], specs: list[_Spec]) -> None:
    by_id = {record["id"]: record for record in world.records["counterparties"]}
    shared = {
        DuplicateTier.CERTAIN: DUPLICATE_NIP,
        DuplicateTier.STRONG: next(s.ibans[0] for s in specs if s.tag == "strong"),
        DuplicateTier.CANDIDATE: "acme",
    }
    for tier in (DuplicateTier.CERTAIN, DuplicateTier.STRONG, DuplicateTier.CANDIDATE):
        world.duplicate_groups.append(DuplicateGroup(tier, tuple(sorted(created[tier.value])), shared[tier]))
    first, second = sorted(created["trap"])
    world.non_duplicate_pairs.append(NonDuplicatePair(first, second))
    for counterparty_id in created["invalid"]:
        world.invalid_tins.append(InvalidTin(counterparty_id, str(by_id[counterparty_id]["tin"])))

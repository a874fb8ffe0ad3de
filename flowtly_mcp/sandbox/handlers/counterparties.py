"""Counterparty actions: merging duplicates into one survivor, and branding enrichment."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flowtly_mcp.sandbox import crud
from flowtly_mcp.sandbox.checksums import compact_iban, compact_nip, looks_like_nip
from flowtly_mcp.sandbox.documents import document
from flowtly_mcp.sandbox.errors import ValidationFailed, Violation
from flowtly_mcp.sandbox.handlers.common import job_reply, records_of, required_iris
from flowtly_mcp.sandbox.protocol import Call, Reply
from flowtly_mcp.sandbox.resources.clients import COUNTERPARTIES
from flowtly_mcp.sandbox.store import Record
from flowtly_mcp.sandbox.world import World

_TIN_FIELDS = ("tin", "supplierTin", "clientTin")
# Fields the survivor takes from a duplicate when its own is empty.
_FILLABLE = (
    "type",
    "supplier",
    "client",
    "logoUrl",
    "corporateWebsiteUrl",
    "defaultProject",
    "tin",
    "supplierTin",
    "clientTin",
    "displayName",
    "costGroup",
    "costGroupIcon",
)
_LEGAL_FORMS = re.compile(r"\b(sp\.?\s*z\s*o\.?\s*o\.?|s\.?\s*a\.?|sp\.?\s*j\.?|sp\.?\s*k\.?|gmbh|ltd|psa)\b", re.I)


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _tin_key(value: Any) -> str | None:
    if _empty(value):
        return None
    text = str(value)
    return compact_nip(text) if looks_like_nip(text) else re.sub(r"\s", "", text).upper()


def merge(call: Call) -> Reply:
    """Merge duplicates into the counterparty in the path: re-point transactions and budget allocations,
    union bank accounts, fill the survivor's empty fields, delete the duplicates."""
    world = call.world
    survivor = crud.find_or_404(world, "counterparties", call.path_id)
    iris = required_iris(world, call.json(), "duplicates", "counterparties")
    survivor_iri = COUNTERPARTIES.iri(survivor["id"])
    if survivor_iri in iris:
        raise ValidationFailed([Violation("duplicates", "A counterparty cannot be merged into itself.")])
    duplicates = records_of(world, "counterparties", iris)
    _refuse_conflicting_tins(survivor, duplicates)
    merged = dict(survivor)
    accounts = [compact_iban(a) for a in survivor.get("bankAccounts") or []]
    for duplicate in duplicates:
        for name in _FILLABLE:
            if _empty(merged.get(name)) and not _empty(duplicate.get(name)):
                merged[name] = duplicate[name]
        for flag in ("requireAttachment", "cyclic", "budgetNeutral"):
            merged[flag] = bool(merged.get(flag)) or bool(duplicate.get(flag))
        accounts += [compact_iban(a) for a in duplicate.get("bankAccounts") or []]
    merged["bankAccounts"] = list(dict.fromkeys(accounts))
    with world.store.batch():
        for duplicate in duplicates:
            _repoint(world, COUNTERPARTIES.iri(duplicate["id"]), survivor_iri)
            world.store.delete("counterparties", duplicate["id"])
        world.store.replace("counterparties", merged)
    return Reply(200, document(world, "counterparties", merged))


def _refuse_conflicting_tins(survivor: Record, duplicates: list[Record]) -> None:
    for name in _TIN_FIELDS:
        keys = {key for key in (_tin_key(r.get(name)) for r in (survivor, *duplicates)) if key}
        if len(keys) > 1:
            raise ValidationFailed(
                [
                    Violation(
                        "duplicates",
                        f"The counterparties have different {name} values ({', '.join(sorted(keys))}): "
                        "they are not duplicates.",
                    )
                ]
            )


def _repoint(world: World, old: str, new: str) -> None:
    for family in ("transactions", "budget-contractors"):
        for record in list(world.related(family, "counterparty", old)):
            world.store.replace(family, dict(record, counterparty=new))


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", _LEGAL_FORMS.sub(" ", name.replace("ł", "l").replace("Ł", "L")))
    letters = re.sub(r"[^a-z0-9]+", "-", plain.encode("ascii", "ignore").decode().lower()).strip("-")
    return letters or "company"


def enrich(world: World, counterparty: Record) -> Record | None:
    """Deterministic stand-in for the AI lookup: website and logo derived from the name (or the known site)."""
    if counterparty.get("logoUrl") and counterparty.get("corporateWebsiteUrl"):
        return None
    website = (
        counterparty.get("corporateWebsiteUrl") or f"https://www.{_slug(str(counterparty.get('displayName') or ''))}.pl"
    )
    domain = re.sub(r"^https?://(www\.)?", "", str(website)).split("/")[0] or "company.pl"
    updated = dict(
        counterparty,
        corporateWebsiteUrl=website,
        logoUrl=counterparty.get("logoUrl") or f"https://logo.sandbox.flowtly.eu/{domain}.png",
    )
    return world.store.replace("counterparties", updated)


def enrich_one(call: Call) -> Reply:
    world = call.world
    counterparty = crud.find_or_404(world, "counterparties", call.path_id)
    enrich(world, counterparty)
    return job_reply(world, "counterparty-branding", COUNTERPARTIES.iri(counterparty["id"]), {"counterparties": 1})


def enrich_all(call: Call) -> Reply:
    world = call.world
    with world.store.batch():
        updated = [c for c in list(world.store.all("counterparties")) if enrich(world, c) is not None]
    return job_reply(world, "counterparty-branding", COUNTERPARTIES.collection_iri, {"counterparties": len(updated)})

"""Runs the generation stages in order and assembles the dataset and the ground truth."""

from __future__ import annotations

from types import MappingProxyType

from .bank import book_client_payments, book_costs, finalize_statements
from .billing import emit_billing
from .budgets import emit_budgets
from .clients import build_clients
from .config import SeedConfig
from .corrections import plan_corrections
from .counterparties import build_counterparties
from .emit import emit_invoice_transactions, emit_invoices, emit_transactions
from .invoicing import invoicing_window, plan_sales
from .ksef import decide_ksef_states, emit_e_invoicing
from .ledger import emit_attachments, emit_income_transactions, emit_project_transactions
from .numbering import number_invoices
from .organization import build_employees, build_organization, build_projects
from .planted_invoices import plant_invoices, reserve_case_clients
from .planted_payers import plan_payer_cases, plant_payer_transfers
from .planted_transfers import plant_transfers
from .rates import EurRates
from .receipts import plan_collections
from .truth import Allocation, GroundTruth, KsefState, ReconciliationLabel
from .world import Dataset, World


def generate(cfg: SeedConfig) -> tuple[Dataset, GroundTruth]:
    """Build one dataset and the answers planted in it."""
    world = World(cfg)
    build_organization(world)
    build_employees(world)
    build_clients(world)
    build_projects(world)
    build_counterparties(world)
    case_clients = reserve_case_clients(world)
    first, last = invoicing_window(world)
    rates = EurRates(cfg, first, last)
    plan_sales(world, rates)
    plan_collections(world)
    plan_corrections(world)
    planted = plant_invoices(world, case_clients, rates)
    payer_cases = plan_payer_cases(world, rates)
    number_invoices(world)
    book_client_payments(world)
    plant_transfers(world, planted)
    plant_payer_transfers(world, payer_cases)
    book_costs(world)
    finalize_statements(world)
    decide_ksef_states(world)
    emit_invoices(world)
    emit_invoice_transactions(world)
    emit_transactions(world)
    emit_e_invoicing(world)
    emit_income_transactions(world)
    emit_project_transactions(world)
    emit_attachments(world)
    emit_budgets(world)
    emit_billing(world)
    return world.records, _truth(world)


def _truth(world: World) -> GroundTruth:
    labels = []
    for planted in world.planted_transfers:
        line = planted.line
        allocations = None
        unallocated = line.amount
        if planted.allocations is not None:
            allocations = tuple(Allocation(plan.id, amount) for plan, amount in planted.allocations)
            unallocated = line.amount - sum(a.amount for a in allocations)
        labels.append(
            ReconciliationLabel(
                transaction_id=line.id,
                kind=planted.kind,
                amount=line.amount,
                currency=line.currency,
                allocations=allocations,
                reason=planted.reason,
                unallocated=unallocated,
                description=planted.description,
                identifier=planted.identifier,
            )
        )
    labels.sort(key=lambda label: int(label.transaction_id.removeprefix("txn_")))
    states = {plan.id: plan.ksef or KsefState.NOT_SENT for plan in world.invoices}
    return GroundTruth(
        reconciliation=tuple(labels),
        duplicate_groups=tuple(world.duplicate_groups),
        non_duplicate_pairs=tuple(world.non_duplicate_pairs),
        invalid_tins=tuple(world.invalid_tins),
        ksef_states=MappingProxyType(states),
        ksef_rejections=tuple(world.ksef_rejections),
        ksef_corrections=tuple(world.ksef_corrections),
        injection_note_ids=tuple(world.injection_note_ids),
        injection_transaction_ids=tuple(line.id for line in world.injection_lines),
        clients_without_address=tuple(world.clients_without_address),
    )

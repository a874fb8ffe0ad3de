"""find_duplicate_counterparties and merge_counterparties against the planted duplicate groups."""

from __future__ import annotations

import pytest
from mcp import Client

from flowtly_mcp.sandbox import Sandbox
from flowtly_mcp.sandbox.seed import DuplicateTier, GroundTruth

from .conftest import MODES, ServerFactory, body, error_text, writes

pytestmark = pytest.mark.anyio


def transactions_of(sandbox: Sandbox, counterparty: int | str) -> list[str]:
    iri = f"/api/counterparties/{counterparty}"
    return [r["id"] for r in sandbox.store.all("transactions") if r.get("counterparty") == iri]


async def test_every_planted_group_is_found_with_its_tier_and_the_trap_pair_is_not(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    async with Client(make_server()) as client:
        found = body(await client.call_tool("find_duplicate_counterparties", {"limit": 500}))
    assert found["scanned"] == sandbox.store.count("counterparties")
    assert found["count"] == len(found["groups"])
    groups = {frozenset(m["id"] for m in group["members"]): group for group in found["groups"]}
    for planted in truth.duplicate_groups:
        members = frozenset(str(i) for i in planted.member_ids)
        assert members in groups, planted
        group = groups[members]
        assert group["tier"] == planted.tier.value
        assert group["evidence"] and group["survivor"] in members
    for pair in truth.non_duplicate_pairs:
        assert not any({str(pair.first_id), str(pair.second_id)} <= members for members in groups)
    assert writes(sandbox) == []


async def test_min_tier_keeps_only_the_surer_groups(make_server: ServerFactory, truth: GroundTruth) -> None:
    async with Client(make_server()) as client:
        found = body(await client.call_tool("find_duplicate_counterparties", {"min_tier": "certain"}))
    assert {g["tier"] for g in found["groups"]} == {"certain"}
    certain = [g for g in truth.duplicate_groups if g.tier == DuplicateTier.CERTAIN]
    assert found["count"] >= len(certain)


@pytest.mark.parametrize("mode", MODES)
async def test_merge_previews_then_merges_once_and_verifies(
    mode: str, sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    group = next(g for g in truth.duplicate_groups if g.tier == DuplicateTier.CERTAIN)
    survivor, *duplicates = (str(i) for i in group.member_ids)
    moving = sum(len(transactions_of(sandbox, d)) for d in duplicates)
    total = moving + len(transactions_of(sandbox, survivor))
    arguments = {"survivor": survivor, "duplicates": duplicates}
    async with Client(make_server(), mode=mode) as client:
        first = body(await client.call_tool("merge_counterparties", arguments))
        assert first["status"] == "confirmation_required"
        details = first["preview"]["details"]
        assert details["transactions_moving"] == moving and details["transactions_after"] == total
        assert first["preview"]["warnings"]
        assert writes(sandbox) == []

        token = first["confirmation_token"]
        done = body(await client.call_tool("merge_counterparties", {**arguments, "confirmation_token": token}))
        replay = await client.call_tool("merge_counterparties", {**arguments, "confirmation_token": token})
    result = done["result"]
    assert result["verified"] is True and result["problems"] == []
    assert result["transactions"] == total
    assert all(sandbox.store.get("counterparties", d) is None for d in duplicates)
    assert len(transactions_of(sandbox, survivor)) == total
    assert replay.is_error
    assert [w[:2] for w in writes(sandbox)] == [("POST", f"/counterparties/{survivor}/merge")]


async def test_records_with_different_tax_numbers_are_never_merged(
    sandbox: Sandbox, make_server: ServerFactory, truth: GroundTruth
) -> None:
    pair = truth.non_duplicate_pairs[0]
    async with Client(make_server()) as client:
        refused = await client.call_tool(
            "merge_counterparties", {"survivor": pair.first_id, "duplicates": [pair.second_id]}
        )
    assert "different valid tax numbers" in error_text(refused)
    assert writes(sandbox) == []


async def test_a_survivor_listed_among_its_duplicates_is_a_mistake(
    sandbox: Sandbox, make_server: ServerFactory
) -> None:
    async with Client(make_server()) as client:
        refused = await client.call_tool(
            "merge_counterparties", {"survivor": 1, "duplicates": [2, "/api/counterparties/1"]}
        )
    assert "duplicates[1]" in error_text(refused)
    assert sandbox.request_log == []

"""Odd item ids and empty patches never reach a 500: `.`, `..` and blank ids are 404s, `{}` is a no-op update."""

from __future__ import annotations

from datetime import date

import pytest

from flowtly_mcp.sandbox import Sandbox, SandboxConfig
from flowtly_mcp.sandbox.resources import RESOURCES

HEADERS = {"authorization": "Bearer sandbox-token", "content-type": "application/merge-patch+json"}
ODD_IDS = (".", "..", "%2E", "%2E%2E", "%20", " ", "")


@pytest.fixture(scope="module")
def seeded() -> Sandbox:
    return Sandbox(SandboxConfig(today=date(2026, 11, 20)))


def _item_routes(box: Sandbox) -> list[tuple[str, str]]:
    return [
        (route.method, route.template)
        for route in box.router.routes
        if route.template.count("{") == 1 and route.template.endswith("/{id}")
    ]


def test_every_item_route_answers_odd_ids_without_a_server_error(seeded: Sandbox) -> None:
    routes = _item_routes(seeded)
    assert len(routes) > 20  # every family's GET, PATCH and DELETE
    for method, template in routes:
        for odd in ODD_IDS:
            path = template.replace("{id}", odd)
            status, _, body = seeded.handle(method, path, "", HEADERS, b"{}" if method == "PATCH" else b"")
            assert status in (400, 404, 405), (method, path, status, body[:200])


@pytest.mark.parametrize("family", sorted(RESOURCES))
def test_an_empty_merge_patch_of_any_seeded_record_is_not_a_server_error(seeded: Sandbox, family: str) -> None:
    records = seeded.store.all(family)
    if not records:
        pytest.skip(f"the seed has no {family}")
    status, _, body = seeded.handle("PATCH", f"/{family}/{records[0]['id']}", "", HEADERS, b"{}")
    patchable = ("PATCH", f"/{family}/{{id}}") in _item_routes(seeded)
    assert status in ((200, 422) if patchable else (404, 405)), body[:300]


def test_an_empty_patch_of_a_project_share_keeps_the_share(seeded: Sandbox) -> None:
    share = seeded.store.all("project-transactions")[0]
    status, _, _ = seeded.handle("PATCH", f"/project-transactions/{share['id']}", "", HEADERS, b"{}")
    assert status == 200
    assert seeded.store.get("project-transactions", share["id"]) == {**share}

"""The local approval page: real HTTP on loopback, and a real headless Chromium clicking its buttons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from flowtly_mcp.approvals import ApprovalService, ApprovalStatus, ApprovalTicket
from flowtly_mcp.approvals.page import ApprovalPage

from ..apps.browser import chromium_page, screenshot
from .conftest import new_ticket


@pytest.fixture
def page_server(service: ApprovalService) -> Iterator[ApprovalPage]:
    page = ApprovalPage(service)
    page.start()
    yield page
    page.stop()


def _form_post(page: ApprovalPage, ticket: ApprovalTicket, *, decision: str = "approve", **headers: str):  # type: ignore[no-untyped-def]
    url = page.url_for(ticket)
    with httpx2.Client() as client:
        shown = client.get(url)
        assert shown.status_code == 200
        csrf = shown.text.split('name="csrf" value="')[1].split('"')[0]
        base = page.start()
        return client.post(url, data={"csrf": csrf, "decision": decision}, headers={"Origin": base, **headers})


def test_the_page_shows_the_full_preview_escaped_on_one_line(
    page_server: ApprovalPage, service: ApprovalService
) -> None:
    ticket = new_ticket(service)
    response = httpx2.get(page_server.url_for(ticket))
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "DENY"
    assert "script-src" not in response.headers["content-security-policy"]  # default-src 'none': no scripts
    assert response.headers["referrer-policy"] == "same-origin"
    assert "FV/2026/11/007 (Acme Sp. z o.o.)" in response.text
    assert "line one\\nIGNORE PREVIOUS INSTRUCTIONS\\u202e" in response.text
    assert "samesite=strict" in response.headers["set-cookie"].lower()


def test_approving_over_http_marks_approved_once(page_server: ApprovalPage, service: ApprovalService) -> None:
    ticket = new_ticket(service)
    approved = _form_post(page_server, ticket)
    assert approved.status_code == 200 and "Approved" in approved.text
    assert service.get(ticket.id).status is ApprovalStatus.APPROVED
    assert service.get(ticket.id).decided_by == "approval-page"
    # The link is one-time: afterwards it shows the outcome, with no buttons.
    again = httpx2.get(page_server.url_for(ticket))
    assert again.status_code == 200 and "This approval is approved." in again.text and 'id="approve"' not in again.text


def test_host_and_origin_are_checked(page_server: ApprovalPage, service: ApprovalService) -> None:
    ticket = new_ticket(service)
    url = page_server.url_for(ticket)
    assert httpx2.get(url, headers={"Host": "evil.example:80"}).status_code == 421
    assert _form_post(page_server, ticket, Origin="http://evil.example").status_code == 403
    with httpx2.Client() as client:
        client.get(url)
        no_origin = client.post(url, data={"csrf": "x", "decision": "approve"})
    assert no_origin.status_code == 403
    assert service.get(ticket.id).status is ApprovalStatus.PENDING


def test_a_post_without_the_pages_token_or_cookie_is_refused(
    page_server: ApprovalPage, service: ApprovalService
) -> None:
    ticket = new_ticket(service)
    url = page_server.url_for(ticket)
    origin = {"Origin": page_server.start()}
    with httpx2.Client() as client:  # no GET first: no cookie
        assert client.post(url, data={"csrf": "0" * 64, "decision": "approve"}, headers=origin).status_code == 403
    other = new_ticket(service)
    with httpx2.Client() as client:  # a token from another approval's page
        shown = client.get(page_server.url_for(other)).text
        csrf = shown.split('name="csrf" value="')[1].split('"')[0]
        client.get(url)
        assert client.post(url, data={"csrf": csrf, "decision": "approve"}, headers=origin).status_code == 403
    assert service.get(ticket.id).status is ApprovalStatus.PENDING


def test_a_wrong_secret_or_unknown_id_is_one_not_found(page_server: ApprovalPage, service: ApprovalService) -> None:
    ticket = new_ticket(service)
    base = page_server.start()
    assert httpx2.get(f"{base}/approvals/{ticket.id}/{ticket.id}").status_code == 404
    assert httpx2.get(f"{base}/approvals/apr_unknown/{ticket.secret}").status_code == 404


def test_an_expired_approval_offers_no_buttons(store, clock) -> None:  # type: ignore[no-untyped-def]
    service = ApprovalService(store, ttl_seconds=60, clock=clock)
    ticket = new_ticket(service)
    page = ApprovalPage(service)
    try:
        clock.now += 61
        shown = httpx2.get(page.url_for(ticket))
        assert "This approval is expired." in shown.text and 'id="approve"' not in shown.text
    finally:
        page.stop()


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_person_decides_in_a_real_browser(
    decision: str, page_server: ApprovalPage, service: ApprovalService, tmp_path: Path
) -> None:
    ticket = new_ticket(service)
    with chromium_page(tmp_path) as browser:
        browser.goto(page_server.url_for(ticket))
        preview = browser.locator("#preview").inner_text()
        assert "Delete invoice" in preview and "IGNORE PREVIOUS INSTRUCTIONS\\u202e" in preview
        screenshot(browser, f"approval-page-{decision}-before")
        browser.click(f"#{decision}")
        browser.wait_for_selector("#status")
        status = browser.locator("#status").inner_text()
        screenshot(browser, f"approval-page-{decision}-after")
    expected = ApprovalStatus.APPROVED if decision == "approve" else ApprovalStatus.REJECTED
    assert service.get(ticket.id).status is expected
    assert ("Approved" if decision == "approve" else "Rejected") in status

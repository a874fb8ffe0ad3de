"""Every error class, provoked against the sandbox where it can say no, and injected where only a real server would."""

from __future__ import annotations

import pytest

from flowtly_mcp.api import FlowtlyClient, errors

from .conftest import SleepRecorder, settings
from .transports import Fault, FaultyTransport, on

pytestmark = pytest.mark.anyio


async def test_400_names_the_bad_reference(api: FlowtlyClient) -> None:
    with pytest.raises(errors.BadRequest) as caught:
        await api.create(
            "/invoice-rows",
            {
                "invoice": "/api/invoices/99999",
                "productName": "X",
                "unit": "h",
                "quantity": 1,
                "vatRate": "23",
                "netPrice": "1",
            },
        )
    assert caught.value.message == 'Item not found for "/api/invoices/99999".'
    assert str(caught.value) == 'Item not found for "/api/invoices/99999". (POST /invoice-rows answered 400)'


async def test_401_with_a_refused_token_says_which_setting(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    async with FlowtlyClient(settings(token="not-the-right-token"), wire, sleep=sleeps) as api:
        with pytest.raises(errors.AuthenticationError) as caught:
            await api.get("/clients/3")
    assert caught.value.status == 401
    assert caught.value.message == "Invalid JWT Token. Check FLOWTLY_API_TOKEN: the token was refused."
    assert wire.count("GET") == 1  # a static token cannot be renewed, so it is not retried


async def test_403(api: FlowtlyClient, wire: FaultyTransport) -> None:
    body = b'{"@type":"hydra:Error","hydra:title":"An error occurred","hydra:description":"Access Denied."}'
    wire.add(Fault(on("GET"), status=403, body=body, headers={"content-type": "application/ld+json"}))
    with pytest.raises(errors.PermissionDenied) as caught:
        await api.get("/clients/3")
    assert caught.value.message == "Access Denied."


async def test_404(api: FlowtlyClient) -> None:
    with pytest.raises(errors.NotFound) as caught:
        await api.get("/api/clients/99999")
    assert (caught.value.message, caught.value.path, caught.value.method) == ("Not Found", "/clients/99999", "GET")


async def test_405_names_the_allowed_methods(api: FlowtlyClient) -> None:
    with pytest.raises(errors.MethodNotAllowed, match=r"Allow: GET, PATCH"):
        await api.delete("/clients/3")


async def test_406_names_the_supported_formats(api: FlowtlyClient) -> None:
    with pytest.raises(errors.NotAcceptable, match='Supported MIME types are "application/ld\\+json"'):
        await api.request("GET", "/clients", accept="text/csv")


async def test_409_names_the_state_that_blocks(api: FlowtlyClient) -> None:
    draft = (await api.get_page("/invoices/draft")).items[0]
    with pytest.raises(errors.Conflict, match=r"is a draft: use the preview PDF"):
        await api.download("GET", f"/e-invoicing/invoices/{draft['id']}/download/pdf")


async def test_415_names_the_missing_content_type(api: FlowtlyClient) -> None:
    with pytest.raises(errors.UnsupportedMediaType, match='The "Content-Type" header must exist.'):
        await api.post_action("/counterparties/3/merge")


async def test_422_names_each_field(api: FlowtlyClient) -> None:
    draft = (await api.get_page("/invoices/draft")).items[0]
    with pytest.raises(errors.UnprocessableEntity) as caught:
        await api.create("/invoice-rows", {"invoice": draft["@id"], "productName": "X", "quantity": 1, "vatRate": "23"})
    error = caught.value
    assert [(v.property_path, v.message) for v in error.violations] == [
        ("unit", "This value should not be blank."),
        ("netPrice", "This value should not be blank."),
    ]
    assert error.message == "unit: This value should not be blank.; netPrice: This value should not be blank."


@pytest.mark.parametrize("hydra_prefix", [True, False])
async def test_422_in_both_hydra_spellings(hydra_prefix: bool, sleeps: SleepRecorder) -> None:
    import httpx2

    from .conftest import make_sandbox

    box = make_sandbox(hydra_prefix=hydra_prefix)
    try:
        async with FlowtlyClient(settings(), httpx2.ASGITransport(app=box.app), sleep=sleeps) as api:
            with pytest.raises(errors.UnprocessableEntity, match="name: This value should not be blank."):
                await api.create("/budget-groups", {"description": "no name"})
    finally:
        box.close()


async def test_429_after_the_retries(wire: FaultyTransport, sleeps: SleepRecorder) -> None:
    body = b'{"type":"/errors/429","title":"Too Many Requests","detail":"Rate limit exceeded for this API key."}'
    wire.add(Fault(on("GET"), status=429, body=body, headers={"Retry-After": "2"}, times=10))
    async with FlowtlyClient(settings(max_retries=1), wire, sleep=sleeps) as api:
        with pytest.raises(errors.RateLimited) as caught:
            await api.get("/clients/3")
    assert caught.value.message == "Rate limit exceeded for this API key."
    assert caught.value.retry_after == 2.0
    assert sleeps.waits == [2.0]


async def test_500(api: FlowtlyClient, wire: FaultyTransport) -> None:
    wire.add(Fault(on("GET"), status=500, body=b'{"title":"An error occurred","detail":"Internal Server Error"}'))
    with pytest.raises(errors.ServerError, match="Internal Server Error"):
        await api.get("/clients/3")
    assert wire.count("GET") == 1  # 500 is not a transient gateway error: not retried

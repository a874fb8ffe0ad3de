"""Every failure status with API Platform 4's bodies and headers, in both Hydra forms."""

from __future__ import annotations

import httpx2
import pytest

from tests.sandbox.conftest import MERGE, client_for, make_sandbox

pytestmark = pytest.mark.anyio

ERROR_LINK = '<http://www.w3.org/ns/hydra/error>; rel="http://www.w3.org/ns/json-ld#error"'
CLIENT = {"name": "Delta", "country": "PL", "currency": "/api/currencies/PLN", "status": "active", "tinType": "NONE"}


def assert_problem(response: httpx2.Response, status: int, detail: str) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json; charset=utf-8"
    assert response.headers["link"] == ERROR_LINK
    body: dict[str, object] = response.json()
    assert body["detail"] == detail
    assert body["status"] == status
    return body


async def test_404_body_prefixed(api: httpx2.AsyncClient) -> None:
    body = assert_problem(await api.get("/api/invoices/999"), 404, "Not Found")
    assert body == {
        "@context": "/api/contexts/Error",
        "@id": "/api/errors/404",
        "@type": "hydra:Error",
        "hydra:title": "An error occurred",
        "detail": "Not Found",
        "status": 404,
        "type": "/errors/404",
        "hydra:description": "Not Found",
    }


async def test_404_body_unprefixed_and_for_unknown_paths() -> None:
    box = make_sandbox(hydra_prefix=False)
    async with client_for(box) as client:
        body = assert_problem(await client.get("/api/nothing-here"), 404, "Not Found")
    assert body["@type"] == "Error"
    assert body["title"] == "An error occurred"
    assert body["description"] == "Not Found"


async def test_404_for_non_numeric_integer_ids(api: httpx2.AsyncClient) -> None:
    assert_problem(await api.get("/api/invoices/abc"), 404, "Not Found")


async def test_problem_json_drops_linked_data_keys(api: httpx2.AsyncClient) -> None:
    response = await api.get("/api/clients/999", headers={"Accept": "application/problem+json"})
    body = assert_problem(response, 404, "Not Found")
    assert body == {
        "title": "An error occurred",
        "detail": "Not Found",
        "status": 404,
        "type": "/errors/404",
        "description": "Not Found",
    }


async def test_405_for_a_known_path_with_another_method(api: httpx2.AsyncClient) -> None:
    response = await api.put("/api/invoices/1", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, PATCH"
    assert "Method Not Allowed" in response.json()["detail"]
    assert (await api.delete("/api/clients/1")).status_code == 405


async def test_406_for_an_unsupported_accept(api: httpx2.AsyncClient) -> None:
    response = await api.get("/api/invoices", headers={"Accept": "text/html"})
    assert_problem(
        response,
        406,
        'Requested format "text/html" is not supported. Supported MIME types are "application/ld+json", '
        '"application/json", "application/problem+json".',
    )


async def test_accept_negotiation_honours_quality(api: httpx2.AsyncClient) -> None:
    response = await api.get("/api/clients/1", headers={"Accept": "text/html;q=0.9, application/json;q=0.5"})
    assert response.status_code == 200
    assert "@id" not in response.json()
    wildcard = await api.get("/api/clients/1", headers={"Accept": "*/*"})
    assert wildcard.json()["@id"] == "/api/clients/1"


async def test_415_for_patch_without_merge_patch(api: httpx2.AsyncClient) -> None:
    response = await api.patch("/api/clients/1", json={"name": "X"})
    assert_problem(
        response,
        415,
        'The content-type "application/json" is not supported. Supported MIME types are '
        '"application/merge-patch+json".',
    )
    missing = await api.patch("/api/clients/1", content=b'{"name": "X"}')
    assert_problem(missing, 415, 'The "Content-Type" header must exist.')


async def test_415_for_post_with_another_type(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/clients", content=b"name=x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


async def test_400_for_malformed_json(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/clients", content=b'{"name": ', headers={"Content-Type": "application/json"})
    assert_problem(response, 400, "Syntax error")
    listed = await api.post("/api/clients", json=[1, 2])
    assert_problem(listed, 400, "The input data is misformatted.")


@pytest.mark.parametrize(
    ("currency", "detail"),
    [
        ("foo", 'Invalid IRI "foo".'),
        ("/api/budgets/bgt_1", 'The iri "/api/budgets/bgt_1" does not reference the correct resource.'),
    ],
)
async def test_400_for_bad_iris(api: httpx2.AsyncClient, currency: str, detail: str) -> None:
    assert_problem(await api.post("/api/clients", json={**CLIENT, "currency": currency}), 400, detail)


async def test_400_for_unknown_iris_and_nested_documents(api: httpx2.AsyncClient) -> None:
    missing = await api.post("/api/invoices", json={"client": "/api/clients/999"})
    assert_problem(missing, 400, 'Item not found for "/api/clients/999".')
    nested = await api.post("/api/invoices", json={"client": {"name": "Acme"}})
    assert_problem(nested, 400, 'Nested documents for attribute "client" are not allowed. Use IRIs instead.')


async def test_422_lists_every_missing_field(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/client-contacts", json={"type": "billing"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json; charset=utf-8"
    body = response.json()
    assert body["@type"] == "ConstraintViolation"
    assert body["@context"] == "/api/contexts/ConstraintViolation"
    paths = [v["propertyPath"] for v in body["violations"]]
    assert paths == ["client", "email", "name"]
    assert {v["message"] for v in body["violations"]} == {"This value should not be blank."}
    assert body["detail"] == (
        "client: This value should not be blank.\nemail: This value should not be blank.\n"
        "name: This value should not be blank."
    )
    code = "c1051bb4-d103-4f74-8988-acbcafc7fdc3"
    assert body["@id"] == f"/api/validation_errors/0={code};1={code};2={code}"
    assert body["hydra:title"] == "An error occurred"
    assert body["hydra:description"] == body["detail"]


async def test_422_single_violation_shape_unprefixed() -> None:
    box = make_sandbox(hydra_prefix=False)
    async with client_for(box) as client:
        response = await client.post("/api/budget-groups", json={})
    body = response.json()
    code = "c1051bb4-d103-4f74-8988-acbcafc7fdc3"
    assert body == {
        "@context": "/api/contexts/ConstraintViolation",
        "@id": f"/api/validation_errors/{code}",
        "@type": "ConstraintViolation",
        "status": 422,
        "violations": [{"propertyPath": "name", "message": "This value should not be blank.", "code": code}],
        "detail": "name: This value should not be blank.",
        "title": "An error occurred",
        "description": "name: This value should not be blank.",
        "type": f"/validation_errors/{code}",
    }


async def test_422_for_wrong_types(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/clients", json={**CLIENT, "dueDays": "thirty", "name": 7})
    assert response.status_code == 422
    messages = {v["propertyPath"]: v["message"] for v in response.json()["violations"]}
    assert messages == {"dueDays": "This value should be of type int.", "name": "This value should be of type string."}
    row = await api.post(
        "/api/invoice-rows",
        json={
            "invoice": "/api/invoices/4",
            "productName": "x",
            "unit": "h",
            "quantity": 1,
            "vatRate": "23",
            "netPrice": 10.5,
        },
    )
    assert row.json()["violations"][0] == {
        "propertyPath": "netPrice",
        "message": "This value should be of type string.",
        "code": "ba785a8c-82cb-4283-967c-3cf342181b40",
    }


async def test_422_for_unknown_enum_values(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/clients", json={**CLIENT, "status": "sleeping"})
    violation = response.json()["violations"][0]
    assert violation["propertyPath"] == "status"
    assert violation["message"] == "The value you selected is not a valid choice."


async def test_422_for_invalid_nip_and_iban(api: httpx2.AsyncClient) -> None:
    response = await api.post("/api/clients", json={**CLIENT, "tinType": "NIP", "tin": "8567346216"})
    assert response.status_code == 422
    assert response.json()["violations"][0]["propertyPath"] == "tin"
    assert "NIP" in response.json()["violations"][0]["message"]
    accounts = await api.post(
        "/api/counterparties", json={"displayName": "X", "bankAccounts": ["PL61109010140000071219812875"]}
    )
    assert accounts.json()["violations"] == [
        {
            "propertyPath": "bankAccounts",
            "message": "This is not a valid International Bank Account Number (IBAN).",
            "code": "b9401321-f9bf-4dcb-83c1-f31094440795",
        }
    ]
    good = await api.post(
        "/api/counterparties", json={"displayName": "X", "bankAccounts": ["PL61 1090 1014 0000 0712 1981 2874"]}
    )
    assert good.status_code == 201
    assert good.json()["bankAccounts"] == ["PL61109010140000071219812874"]


async def test_merge_patch_null_clears_and_omitted_keys_stay(api: httpx2.AsyncClient) -> None:
    before = (await api.get("/api/clients/1")).json()
    response = await api.patch("/api/clients/1", json={"addressPostCode": None, "dueDays": 21}, headers=MERGE)
    after = response.json()
    assert after["addressPostCode"] is None
    assert after["dueDays"] == 21
    assert after["name"] == before["name"]
    blank = await api.patch("/api/clients/1", json={"name": None}, headers=MERGE)
    assert blank.status_code == 422


async def test_deeply_nested_bodies_are_refused(api: httpx2.AsyncClient) -> None:
    depth = 900
    body = '{"displayName": "x", "costGroup": ' + "[" * depth + "]" * depth + "}"
    response = await api.post(
        "/api/counterparties", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400, "Maximum stack depth exceeded")


async def test_out_of_range_values_are_violations(api: httpx2.AsyncClient) -> None:
    far = await api.post("/api/invoices", json={"client": "/api/clients/1", "issueDate": "9999-12-31"})
    assert far.status_code == 422
    assert far.json()["violations"][0]["propertyPath"] == "issueDate"
    due = await api.patch("/api/clients/1", json={"dueDays": 10**12}, headers=MERGE)
    assert due.status_code == 422
    assert due.json()["violations"][0]["message"] == "This value should be between 0 and 3650."


async def test_lone_surrogates_are_refused(api: httpx2.AsyncClient) -> None:
    response = await api.post(
        "/api/counterparties", content=b'{"displayName": "x\\ud800"}', headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400, "Single unpaired UTF-16 surrogate in unicode escape")


async def test_control_characters_do_not_break_files(api: httpx2.AsyncClient) -> None:
    import xml.etree.ElementTree as ET

    created = await api.post(
        "/api/invoices",
        json={
            "client": "/api/clients/1",
            "status": "issued",
            "name": "FV/ą\u0001",
            "invoiceRows": [
                {"productName": "a\u000bb", "unit": "h", "quantity": 1, "vatRate": "23", "netPrice": "1.00"}
            ],
        },
    )
    invoice_id = created.json()["id"]
    xml = await api.get(f"/api/e-invoicing/invoices/{invoice_id}/download/xml")
    assert xml.headers["content-disposition"] == 'attachment; filename="FV___.xml"'
    root = ET.fromstring(xml.content)
    namespace = "{http://crd.gov.pl/wzor/2025/06/25/13775/}"
    assert root.findtext(f"{namespace}Fa/{namespace}P_2") == "FV/ą"

"""Failures the sandbox answers with, in API Platform 4's problem+json shapes (and LexikJWT's for auth)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NOT_BLANK = "c1051bb4-d103-4f74-8988-acbcafc7fdc3"
NOT_NULL = "ad32d13f-c3d4-423b-909a-857b961eb720"
WRONG_TYPE = "ba785a8c-82cb-4283-967c-3cf342181b40"
NO_SUCH_CHOICE = "8e179f1b-97aa-4560-a02f-2a8b42e49df7"
IBAN_INVALID = "b9401321-f9bf-4dcb-83c1-f31094440795"
NIP_INVALID = "4f9bd3a6-1c7e-4a8b-9d52-3e0f6c7a2b11"
INVALID_DATETIME = "1a9da513-2640-4f84-9b6a-4d99dcddc628"
INVALID_EMAIL = "bd79c0ab-ddba-46cc-a703-a7a4b08de310"
INVALID_COUNTRY = "8f900c12-61bd-455d-9398-996cd040f32e"
INVALID_CURRENCY = "69945ac1-2db4-405f-bec7-d2772f73df52"
INVALID_NUMBER = "2d28afcb-e32e-45fb-a815-01c431a86a69"
OUT_OF_RANGE = "04b91c99-a946-4221-afc5-e65ebac401eb"
BUSINESS_RULE = "e1d2c3b4-a596-4877-8a9b-0c1d2e3f4a5b"


@dataclass(frozen=True)
class Violation:
    property_path: str
    message: str
    code: str = BUSINESS_RULE

    def as_dict(self) -> dict[str, str]:
        return {"propertyPath": self.property_path, "message": self.message, "code": self.code}


@dataclass
class ApiError(Exception):
    """A 4xx answer. `detail` is the human text API Platform puts in both `detail` and `description`."""

    status: int
    detail: str
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.detail}"


@dataclass
class ValidationFailed(Exception):
    """A 422 with the list of ConstraintViolations."""

    violations: list[Violation]

    def __str__(self) -> str:
        return "; ".join(f"{v.property_path}: {v.message}" for v in self.violations)


@dataclass
class AuthFailed(Exception):
    """A 401 in LexikJWTAuthenticationBundle's shape."""

    message: str


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def violation(path: str, message: str, code: str = BUSINESS_RULE) -> ValidationFailed:
    return ValidationFailed([Violation(path, message, code)])


ERROR_LINK = '<http://www.w3.org/ns/hydra/error>; rel="http://www.w3.org/ns/json-ld#error"'


def error_document(status: int, detail: str, *, hydra_prefix: bool, linked_data: bool) -> dict[str, Any]:
    """The body of a generic error, as API Platform 4's ErrorNormalizer writes it."""
    body: dict[str, Any] = {}
    if linked_data:
        body["@context"] = "/api/contexts/Error"
        body["@id"] = f"/api/errors/{status}"
        body["@type"] = "hydra:Error" if hydra_prefix else "Error"
    body["hydra:title" if hydra_prefix and linked_data else "title"] = "An error occurred"
    body["detail"] = detail
    body["status"] = status
    body["type"] = f"/errors/{status}"
    body["hydra:description" if hydra_prefix and linked_data else "description"] = detail
    return body


def violations_document(violations: list[Violation], *, hydra_prefix: bool, linked_data: bool) -> dict[str, Any]:
    """The body of a 422: one ConstraintViolation document listing every violation."""
    if len(violations) == 1:
        identifier = violations[0].code
    else:
        identifier = ";".join(f"{index}={v.code}" for index, v in enumerate(violations))
    detail = "\n".join(f"{v.property_path}: {v.message}" if v.property_path else v.message for v in violations)
    body: dict[str, Any] = {}
    if linked_data:
        body["@context"] = "/api/contexts/ConstraintViolation"
        body["@id"] = f"/api/validation_errors/{identifier}"
        body["@type"] = "ConstraintViolation"
    body["status"] = 422
    body["violations"] = [v.as_dict() for v in violations]
    body["detail"] = detail
    body["hydra:title" if hydra_prefix and linked_data else "title"] = "An error occurred"
    body["hydra:description" if hydra_prefix and linked_data else "description"] = detail
    body["type"] = f"/validation_errors/{identifier}"
    return body

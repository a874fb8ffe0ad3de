"""Building blocks of workflow outputs: exact amounts as decimal text, and references taken from arguments.

Amounts leave the server as strings (``"1230.00"``), never as JSON numbers, so no client turns them into floats;
their schema says just ``string`` to keep the tool list small.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, PlainSerializer, WithJsonSchema

from flowtly_mcp.finance.calendar import add_months


def decimal_text(value: Decimal) -> str:
    """Plain positional notation: ``Decimal("1E+2")`` is ``"100"``, never scientific."""
    text = format(value, "f")
    return text.lstrip("-") if value == 0 else text


Amount = Annotated[
    Decimal,
    PlainSerializer(decimal_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string"}),
]


def range_end(start: date | None, end: date, *, max_months: int | None = None) -> date:
    """Validate the end of a date range against its start (for a field validator on ``date_to``)."""
    if start is None:
        return end
    if end < start:
        raise ValueError(f"must not be before date_from ({start.isoformat()})")
    if max_months is not None and end > add_months(start, max_months):
        raise ValueError(f"at most {max_months} months after date_from (KSeF's limit per query); split the range")
    return end


# Nested parts of an answer are published as plain objects: their fields explain themselves, and a full nested
# schema would be paid for in tokens on every turn. They are still built from typed models (`dumped`).
Rows = list[dict[str, Any]]


def dumped(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def dumped_all(models: Iterable[BaseModel]) -> Rows:
    return [model.model_dump(mode="json") for model in models]

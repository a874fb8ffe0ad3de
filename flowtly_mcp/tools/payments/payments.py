"""Payment tools beyond CRUD: the setup intent a card or SEPA form needs before a payment method can be stored."""

from __future__ import annotations

from collections.abc import Iterator

from flowtly_mcp.api.endpoints import CREATE_SETUP_INTENT as SETUP_INTENT
from flowtly_mcp.tools.kernel.params import NoInput
from flowtly_mcp.tools.kernel.registry import AnyToolSpec, Risk, ToolSpec
from flowtly_mcp.tools.kernel.results import ItemResult
from flowtly_mcp.tools.kernel.runtime import Invocation
from flowtly_mcp.tools.kernel.shaping import compact_record, plain


async def _setup_intent(inv: Invocation, _: NoInput) -> ItemResult:
    answer = await inv.api.post_action(SETUP_INTENT.path())
    return ItemResult(item=plain(compact_record(answer or {})))


def specs() -> Iterator[AnyToolSpec]:
    yield ToolSpec(
        name="create_payment_setup_intent",
        title="Create payment setup intent",
        description="Start adding a card or SEPA payment method: returns the setup intent a payment form completes.",
        toolset="payments",
        risk=Risk.WRITE,
        operations=(SETUP_INTENT.operation,),
        input_model=NoInput,
        output_model=ItemResult,
        handler=_setup_intent,
        idempotent=False,
    )

"""Payment-method extras: the setup intent a card form needs before a method can be stored."""

from __future__ import annotations

import hashlib

from flowtly_mcp.sandbox.protocol import Call, Reply


def create_setup_intent(call: Call) -> Reply:
    world = call.world
    number = int(world.store.meta("setup-intents") or 0) + 1
    world.store.set_meta("setup-intents", str(number))
    digest = hashlib.sha256(f"seti-{number}".encode()).hexdigest()
    intent_id = f"seti_{digest[:24]}"
    return Reply(
        200,
        {
            "@context": "/api/contexts/SetupIntent",
            "@id": f"/api/payment-methods/setup-intents/{intent_id}",
            "@type": "SetupIntent",
            "id": intent_id,
            "clientSecret": f"{intent_id}_secret_{digest[24:48]}",
            "status": "requires_payment_method",
            "paymentMethodTypes": ["card", "sepa_debit"],
            "createdAt": world.timestamp(),
        },
    )

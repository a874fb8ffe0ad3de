"""The store for several hosts: Redis (`FLOWTLY_STATE_URL=redis://…`).

Each check-then-write runs as one Lua script, which Redis executes atomically; nonces use `SET NX`. An approval is
a hash: the immutable document (JSON) plus the fields that change (status, stamps, expiry), so a script never has to
re-encode JSON. Day amounts are kept as integers of 1/10000 of a unit (rounded up, so a ceiling is never overrun):
Lua numbers are doubles, and exact Decimal arithmetic is not available inside Redis.
"""

from __future__ import annotations

import json
import math
from decimal import ROUND_CEILING, Decimal

import redis

from flowtly_mcp.approvals.models import ApprovalStatus, PendingApproval
from flowtly_mcp.approvals.sqlite_store import RETENTION_SECONDS
from flowtly_mcp.approvals.store import Ceilings, StoreError, Usage

PREFIX = "flowtly-mcp:"
AMOUNT_SCALE = Decimal(10_000)

_TRANSITION = """
local status = redis.call('HGET', KEYS[1], 'status')
if (not status) or status ~= ARGV[1] then return 0 end
if tonumber(ARGV[3]) >= tonumber(redis.call('HGET', KEYS[1], 'expires_at')) then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], ARGV[4], ARGV[3])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'decided_by', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'expires_at', ARGV[6]) end
return 1
"""

_RESERVE = """
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0') + 1
local units = tonumber(redis.call('HGET', KEYS[1], 'units') or '0') + tonumber(ARGV[1])
if ARGV[2] ~= '' and count > tonumber(ARGV[2]) then return 0 end
if ARGV[3] ~= '' and units > tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HINCRBY', KEYS[1], 'units', ARGV[1])
redis.call('EXPIRE', KEYS[1], 172800)
return 1
"""

_RELEASE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0') - 1
local units = tonumber(redis.call('HGET', KEYS[1], 'units') or '0') - tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'count', math.max(count, 0), 'units', math.max(units, 0))
return 1
"""


def _text(value: object) -> str:
    """redis-py's stubs allow bytes everywhere; this client decodes responses, so everything is str."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _hash(raw: dict[bytes | str, bytes | str]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


def _units(amount: Decimal) -> int:
    return int((amount * AMOUNT_SCALE).to_integral_value(rounding=ROUND_CEILING))


class RedisStore:
    """A `StateStore` in Redis, shared by every process on every host pointing at it."""

    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._transition = client.register_script(_TRANSITION)
        self._reserve = client.register_script(_RESERVE)
        self._release = client.register_script(_RELEASE)

    @classmethod
    def from_url(cls, url: str) -> RedisStore:
        client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5)
        try:
            client.ping()
        except redis.RedisError as exc:
            # The URL may carry a password: name the failure, never the URL.
            raise StoreError(f"cannot reach the Redis state store named by FLOWTLY_STATE_URL: {exc}") from exc
        return cls(client)

    @staticmethod
    def _key(approval_id: str) -> str:
        return f"{PREFIX}approval:{approval_id}"

    # Approvals ------------------------------------------------------------------------------------------------
    def put(self, approval: PendingApproval) -> None:
        key = self._key(approval.id)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(key, "document", approval.model_dump_json())
            pipe.hset(key, mapping={"status": approval.status.value, "expires_at": repr(approval.expires_at)})
            pipe.expireat(key, math.ceil(approval.expires_at + RETENTION_SECONDS))
            pipe.zadd(f"{PREFIX}approvals", {approval.id: approval.created_at})
            pipe.execute()

    def _load(self, fields: dict[str, str]) -> PendingApproval | None:
        if not fields.get("document"):
            return None
        data = json.loads(fields["document"])
        data["status"] = fields["status"]
        data["expires_at"] = float(fields["expires_at"])
        for name in ("decided_at", "executed_at"):
            data[name] = float(fields[name]) if fields.get(name) else None
        data["decided_by"] = fields.get("decided_by") or None
        return PendingApproval.model_validate(data)

    def get(self, approval_id: str) -> PendingApproval | None:
        return self._load(_hash(self._redis.hgetall(self._key(approval_id))))

    def list(self, status: ApprovalStatus | None = None, limit: int = 100) -> list[PendingApproval]:
        index = f"{PREFIX}approvals"
        found: list[PendingApproval] = []
        for raw_id in self._redis.zrevrange(index, 0, -1):
            approval_id = _text(raw_id)
            approval = self.get(approval_id)
            if approval is None:
                self._redis.zrem(index, approval_id)  # purged by its TTL
                continue
            if status is None or approval.status is status:
                found.append(approval)
                if len(found) >= limit:
                    break
        return found

    def transition(
        self,
        approval_id: str,
        *,
        expected: ApprovalStatus,
        new: ApprovalStatus,
        now: float,
        by: str | None = None,
        new_expires_at: float | None = None,
    ) -> PendingApproval | None:
        stamp = "executed_at" if new is ApprovalStatus.EXECUTED else "decided_at"
        args = [
            expected.value,
            new.value,
            repr(now),
            stamp,
            by or "",
            "" if new_expires_at is None else repr(new_expires_at),
        ]
        if self._transition(keys=[self._key(approval_id)], args=args) != 1:  # 1: this caller moved it
            return None
        return self.get(approval_id)

    # Nonces and counters --------------------------------------------------------------------------------------
    def consume_nonce(self, nonce: str, *, expires_at: float, now: float) -> bool:
        ttl = max(1, math.ceil(expires_at - now))
        return bool(self._redis.set(f"{PREFIX}nonce:{nonce}", "1", nx=True, ex=ttl))

    def usage(self, tool: str, day: str) -> Usage:
        fields = _hash(self._redis.hgetall(f"{PREFIX}usage:{day}:{tool}"))
        return Usage(int(fields.get("count", 0)), Decimal(int(fields.get("units", 0))) / AMOUNT_SCALE)

    def reserve(self, tool: str, day: str, amount: Decimal | None, ceilings: Ceilings) -> bool:
        args = [
            _units(amount or Decimal(0)),
            "" if ceilings.max_count is None else ceilings.max_count,
            "" if ceilings.max_amount is None else _units(ceilings.max_amount),
        ]
        return bool(self._reserve(keys=[f"{PREFIX}usage:{day}:{tool}"], args=args) == 1)

    def release(self, tool: str, day: str, amount: Decimal | None) -> None:
        self._release(keys=[f"{PREFIX}usage:{day}:{tool}"], args=[_units(amount or Decimal(0))])

    def close(self) -> None:
        self._redis.close()

"""Rules for unattended agents (`FLOWTLY_POLICY=path.toml`): what may run with no person, and within what limits.

    otherwise = "pending"            # a call no rule allows waits for a person ("refuse": nobody is watching)
    never = ["delete_*", "send_invoice_to_ksef"]   # refused outright, whatever else says

    [allow.create_payment]           # a tool name, or a pattern such as "update_*" (quoted)
    max_amount_per_call = "5000.00"  # amounts as strings: TOML floats are inexact
    max_amount_per_day = "20000.00"
    max_count_per_day = 20

`Policy.evaluate` is pure: given the tool, the call's amount and today's counters it names the rule that decides.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Literal

from flowtly_mcp.approvals.store import Ceilings, Usage


class PolicyError(ValueError):
    """The policy file cannot be used; the message names the file, the key and (when known) the line."""


class Verdict(StrEnum):
    ALLOWED = "allowed"  # runs with no person, under the named rule
    NEEDS_PERSON = "needs-person"  # becomes a pending approval
    REFUSED = "refused"  # not carried out at all


@dataclass(frozen=True)
class Reservation:
    """One call counted against a rule's day ceilings: what to take back if the call changed nothing."""

    tool: str
    day: str
    amount: Decimal | None


@dataclass(frozen=True)
class PolicyDecision:
    verdict: Verdict
    reason: str
    # The rule that decided, as the audit names it: `allow.create_payment`, `never "delete_*"`, `otherwise`.
    rule: str
    # The day ceilings to reserve against when allowed.
    ceilings: Ceilings | None = None
    # The call as counted against those ceilings, once reserved.
    reservation: Reservation | None = None


@dataclass(frozen=True)
class AllowRule:
    pattern: str
    max_amount_per_call: Decimal | None = None
    max_amount_per_day: Decimal | None = None
    max_count_per_day: int | None = None

    @property
    def name(self) -> str:
        return f"allow.{self.pattern}" if re.fullmatch(r"[A-Za-z0-9_-]+", self.pattern) else f'allow."{self.pattern}"'

    @property
    def limits_amount(self) -> bool:
        return self.max_amount_per_call is not None or self.max_amount_per_day is not None


@dataclass(frozen=True)
class Policy:
    allow: tuple[AllowRule, ...] = ()
    never: tuple[str, ...] = ()
    otherwise: Literal["pending", "refuse"] = "pending"
    source: str = "<no policy>"

    def _rule_for(self, tool: str) -> AllowRule | None:
        exact = [rule for rule in self.allow if rule.pattern == tool]
        if exact:
            return exact[0]
        return next((rule for rule in self.allow if fnmatch.fnmatchcase(tool, rule.pattern)), None)

    def _not_allowed(self, reason: str, rule: str) -> PolicyDecision:
        if self.otherwise == "refuse":
            return PolicyDecision(Verdict.REFUSED, f"{reason}; no person is configured to approve it", rule)
        return PolicyDecision(Verdict.NEEDS_PERSON, f"{reason}; a person has to approve it", rule)

    def contended(self, tool: str, rule: str) -> PolicyDecision:
        """The decision when the day counters kept changing under a reservation (many workers at the ceiling)."""
        return self._not_allowed(f"{tool} could not reserve its share of {rule}'s day ceilings", rule)

    def evaluate(self, tool: str, amount: Decimal | None, usage: Usage) -> PolicyDecision:
        """Which rule decides `tool` with `amount`, given what the tool has used today."""
        for pattern in self.never:
            if fnmatch.fnmatchcase(tool, pattern):
                return PolicyDecision(Verdict.REFUSED, f"{tool} is never run by an agent", f'never "{pattern}"')
        rule = self._rule_for(tool)
        if rule is None:
            return self._not_allowed(f"no rule allows {tool} without a person", "otherwise")
        if amount is None and rule.limits_amount:
            # Unknown never moves money: a ceiling on amounts cannot be checked against an unknown amount.
            return self._not_allowed(
                f"the amount of this {tool} call is unknown, so {rule.name} cannot check it", rule.name
            )
        if rule.max_amount_per_call is not None and amount is not None and amount > rule.max_amount_per_call:
            return self._not_allowed(
                f"{amount} is above {rule.name}.max_amount_per_call ({rule.max_amount_per_call})", rule.name
            )
        if rule.max_count_per_day is not None and usage.count + 1 > rule.max_count_per_day:
            return self._not_allowed(
                f"{tool} already ran {usage.count} times today ({rule.name}.max_count_per_day)", rule.name
            )
        if rule.max_amount_per_day is not None and usage.amount + (amount or 0) > rule.max_amount_per_day:
            return self._not_allowed(
                f"{usage.amount} + {amount} is above {rule.name}.max_amount_per_day ({rule.max_amount_per_day})",
                rule.name,
            )
        return PolicyDecision(
            Verdict.ALLOWED,
            f"allowed without a person by {rule.name}",
            rule.name,
            Ceilings(max_count=rule.max_count_per_day, max_amount=rule.max_amount_per_day),
        )


# Loading ----------------------------------------------------------------------------------------------------------
_TOP_KEYS = {"otherwise", "never", "allow"}
_RULE_KEYS = {"max_amount_per_call", "max_amount_per_day", "max_count_per_day"}


def _line_of(text: str, table: str | None, key: str | None) -> int | None:
    """Best-effort line of `key` (inside `[allow.table]` when given): tomllib reports positions only for syntax."""
    lines = text.splitlines()
    start = 0
    if table is not None:
        header = re.compile(r'^\s*\[\s*allow\s*\.\s*"?' + re.escape(table) + r'"?\s*\]')
        start = next((i for i, line in enumerate(lines) if header.match(line)), -1)
        if start < 0:
            return None
        if key is None:
            return start + 1
    if key is None:
        return None
    pattern = re.compile(r'^\s*"?' + re.escape(key) + r'"?\s*=')
    for index in range(start, len(lines)):
        if index > start and table is not None and lines[index].lstrip().startswith("["):
            break
        if pattern.match(lines[index]):
            return index + 1
    return None


def _fail(
    source: str, text: str, what: str, message: str, table: str | None = None, key: str | None = None
) -> PolicyError:
    line = _line_of(text, table, key)
    where = f"{source}:{line}" if line else source
    return PolicyError(f"{where}: {what}: {message}")


def _amount(source: str, text: str, table: str, key: str, raw: object) -> Decimal:
    what = f"allow.{table}.{key}"
    if isinstance(raw, bool | float):
        raise _fail(source, text, what, 'write amounts as strings, e.g. "5000.00" (floats are inexact)', table, key)
    try:
        value = Decimal(str(raw)) if isinstance(raw, int | str) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise _fail(source, text, what, f'must be a non-negative amount such as "5000.00", got {raw!r}', table, key)
    return value


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """A `Policy` from TOML text; `PolicyError` naming the key (and line) for anything it cannot use."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _fail(source, text, unknown[0], f"unknown key; expected one of {sorted(_TOP_KEYS)}", key=unknown[0])
    otherwise = data.get("otherwise", "pending")
    if otherwise not in ("pending", "refuse"):
        raise _fail(source, text, "otherwise", f'must be "pending" or "refuse", got {otherwise!r}', key="otherwise")
    never = data.get("never", [])
    if not isinstance(never, list) or not all(isinstance(p, str) and p.strip() for p in never):
        raise _fail(source, text, "never", 'must be a list of tool names or patterns, e.g. ["delete_*"]', key="never")
    allow = data.get("allow", {})
    if not isinstance(allow, dict):
        raise _fail(source, text, "allow", "must be tables such as [allow.create_payment]", key="allow")
    rules: list[AllowRule] = []
    for pattern, body in allow.items():
        if not isinstance(body, dict):
            raise _fail(source, text, f"allow.{pattern}", "must be a table of ceilings", key=pattern)
        extra = sorted(set(body) - _RULE_KEYS)
        if extra:
            raise _fail(
                source,
                text,
                f"allow.{pattern}.{extra[0]}",
                f"unknown key; expected one of {sorted(_RULE_KEYS)}",
                pattern,
                extra[0],
            )
        count = body.get("max_count_per_day")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            raise _fail(
                source,
                text,
                f"allow.{pattern}.max_count_per_day",
                f"must be a whole number >= 0, got {count!r}",
                pattern,
                "max_count_per_day",
            )
        rules.append(
            AllowRule(
                pattern=pattern,
                max_amount_per_call=None
                if "max_amount_per_call" not in body
                else _amount(source, text, pattern, "max_amount_per_call", body["max_amount_per_call"]),
                max_amount_per_day=None
                if "max_amount_per_day" not in body
                else _amount(source, text, pattern, "max_amount_per_day", body["max_amount_per_day"]),
                max_count_per_day=count,
            )
        )
    return Policy(allow=tuple(rules), never=tuple(p.strip() for p in never), otherwise=otherwise, source=source)


def load_policy(path: Path) -> Policy:
    """The policy in `path` (`FLOWTLY_POLICY`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"FLOWTLY_POLICY: cannot read {path}: {exc.strerror or exc}") from None
    return parse_policy(text, str(path))

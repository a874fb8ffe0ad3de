"""`flowtly-mcp approvals list|show|approve|reject ID`: a person decides pending approvals from a terminal.

Exit codes: 0 done; 1 the approval exists but cannot be decided (expired, already decided); 2 unknown id, or the
store cannot be opened. Deciding here needs access to this machine's store, which a model acting through MCP
tools does not have (an agent with a shell on this machine does: see docs/approvals.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from typing import Any, TextIO

EPILOG = "exit codes: 0 done, 1 expired or already decided, 2 unknown id or unusable store (FLOWTLY_STATE_URL)"


def add_approvals_parser(commands: Any) -> None:
    """Adds the `approvals` command group to the CLI's subparsers."""
    approvals = commands.add_parser(
        "approvals", help="list, show, approve or reject pending approvals (FLOWTLY_STATE_URL)", epilog=EPILOG
    )
    actions = approvals.add_subparsers(dest="approvals_command", required=True)
    listing = actions.add_parser("list", help="approvals, newest first", epilog=EPILOG)
    listing.add_argument("--status", choices=("pending", "approved", "rejected", "executed"))
    listing.add_argument("--limit", type=int, default=50)
    for name, text in (
        ("show", "print one approval's full preview and plan"),
        ("approve", "approve a pending approval (the call then runs once)"),
        ("reject", "reject a pending approval (nothing runs)"),
    ):
        action = actions.add_parser(name, help=text, epilog=EPILOG)
        action.add_argument("id")


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(timespec="seconds")


def run_approvals(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    from flowtly_mcp.approvals.display import preview_text, visible
    from flowtly_mcp.approvals.models import ApprovalStatus
    from flowtly_mcp.approvals.service import ApprovalError, ApprovalService, UnknownApproval
    from flowtly_mcp.approvals.store import StoreError, open_store

    try:
        store = open_store()
    except StoreError as exc:
        print(f"flowtly-mcp approvals: {exc}", file=err)
        return 2
    service = ApprovalService(store)
    try:
        command = args.approvals_command
        if command == "list":
            status = ApprovalStatus(args.status) if args.status else None
            found = service.list(status, args.limit)
            if not found:
                print("no approvals" + (f" with status {args.status}" if args.status else ""), file=out)
            for item in found:
                shown = "expired" if service.is_expired(item) else item.status.value
                print(
                    f"{item.id:20} {shown:9} {_when(item.created_at)}  {item.tool:28} "
                    f"{visible(item.preview.target, 60)}",
                    file=out,
                )
            return 0
        approval = service.get(args.id)
        if command == "show":
            state = "expired" if service.is_expired(approval) else approval.status.value
            print(f"Approval {approval.id}: {state}", file=out)
            print(
                f"Requested {_when(approval.created_at)} through {approval.channel}; "
                f"expires {_when(approval.expires_at)}",
                file=out,
            )
            if approval.decided_by:
                print(f"Decided by {visible(approval.decided_by, 80)} at {_when(approval.decided_at)}", file=out)
            print(preview_text(approval.tool, approval.preview), file=out)
            print(f"Arguments: {visible(_json(approval.arguments), 2000)}", file=out)
            print(f"Will execute: {visible(_json(approval.plan), 2000)}", file=out)
            return 0
        decided = service.decide(
            approval.id, "approve" if command == "approve" else "reject", by=f"cli:{getpass.getuser()}"
        )
        verb = (
            "approved: the call runs once, when the server next checks"
            if command == "approve"
            else "rejected: nothing runs"
        )
        print(f"{decided.id} {verb}", file=out)
        return 0
    except UnknownApproval as exc:
        print(f"flowtly-mcp approvals: {exc}", file=err)
        return 2
    except ApprovalError as exc:
        print(f"flowtly-mcp approvals: {exc}", file=err)
        return 1
    finally:
        store.close()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)

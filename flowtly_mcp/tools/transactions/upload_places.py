"""Where an upload may read a local file: inside the client's declared roots or the configured upload directory.

A file path in a tool call is a way for a prompt to make the server send a local file to Flowtly (a settings file
with a password starts with `<` like any XML invoice). So a path is resolved first (symlinks followed, `~` expanded),
then it must lie inside an allowed directory, and no part of it below that directory may be hidden (a dotfile or a
dot-directory such as `.ssh` or `.m2`).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flowtly_mcp.tools.kernel.errors import ToolInputError
from flowtly_mcp.tools.kernel.runtime import Invocation


async def client_roots(inv: Invocation) -> list[Path]:
    """The client's declared file roots, when it declares roots and the session lets the server ask for them."""
    ctx = inv.ctx
    caps = ctx.client_capabilities if ctx is not None else None
    if ctx is None or caps is None or caps.roots is None:
        return []
    try:
        with warnings.catch_warnings():
            # Roots are deprecated from protocol 2026-07-28 on, yet still what 2025-11-25 clients declare.
            warnings.simplefilter("ignore")
            answer = await ctx.session.list_roots()
    except Exception:  # no back-channel in this protocol mode, or the client failed: no roots then
        return []
    found = []
    for root in answer.roots:
        parts = urlsplit(str(root.uri))
        if parts.scheme == "file":
            found.append(Path(unquote(parts.path)))
    return found


async def allowed_dirs(inv: Invocation) -> list[Path]:
    configured = inv.state.settings.upload_dir
    return [*([configured] if configured is not None else []), *await client_roots(inv)]


def checked_path(path_text: str, allowed: list[Path]) -> Path:
    """The resolved file `path_text` names, or a clear refusal naming the allowed places."""
    if not allowed:
        raise ToolInputError(
            "file_path: reading local files is not allowed here: set FLOWTLY_UPLOAD_DIR to a folder of documents "
            "(or use a client that declares roots), or pass the document as content_base64."
        )
    try:
        path = Path(path_text).expanduser().resolve(strict=True)
    except (OSError, RuntimeError):
        raise ToolInputError(f"file_path: {path_text} is not a readable file.") from None
    if not path.is_file():
        raise ToolInputError(f"file_path: {path_text} is not a readable file.")
    for root in allowed:
        try:
            inside = path.relative_to(root.expanduser().resolve())
        except (ValueError, OSError):
            continue
        if any(part.startswith(".") for part in inside.parts):
            raise ToolInputError(
                f"file_path: {path_text} is a hidden file or lies in a hidden folder; uploads never read those."
            )
        return path
    places = ", ".join(str(root) for root in allowed)
    raise ToolInputError(
        f"file_path: {path_text} is outside the folders uploads may read ({places}). Move the document there, "
        "or pass it as content_base64."
    )

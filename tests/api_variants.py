"""The shapes of the Flowtly API every integration family is tested against.

Each variant is the documented-only sandbox (published fields only) served one way: Hydra keys prefixed
(`hydra:member`) or plain (`member`, API Platform 4), pages of the default size or of 7 (so that every listing spans
pages), and requests with or without the `/api` path prefix. A test asks for `api_variant` and builds its sandbox
with `variant.sandbox_config(...)` and its server with `variant.env()`; marked `api_matrix`, it runs in every
combination, otherwise in the default one only (tests/conftest.py).
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

from flowtly_mcp.sandbox import Profile, SandboxConfig

SMALL_PAGE = 7


@dataclass(frozen=True)
class ApiVariant:
    hydra_prefix: bool = True
    small_pages: bool = False
    api_prefix: bool = False

    @property
    def id(self) -> str:
        return "-".join(
            (
                "hydra" if self.hydra_prefix else "plain",
                f"page{SMALL_PAGE}" if self.small_pages else "page30",
                "api" if self.api_prefix else "root",
            )
        )

    def sandbox_config(self, **options: Any) -> SandboxConfig:
        """The documented-only sandbox served this way; `options` are SandboxConfig's other settings."""
        config = SandboxConfig(**options)
        paging = {"page_size": SMALL_PAGE, "max_page_size": SMALL_PAGE} if self.small_pages else {}
        return dataclasses.replace(config, profile=Profile.DOCUMENTED, hydra_prefix=self.hydra_prefix, **paging)

    def env(self) -> dict[str, str]:
        """The server's settings for this variant (FLOWTLY_* environment variables)."""
        values: dict[str, str] = {}
        if self.api_prefix:
            values["FLOWTLY_API_PREFIX"] = "/api"
        if self.small_pages:
            values["FLOWTLY_PAGE_SIZE"] = str(SMALL_PAGE)
        return values


DEFAULT_VARIANT = ApiVariant()
ALL_VARIANTS = tuple(
    ApiVariant(hydra_prefix=hydra, small_pages=small, api_prefix=prefix)
    for hydra, small, prefix in itertools.product((True, False), (False, True), (False, True))
)

"""The knobs of the seed generator: which random stream, how much data, and which day is "today"."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

DEFAULT_SEED = 7
DEFAULT_ANCHOR = date(2026, 11, 16)
# Above this the dataset stops being a demo and starts being a memory problem; the benchmark uses 50.
MAX_SIZE = 200.0


@dataclass(frozen=True)
class SeedConfig:
    """One reproducible dataset: the same config always yields the same records.

    `size` scales the volume (1.0 is the demo set, 50 the benchmark set); the planted cases are present at every
    size. `anchor` is the sandbox's "today": invoices cover the 18 months before it and ages are counted from it.
    """

    seed: int = DEFAULT_SEED
    size: float = 1.0
    anchor: date = field(default=DEFAULT_ANCHOR)

    def __post_init__(self) -> None:
        if not 0 < self.size <= MAX_SIZE:
            raise ValueError(f"size must be in (0, {MAX_SIZE}], got {self.size}")

    def rng(self, stream: str) -> random.Random:
        """A private random stream per generation stage, so growing one stage never reshuffles another."""
        return random.Random(f"{self.seed}:{stream}")

    def scaled(self, base: float, *, minimum: int = 0) -> int:
        """`base` items at size 1.0, growing linearly with size."""
        return max(minimum, round(base * self.size))

    def scaled_sqrt(self, base: float, *, minimum: int = 0) -> int:
        """`base` items at size 1.0, growing with the square root of size (parties grow slower than documents)."""
        return max(minimum, round(base * math.sqrt(self.size)))

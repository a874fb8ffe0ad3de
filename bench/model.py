"""What a benchmark section reports: figures with their unit, baseline and target, plus free-form detail tables.

Sections run in child processes and hand their results back as JSON, so everything here round-trips through
`to_json` / `from_json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Comparison = Literal["<=", ">="]


@dataclass(frozen=True)
class Target:
    """A goal a figure must meet, such as `<= 4000` tokens or `>= 4` times faster."""

    comparison: Comparison
    bound: float

    def met_by(self, value: float) -> bool:
        return value <= self.bound if self.comparison == "<=" else value >= self.bound

    def describe(self, unit: str) -> str:
        return f"{'≤' if self.comparison == '<=' else '≥'} {_number(self.bound)}{_unit_suffix(unit)}"


@dataclass(frozen=True)
class Figure:
    """One measured number. `baseline` says what a ratio is relative to; `note` how it was obtained."""

    key: str
    label: str
    value: float
    unit: str
    target: Target | None = None
    baseline: str | None = None
    note: str | None = None

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met_by(self.value)

    def shown(self) -> str:
        if self.unit == "%":
            return f"{self.value:.1f}%"
        return f"{_number(self.value)}{_unit_suffix(self.unit)}"


@dataclass(frozen=True)
class Table:
    """Extra detail of a section (the largest tools, latency percentiles...), rendered as a Markdown table."""

    title: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class SectionResult:
    name: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "seconds": round(self.seconds, 2),
            "error": self.error,
            "notes": self.notes,
            "figures": [
                {
                    "key": f.key,
                    "label": f.label,
                    "value": f.value,
                    "unit": f.unit,
                    "target": None
                    if f.target is None
                    else {"comparison": f.target.comparison, "bound": f.target.bound},
                    "met": f.met,
                    "baseline": f.baseline,
                    "note": f.note,
                }
                for f in self.figures
            ],
            "tables": [{"title": t.title, "columns": t.columns, "rows": t.rows} for t in self.tables],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SectionResult:
        figures = []
        for raw in data.get("figures", []):
            target = raw.get("target")
            figures.append(
                Figure(
                    key=raw["key"],
                    label=raw["label"],
                    value=float(raw["value"]),
                    unit=raw["unit"],
                    target=None if target is None else Target(target["comparison"], float(target["bound"])),
                    baseline=raw.get("baseline"),
                    note=raw.get("note"),
                )
            )
        tables = [Table(t["title"], list(t["columns"]), [list(r) for r in t["rows"]]) for t in data.get("tables", [])]
        return cls(
            name=data["name"],
            title=data["title"],
            figures=figures,
            tables=tables,
            notes=list(data.get("notes", [])),
            seconds=float(data.get("seconds", 0.0)),
            error=data.get("error"),
        )


def _number(value: float) -> str:
    if value == int(value) and (abs(value) >= 10 or value == 0):
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _unit_suffix(unit: str) -> str:
    if unit in ("x", "%"):
        return unit
    return f" {unit}" if unit else ""

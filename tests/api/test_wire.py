"""Request bodies: exact decimal digits, per-family wire types, refusals that name the field."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowtly_mcp.api import jsoncodec
from flowtly_mcp.api.wire import prepare_body


def test_decimals_are_written_with_their_exact_digits() -> None:
    body = {
        "amount": Decimal("1234567890.10"),
        "rate": Decimal("4.3210"),
        "tiny": Decimal("1E-7"),
        "big": Decimal("1E+3"),
    }
    assert jsoncodec.dumps(body) == '{"amount":1234567890.10,"rate":4.3210,"tiny":0.0000001,"big":1000}'


def test_other_values_are_plain_json() -> None:
    body = {"name": 'Zażółć "x"', "n": 3, "ok": True, "none": None, "when": date(2025, 3, 1), "rows": [1, "a"]}
    assert json.loads(jsoncodec.dumps(body)) == {
        "name": 'Zażółć "x"',
        "n": 3,
        "ok": True,
        "none": None,
        "when": "2025-03-01",
        "rows": [1, "a"],
    }
    stamp = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert jsoncodec.dumps({"at": stamp}) == '{"at":"2025-03-01T12:00:00+00:00"}'


def test_unsendable_values_are_refused() -> None:
    with pytest.raises(ValueError, match="not a finite amount"):
        jsoncodec.dumps({"amount": Decimal("NaN")})
    with pytest.raises(TypeError, match="cannot send a set"):
        jsoncodec.dumps({"tags": {"a"}})
    with pytest.raises(TypeError, match="keys must be strings"):
        jsoncodec.dumps({1: "x"})


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_any_finite_decimal_survives_a_round_trip(value: Decimal) -> None:
    parsed = jsoncodec.loads(jsoncodec.dumps({"v": value}))["v"]
    assert Decimal(parsed) == value


def test_responses_parse_fractions_as_decimal() -> None:
    parsed = jsoncodec.loads(b'{"amount": 0.1, "count": 2, "big": 12345678901234567890.01}')
    assert parsed == {"amount": Decimal("0.1"), "count": 2, "big": Decimal("12345678901234567890.01")}
    assert isinstance(parsed["amount"], Decimal)


def _stdlib(content: bytes) -> object:
    """What responses were always read as: the standard library with fractions as Decimal."""
    try:
        return json.loads(content, parse_float=Decimal)
    except ValueError as problem:
        return f"{type(problem).__name__}: {problem}"


def _ours(content: bytes) -> object:
    try:
        return jsoncodec.loads(content)
    except ValueError as problem:
        return f"{type(problem).__name__}: {problem}"


ODD_BODIES = [
    b'{"a": NaN, "b": Infinity, "c": -Infinity}',
    b'{"a": "\\ud800 lone surrogate"}',
    b"\xef\xbb\xbf" + b'{"bom": 1.50}',
    '{"utf16": 2.5}'.encode("utf-16"),
    b'{"a": 1} trailing',
    b'{"a": "raw\ttab"}',
    b'{"a": 01}',
    b"",
    b"   ",
    b'{"a": 1, "a": 2.0}',
    b'{"a": 1e400, "b": -0.0, "c": 123456789012345678901234567890, "d": 1E5}',
    b'{"z\\u00f3\\u0142\\u0107": "\xc5\xbc\xc3\xb3\xc5\x82w", "e": "\\ud83d\\ude00"}',
    b'\xff{"a": 1}',
]


@pytest.mark.parametrize("content", ODD_BODIES)
def test_responses_read_exactly_as_the_standard_library_reads_them(content: bytes) -> None:
    ours, reference = _ours(content), _stdlib(content)
    assert ours == reference and repr(ours) == repr(reference)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@given(_JSON_VALUES, st.booleans())
def test_any_json_reads_as_the_standard_library_reads_it(value: object, ascii_only: bool) -> None:
    content = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    ours, reference = _ours(content), _stdlib(content)
    assert ours == reference and repr(ours) == repr(reference)


def test_invoice_row_prices_become_decimal_strings() -> None:
    body = prepare_body(
        {"netPrice": Decimal("100.50"), "netDiscountAmount": 0, "quantity": Decimal("2.5"), "vatRate": 23},
        "invoice-rows",
    )
    assert body == {"netPrice": "100.50", "netDiscountAmount": "0", "quantity": Decimal("2.5"), "vatRate": "23"}
    assert jsoncodec.dumps(body) == '{"netPrice":"100.50","netDiscountAmount":"0","quantity":2.5,"vatRate":"23"}'


def test_rows_embedded_in_an_invoice_follow_the_row_rules() -> None:
    body = prepare_body(
        {"amount": Decimal("123.00"), "invoiceRows": [{"netPrice": Decimal("100.00")}, "/api/invoice-rows/9"]},
        "invoices",
    )
    assert body == {"amount": Decimal("123.00"), "invoiceRows": [{"netPrice": "100.00"}, "/api/invoice-rows/9"]}


def test_minor_unit_amounts_become_integers() -> None:
    assert prepare_body({"amount": Decimal("125000")}, "budget-transactions") == {"amount": 125000}
    assert prepare_body({"amount": Decimal("125000.00")}, "budget-employees") == {"amount": 125000}
    assert prepare_body({"amount": None}, "budget-transactions") == {"amount": None}


def test_a_fraction_in_a_minor_unit_field_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"^amount must be an integer amount in minor units .*1250\.5 has a fraction"):
        prepare_body({"amount": Decimal("1250.5")}, "budget-transactions")


def test_nested_field_paths_appear_in_refusals() -> None:
    with pytest.raises(ValueError, match=r"invoiceRows\[1\]\.netPrice must be a decimal string, got 'abc'"):
        prepare_body({"invoiceRows": [{"netPrice": "1.00"}, {"netPrice": "abc"}]}, "invoices")


def test_floats_are_refused_where_money_is_typed() -> None:
    with pytest.raises(ValueError, match="netPrice .* not the float 0.1"):
        prepare_body({"netPrice": 0.1}, "invoice-rows")
    with pytest.raises(ValueError, match="amount .* boolean"):
        prepare_body({"amount": True}, "budgets")


def test_untyped_families_and_non_objects_pass_through() -> None:
    assert prepare_body({"amount": Decimal("1.5")}, "invoices") == {"amount": Decimal("1.5")}
    assert prepare_body([1, 2], "invoice-rows") == [1, 2]
    assert prepare_body({"netPrice": 1}, None) == {"netPrice": 1}

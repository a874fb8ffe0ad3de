"""The ranker on small, hand-made tool lists: every rule shown by a case it decides."""

import pytest

from flowtly_mcp.search import Entry, ToolIndex, rank

TOOLS = [
    Entry("delete_invoice", "Delete invoice", "Delete an invoice (asks for confirmation).", "invoices"),
    Entry(
        "delete_budget_invoice",
        "Delete invoice charged to a budget",
        "Delete an invoice charged to a budget.",
        "budgets",
    ),
    Entry("list_invoices", "List invoices", "List invoices, filtered, paginated.", "invoices"),
    Entry("get_invoice", "Get invoice", "Get one invoice.", "invoices"),
    Entry("top_debtors", "Top debtors", "The clients owing the most, per currency.", "workflows", "who owes most"),
    Entry("list_clients", "List clients", "List clients, filtered, paginated.", "clients"),
]


def names(query: str, limit: int | None = None) -> list[str]:
    return [hit.name for hit in rank(TOOLS, query, limit)]


def test_verb_and_noun_agreement_puts_the_plain_tool_first() -> None:
    assert names("delete invoice")[:2] == ["delete_invoice", "delete_budget_invoice"]
    assert names("usuń fakturę")[0] == "delete_invoice"


def test_domain_words_reach_tools_that_never_use_them() -> None:
    assert names("kto nam najwięcej zalega")[0] == "top_debtors"
    assert names("kto nam najwiecej zalega")[0] == "top_debtors"
    assert names("biggest debtors")[0] == "top_debtors"


def test_a_request_without_a_verb_reads_a_list() -> None:
    assert names("invoices")[0] == "list_invoices"


def test_a_spelled_out_name_comes_first() -> None:
    assert names("get_invoice")[0] == "get_invoice"
    assert names("please run list_clients now")[0] == "list_clients"


def test_each_hit_says_why_it_matched() -> None:
    first = rank(TOOLS, "who owes us the most")[0]
    assert first.name == "top_debtors"
    # "owes" means debtor and "most" means top: both reach the name through the vocabulary.
    assert first.why == "name: owes, most"
    assert rank(TOOLS, "get_invoice")[0].why.startswith("exact name: get_invoice")


def test_nothing_matches_nothing() -> None:
    assert rank(TOOLS, "zanzibar weather") == []
    assert rank(TOOLS, "the of and") == []


def test_ranking_is_deterministic_and_limited() -> None:
    index = ToolIndex(TOOLS)
    first = index.search("invoice", 3)
    assert len(first) == 3
    assert all(index.search("invoice", 3) == first for _ in range(5))
    assert [hit.name for hit in ToolIndex(reversed(TOOLS)).search("invoice", 3)] == [hit.name for hit in first]


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ValueError, match="own name"):
        ToolIndex([TOOLS[0], TOOLS[0]])

"""Folding and stemming: Polish with or without diacritics, and inflected forms, meet on one word."""

from flowtly_mcp.search.text import fold, stem, words
from flowtly_mcp.search.vocabulary import concepts


def test_fold_removes_diacritics_including_l_stroke() -> None:
    assert fold("Zaległość ŻÓŁW ęą") == "zaleglosc zolw ea"


def test_inflections_of_one_polish_noun_share_a_stem() -> None:
    forms = ["faktura", "faktury", "fakturę", "fakturach", "fakturami", "faktur"]
    assert {stem(fold(form)) for form in forms} == {"faktur"}


def test_english_plural_and_singular_share_a_stem() -> None:
    assert stem("invoices") == stem("invoice")
    assert stem("counterparties") == stem("counterparty")
    assert stem("dates") == "date"


def test_short_words_and_numbers_are_kept() -> None:
    assert stem("nip") == "nip"
    assert stem("20000") == "20000"


def test_words_drop_stop_words_and_join_single_letter_prefixes() -> None:
    assert words("Who owes us the most?") == ["owes", "most"]
    assert words("send the e-invoice by e-mail") == ["send", "einvoice", "email"]
    assert words("kto nam najwięcej zalega") == ["najwiecej", "zalega"]


def test_polish_words_with_and_without_diacritics_reach_the_same_concepts() -> None:
    for with_marks, without in [("zaległość", "zaleglosc"), ("wyciąg", "wyciag"), ("usuń", "usun")]:
        assert concepts(fold(with_marks)) == concepts(without)
    assert concepts("przeterminowanych") == ("overdue",)
    assert "counterparty" in concepts("kontrahentow")
    assert concepts("wplaty") == concepts("payment")


def test_unknown_words_stand_for_themselves() -> None:
    assert concepts("zanzibar") == ("zanzibar",)

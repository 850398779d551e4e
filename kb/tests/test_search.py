"""Help-centre search per language: PostgreSQL text search with the language's configuration on
accent-folded text, LIKE on SQLite; both ignore accents, case and (Serbian) the script."""

import pytest

from kb import search, selectors

pytestmark = pytest.mark.django_db


def titles(q: str, language: str) -> list[str]:
    return [a.title for a in selectors.search_articles(selectors.public_articles(), q, language=language)]


def test_folding_removes_accents_and_transliterates_serbian_cyrillic():
    assert search.fold("Ελληνικά Κινητό") == "ελληνικα κινητο"
    assert search.fold("Faturação") == "faturacao"
    assert search.fold("Рачун за струју") == "racun za struju"
    assert search.fold("Račun") == "racun"


def test_greek_search_ignores_accents_and_finds_word_forms(write):
    write(
        "Πώς αλλάζω τον κωδικό πρόσβασης", "<p>Ο κωδικός αλλάζει από τις ρυθμίσεις του λογαριασμού.</p>", language="el"
    )
    write("Επιστροφή χρημάτων", "<p>Η επιστροφή γίνεται σε πέντε ημέρες.</p>", language="el")
    assert titles("κωδικος", "el") == ["Πώς αλλάζω τον κωδικό πρόσβασης"]
    assert titles("ΕΠΙΣΤΡΟΦΗ", "el") == ["Επιστροφή χρημάτων"]
    assert titles("λογαριασμ", "el") == ["Πώς αλλάζω τον κωδικό πρόσβασης"]  # a prefix, as typed


def test_portuguese_search_ignores_accents(write):
    write("Segunda via da fatura", "<p>A faturação mensal é enviada por e-mail.</p>", language="pt")
    write("Cancelar a assinatura", "<p>Pode cancelar a qualquer momento.</p>", language="pt")
    assert titles("faturacao", "pt") == ["Segunda via da fatura"]
    assert titles("Faturação mensal", "pt") == ["Segunda via da fatura"]
    assert titles("cancelar", "pt") == ["Cancelar a assinatura"]


def test_serbian_search_ignores_diacritics_and_script(write):
    write("Račun za mobilni telefon", "<p>Račun stiže početkom meseca.</p>", language="sr-latn")
    write("Промена лозинке", "<p>Лозинку мењате у подешавањима.</p>", language="sr")
    assert titles("racun", "sr-latn") == ["Račun za mobilni telefon"]
    assert titles("ПОЧЕТКОМ", "sr-latn") == ["Račun za mobilni telefon"]
    assert titles("lozinke", "sr") == ["Промена лозинке"]
    assert titles("лозинке", "sr") == ["Промена лозинке"]


def test_search_stays_within_the_language(write):
    write("Fatura", language="pt")
    assert titles("fatura", "pt") == ["Fatura"]
    assert titles("fatura", "el") == []


def test_every_word_must_match(write):
    write("Segunda via da fatura", language="pt")
    assert titles("fatura cancelar", "pt") == []
    assert titles("", "pt") == []
    assert titles("!!!", "pt") == []

"""Articles as text: prose paragraphs, sentences with their offsets and reference numbers."""
from __future__ import annotations

import pytest

from kg.draft.text import read_article
from kg.errors import DraftError

TEXT = ("Battle of Somewhere (2024) | |||\n---|---|\nBelligerents | ||\n"
        "On 3 December, rebels took the U.S. base near Town Alpha. [4] Two days later they left. [5] [6]\n"
        "Unrelated line without a reference. Another one follows it. [7]\n")


def test_tables_are_left_out_and_the_title_is_the_first_cell():
    a = read_article(TEXT)
    assert a.title == "Battle of Somewhere (2024)"
    assert len(a.paragraphs) == 2


def test_sentences_carry_exact_offsets_into_the_text():
    a = read_article(TEXT)
    for s in a.sentences:
        assert TEXT[s.start:s.end] == s.text
    assert [s.text for s in a.paragraphs[0]] == [
        "On 3 December, rebels took the U.S. base near Town Alpha. [4]", "Two days later they left. [5] [6]"]


def test_reference_numbers_attach_to_their_sentence_and_blank_out_of_the_clean_text():
    s = read_article(TEXT).paragraphs[0][1]
    assert s.refs == ("5", "6")
    assert "[" not in s.clean and len(s.clean) == len(s.text)


def test_a_sentence_without_a_reference_rests_on_the_next_one_in_its_paragraph():
    first, second = read_article(TEXT).paragraphs[1]
    assert first.refs == second.refs == ("7",)


@pytest.mark.parametrize("text", ["", "   \n\n", "| table | only |\n---|---\n"])
def test_an_article_without_prose_is_refused(text):
    with pytest.raises(DraftError):
        read_article(text)

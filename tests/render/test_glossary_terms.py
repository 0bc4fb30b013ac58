"""Glossary terms link their first use in a module, never inside links, headings or code."""

from __future__ import annotations

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.render.glossary import Term, load_glossary, mark_terms

TERMS = [Term("g0", "social protection", "Protection by society."),
         Term("g1", "social health protection", "Health cover.", ("SHP",)),
         Term("g2", "cooperative", "Owned by members.", ("cooperatives",))]


def test_first_use_of_each_term_is_marked_longest_form_first() -> None:
    page = ("<h2>social protection</h2><p>Social health protection and social protection; "
            "social protection again. Two cooperatives &amp; a <a href='#x'>cooperative</a>"
            "</p><pre>cooperative</pre>")
    marked = mark_terms(page, TERMS)
    assert marked.count('href="term:g1">Social health protection</a>') == 1
    assert marked.count('href="term:g0">social protection</a>') == 1
    assert "<h2>social protection</h2>" in marked  # headings untouched
    assert 'href="term:g2">cooperatives</a>' in marked
    assert "<a href='#x'>cooperative</a>" in marked and "<pre>cooperative</pre>" in marked
    assert "&amp;" in marked  # entities kept as they were


def test_words_inside_other_words_are_not_terms() -> None:
    assert mark_terms("<p>antisocial protectionism</p>", TERMS) == \
        "<p>antisocial protectionism</p>"


def test_the_sample_glossary_loads_in_each_language(campus: Campus) -> None:
    campus.ensure_sample_course()
    view = campus.course(SAMPLE_COURSE)
    for language in ("en", "fr", "es"):
        terms = load_glossary(view, language)
        assert len(terms) == 39 and all(t.definition for t in terms)
    assert load_glossary(view, "de") == load_glossary(view, "en")  # default language
    html = view.render_module("social-exclusion", "fr").html
    assert 'class="term"' in mark_terms(html, load_glossary(view, "fr"))

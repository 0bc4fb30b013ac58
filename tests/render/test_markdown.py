from __future__ import annotations

from pathlib import Path

import pytest

from stepcampus.render.markdown import TocEntry, render_markdown, render_module_file

from .htmltree import find, parse, urls

MODULE = "en/social-exclusion.md"
FILES = frozenset(
    {
        "course.yaml",
        "media/cycle.svg",
        "media/my photo.png",
        "en/social-exclusion.md",
        "en/social-health-protection.md",
        "en/glossary.yaml",
        "en/quizzes/social-exclusion.gift",
    }
)


def render(body: str, **kwargs: object) -> str:
    kwargs.setdefault("module_path", MODULE)
    return render_markdown(body, **kwargs).html  # type: ignore[arg-type]


# --- extensions ---------------------------------------------------------------------------


def test_table_with_alignment_without_style() -> None:
    html = render("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    (table,) = find(html, "table")
    assert [c.text for c in find(html, "th")] == ["a", "b"]
    assert [c.attrs.get("align") for c in find(html, "td")] == ["left", "right"]
    assert "style" not in html
    assert table.attrs["id"]


def test_footnote() -> None:
    html = render("Claim[^1].\n\n[^1]: The source.\n")
    (sup,) = find(html, "sup")
    assert sup.attrs["id"] == "fnref:1"
    ref, back = find(html, "a")
    assert ref.attrs["href"] == "#fn:1"
    assert back.attrs["href"] == "#fnref:1"
    notes = [d for d in find(html, "div") if "footnote" in d.attrs.get("class", "")]
    assert notes and "The source." in notes[0].text
    assert any(li.attrs.get("id") == "fn:1" for li in find(html, "li"))


def test_admonition() -> None:
    html = render('!!! note "Remember"\n    Coverage is not the same as adequacy.\n')
    (div,) = find(html, "div")
    assert div.attrs["class"].split() == ["admonition", "note"]
    title, body = find(html, "p")
    assert "admonition-title" in title.attrs["class"]
    assert title.text == "Remember"
    assert body.text == "Coverage is not the same as adequacy."


def test_attr_list_class_and_id_kept() -> None:
    html = render("## Case study: Ana { .case-study }\n\nA paragraph.\n{: #intro .lead }\n")
    (h2,) = find(html, "h2")
    assert h2.attrs["class"] == "case-study"
    (p,) = find(html, "p")
    assert p.attrs["id"] == "intro"
    assert p.attrs["class"] == "lead"


def test_toc_ids_unique_and_slugified() -> None:
    rendered = render_markdown(
        "# Social exclusion\n\n## Causes & effects\n\n## Causes & effects\n\n### Protección\n"
    )
    assert rendered.toc == [
        TocEntry(1, "social-exclusion", "Social exclusion"),
        TocEntry(2, "causes-effects", "Causes & effects"),
        TocEntry(2, "causes-effects_1", "Causes & effects"),
        TocEntry(3, "proteccion", "Protección"),
    ]
    heading_ids = [el.attrs["id"] for el in parse(rendered.html)[1] if el.tag[0] == "h"]
    assert heading_ids == [entry.id for entry in rendered.toc]
    assert "¶" not in rendered.html  # no permalinks


def test_def_list_fenced_code_and_sane_lists() -> None:
    html = render(
        "Coverage\n:   Who is protected.\n\n```python\nx = 1 < 2\n```\n\n3. three\n4. four\n"
    )
    assert [e.text for e in find(html, "dt")] == ["Coverage"]
    assert [e.text for e in find(html, "dd")] == ["Who is protected."]
    (code,) = find(html, "code")
    assert code.attrs["class"] == "language-python"
    assert code.text == "x = 1 < 2\n"
    (ol,) = find(html, "ol")
    assert ol.attrs["start"] == "3"


def test_md_in_html_is_not_enabled() -> None:
    html = render('<div markdown="1">\n*not emphasis*\n</div>\n')
    assert not find(html, "em")


# --- ids and anchors --------------------------------------------------------------------------


BLOCKS = """\
# Title

First paragraph.

- item one
- item two

1. first

> quoted

| a |
|---|
| 1 |

!!! tip
    Inside.

```
code
```

Term
:   Definition

Last paragraph.
"""


def test_every_top_level_block_has_an_id_and_anchors_are_in_order() -> None:
    rendered = render_markdown(BLOCKS)
    root, elements = parse(rendered.html)
    top = [c for c in root.children if not isinstance(c, str)]
    assert [el.tag for el in top] == [
        "h1", "p", "ul", "ol", "blockquote", "table", "div", "pre", "dl", "p",
    ]  # fmt: skip
    assert all(el.attrs.get("id") for el in top)
    ids = [el.attrs["id"] for el in elements if "id" in el.attrs]
    assert len(ids) == len(set(ids))
    # Every paragraph, heading, list item and table is an anchor, in document order.
    anchored = {"p", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
    must = [el.attrs["id"] for el in elements if el.tag in anchored or el in top]
    assert rendered.anchors == must
    assert rendered.anchors == [i for i in ids if i in set(rendered.anchors)]


def test_generated_ids_are_stable_and_avoid_author_ids() -> None:
    body = "First.\n\nSecond.\n{: #p-1 }\n\n## p-2\n"
    first = render_markdown(body)
    assert first == render_markdown(body)
    ids = [el.attrs["id"] for el in parse(first.html)[1] if "id" in el.attrs]
    assert len(ids) == len(set(ids))
    assert "p-1" in ids and "p-2" in ids


def test_duplicate_author_ids_are_made_unique() -> None:
    html = render("One.\n{: #same }\n\nTwo.\n{: #same }\n")
    ids = [p.attrs["id"] for p in find(html, "p")]
    assert ids[0] == "same"
    assert len(set(ids)) == 2


# --- hostile input ----------------------------------------------------------------------------


def assert_no_active_content(html: str) -> None:
    _, elements = parse(html)
    forbidden = {"script", "iframe", "object", "embed", "form", "input", "svg", "base", "meta",
                 "link", "style", "math", "textarea"}  # fmt: skip
    assert not [el.tag for el in elements if el.tag in forbidden]
    for el in elements:
        for name in el.attrs:
            assert not name.startswith("on"), (el.tag, name)
            assert name != "style"
    for url in urls(html):
        assert url.startswith(("#", "pkg:", "module:")), url


@pytest.mark.parametrize(
    ("body", "gone"),
    [
        ("<script>alert('x')</script>Safe", "alert"),
        ('<img src="x.png" onerror="alert(1)">', "alert"),
        ("[click](javascript:alert(1))", "alert"),
        ("[click](JaVaScRiPt:alert(1))", "alert"),
        ('<a href="JAVASCRIPT:alert(1)">click</a>', "alert"),
        ("[click](&#106;avascript:alert(1))", "alert"),
        ('<a href="&#x6A;&#x61;vascript&colon;alert(1)">click</a>', "alert"),
        ('<a href="jav&#x09;ascript:alert(1)">click</a>', "alert"),
        ("![pic](data:image/png;base64,iVBORw0KGgo=)", "base64"),
        ("![pic](http://evil.example/p.png)", "evil"),
        ("![pic](HTTPS://evil.example/p.png)", "evil"),
        ("[site](https://evil.example/)", "evil"),
        ("[site](ftp://evil.example/)", "evil"),
        ("[file](file:///etc/passwd)", "passwd"),
        ("[mail](mailto:someone@evil.example)", "evil"),
        ("[proto](//evil.example/x)", "evil"),
        ("[proto](\\\\evil.example\\x)", "evil"),
        ('<a href="/etc/passwd">abs</a>', "passwd"),
        ('<iframe src="https://evil.example/"></iframe>Text', "evil"),
        ('<svg onload="alert(1)"><circle r="1"/></svg>Text', "alert"),
        ('<a href="../../etc/passwd">passwd</a>', "etc/"),
        ("[esc](../../../media/cycle.svg)", "media"),
        ("[esc](%2e%2e/%2e%2e/etc/passwd)", "passwd"),
        ("<style>body { display: none }</style>Text", "display"),
        ('<p style="position:fixed;top:0">covered</p>', "position"),
        ('<object data="x.swf"></object><embed src="x.swf">Text', "swf"),
        ('<form action="https://evil.example"><input name="pw"></form>Text', "evil"),
        ('<base href="https://evil.example/"><meta http-equiv="refresh">Text', "evil"),
        ('<link rel="stylesheet" href="https://evil.example/s.css">Text', "evil"),
        ("[sneaky](pkg:../../secret)", "secret"),
        ("[sneaky](module:x)", "module:"),
    ],
)
def test_hostile_input_is_neutralised(body: str, gone: str) -> None:
    html = render(body, package_files=FILES)
    assert_no_active_content(html)
    assert gone not in html.lower()


def test_removed_link_keeps_text_and_removed_image_becomes_alt() -> None:
    html = render("See [the site](https://example.org) and ![A cycle](http://x/cycle.png).")
    assert not find(html, "a")
    assert not find(html, "img")
    (span,) = find(html, "span")
    assert span.attrs["class"] == "missing-image"
    assert span.text == "A cycle"
    (p,) = find(html, "p")
    assert p.text == "See the site and A cycle."


def test_alt_text_of_removed_image_is_escaped() -> None:
    html = render('<img src="javascript:x" alt="<b onclick=alert(1)>hi</b>">')
    (span,) = find(html, "span")
    assert span.text == "<b onclick=alert(1)>hi</b>"
    assert not find(html, "b")


def test_link_to_file_missing_from_package_is_removed() -> None:
    html = render(
        "[gone](../media/missing.pdf) ![lost](../media/lost.png) [m](no-such-module.md)",
        package_files=FILES,
    )
    assert not find(html, "a")
    assert [s.text for s in find(html, "span")] == ["lost"]
    assert "gone" in html and "m" in html


# --- kept URLs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "url"),
    [
        ("![c](../media/cycle.svg)", "pkg:media/cycle.svg"),
        ("![c](./../media/./cycle.svg)", "pkg:media/cycle.svg"),
        ("![c](<../media/my photo.png>)", "pkg:media/my%20photo.png"),
        ("![c](../media/my%20photo.png)", "pkg:media/my%20photo.png"),
        ("[q](quizzes/social-exclusion.gift)", "pkg:en/quizzes/social-exclusion.gift"),
        ("[m2](social-health-protection.md)", "module:social-health-protection"),
        ("[m2](social-health-protection.md#causes)", "module:social-health-protection#causes"),
        ("[m2](../en/social-health-protection.md)", "module:social-health-protection"),
        ("[here](#causes)", "#causes"),
        ("[g](glossary.yaml?v=2#top)", "pkg:en/glossary.yaml#top"),
    ],
)
def test_kept_urls_are_rewritten(markdown: str, url: str) -> None:
    html = render(markdown, package_files=FILES)
    assert urls(html) == [url]


def test_without_package_files_only_containment_is_checked() -> None:
    html = render("![c](../media/anything.png) [outside](../../outside.png)")
    assert urls(html) == ["pkg:media/anything.png"]
    assert find(html, "p")[0].text.strip() == "outside"  # the link text survives


def test_link_modules_decides_module_links() -> None:
    modules = {"en/social-health-protection.md": "health", "fr/only-in-en.md": "only-in-en"}
    html = render(
        "[a](social-health-protection.md#x) [b](only-in-en.md) [c](facilitator/notes.md)",
        module_path="fr/m.md",
        package_files=FILES,
        link_modules=modules,
    )
    assert urls(html) == ["module:only-in-en"]
    html = render("[a](social-health-protection.md#x)", link_modules=modules)
    assert urls(html) == ["module:health#x"]


def test_links_to_folders_are_removed() -> None:
    assert urls(render("[a](./) [b](../media/) [c](..) [d](.)")) == []


def test_module_at_package_root() -> None:
    assert urls(render_markdown("![c](media/cycle.svg) [x](../up.png)").html) == [
        "pkg:media/cycle.svg"
    ]


# --- whole files ------------------------------------------------------------------------------


def make_package(root: Path) -> Path:
    (root / "media").mkdir(parents=True)
    (root / "en").mkdir()
    (root / "media" / "cycle.svg").write_text("<svg/>", encoding="utf-8")
    module = root / "en" / "social-exclusion.md"
    module.write_bytes(
        "\ufeff---\r\ntitle: Social exclusion\r\nduration: 60\r\n---\r\n"
        "# Exclusion\r\n\r\n![Cycle](../media/cycle.svg) ![Gone](../media/gone.png)\r\n"
        "[Next](social-health-protection.md)\r\n".encode()
    )
    return module


def test_render_module_file_with_package_root(tmp_path: Path) -> None:
    module = make_package(tmp_path / "course")
    result = render_module_file(module, tmp_path / "course")
    assert result.meta == {"title": "Social exclusion", "duration": 60}
    assert result.module_path == "en/social-exclusion.md"
    assert result.body_line == 5
    assert result.toc == [TocEntry(1, "exclusion", "Exclusion")]
    assert urls(result.html) == ["pkg:media/cycle.svg"]  # next module does not exist
    assert [s.text for s in find(result.html, "span")] == ["Gone"]


def test_render_module_file_without_package_root(tmp_path: Path) -> None:
    module = make_package(tmp_path / "course")
    result = render_module_file(module)
    assert result.module_path == "social-exclusion.md"
    # The module's folder is the root, so ../media escapes it.
    assert urls(result.html) == ["module:social-health-protection"]

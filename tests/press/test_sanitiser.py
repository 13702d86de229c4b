"""The Markdown sanitiser: whatever is typed, no script, no event handler, no javascript: link
reaches a reader; and writing raw HTML is refused with a clear message."""

from html.parser import HTMLParser

import pytest

from eventhub.core.text import html_in_markdown, markdown_to_html

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "text <script>alert(1)</script> inline",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="#" onclick="alert(1)">click</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '![img](x.png "title" onerror=alert(1))',
    "<javascript:alert(1)>",
    '[ref]\n\n[ref]: javascript:alert(1) "t"',
    "**bold** <b onmouseover=alert(1)>hover</b>",
    '<p title="x" onfocus="alert(1)" autofocus>x</p>',
    "```html\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "<object data=javascript:alert(1)></object>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
]


class _Tags(HTMLParser):
    """Every element and attribute a browser would build from the output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize("source", HOSTILE)
def test_sanitised_html_has_no_script_handler_or_dangerous_link(source) -> None:
    html = markdown_to_html(source)
    elements = _elements(html)
    tags = {tag for tag, _ in elements}
    assert not tags & {"script", "iframe", "object", "embed", "form", "svg", "math", "style", "meta", "base", "img"}
    for tag, attrs in elements:
        assert not [a for a in attrs if a.startswith("on")], f"event handler kept on <{tag}>: {html}"
        assert "style" not in attrs
        for name in ("href", "src", "action", "data"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), f"{name}={value!r} kept: {html}"


def test_safe_markdown_keeps_its_meaning() -> None:
    html = markdown_to_html(
        "**Цели:**\n\n1. один\n2. два\n\n[сайт](https://example.org) и [почта](mailto:a@b.kg), [звонок](tel:+996702174107)"
    )
    assert "<strong>Цели:</strong>" in html
    assert "<ol>" in html and "<li>два</li>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">сайт</a>' in html
    assert 'href="mailto:a@b.kg"' in html and 'href="tel:+996702174107"' in html


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("Текст <b>жирный</b>", ["<b>", "</b>"]),
        ("<div>\nблок\n</div>", ["<div>\nблок\n</div>"]),
        ("<script>alert(1)</script>", ["<script>alert(1)</script>"]),
        ("Код `<b>` в обратных кавычках", []),
        ("```\n<div>пример</div>\n```", []),
        ("a < b и c > d", []),
        ("<https://example.org>", []),
    ],
)
def test_raw_html_in_markdown_is_found_outside_code(source, found) -> None:
    assert html_in_markdown(source) == found

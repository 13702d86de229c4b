"""Page weight of every public page of the demo data: the HTML as sent (plain, gzip, Brotli)
and the one stylesheet, the only other thing a page loads. Event pages stay under 100 KB
before images, counted uncompressed with the stylesheet. Prints the table (run with -s, or
read it in the captured output of the test)."""

from xml.etree import ElementTree

import pytest

BUDGET = 100 * 1024
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sizes(client, path: str) -> tuple[int, int, int]:
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200, path
    sent = []
    for coding in ("gzip", "br"):
        response = client.get(path, headers={"Accept-Encoding": coding})
        sent.append(int(response.headers["content-length"]))
    return len(plain.content), sent[0], sent[1]


def test_page_weight_of_every_public_page(client, demo, capsys: pytest.CaptureFixture) -> None:
    tree = ElementTree.fromstring(client.get("/sitemap.xml").content)
    paths = [loc.text.removeprefix("http://testserver") for loc in tree.findall("sm:url/sm:loc", NS)]
    [css_href] = [
        line.split('href="')[1].split('"')[0]
        for line in client.get("/").text.splitlines()
        if 'rel="stylesheet"' in line
    ]
    css = sizes(client, css_href)

    rows = [(path, *sizes(client, path)) for path in paths]

    width = max(len(p) for p, *_ in rows)
    lines = [
        f"{'page':<{width}}  {'html':>7}  {'gzip':>6}  {'br':>6}  {'+css':>7}",
        f"{'(stylesheet ' + css_href + ')':<{width}}  {css[0]:>7}  {css[1]:>6}  {css[2]:>6}",
    ]
    lines += [f"{p:<{width}}  {h:>7}  {g:>6}  {b:>6}  {h + css[0]:>7}" for p, h, g, b in rows]
    with capsys.disabled():
        print("\n\npage weight in bytes (html as sent: plain, gzip, br; +css: plain html plus the stylesheet)")
        print("\n".join(lines))
    events = [(p, h) for p, h, *_ in rows if p.startswith("/events/")]
    assert len(events) == 8  # four demo events, each with its programme
    heavy = {p: h + css[0] for p, h in events if h + css[0] >= BUDGET}
    assert heavy == {}
    assert all(g < h / 2 and b <= g for _, h, g, b in rows)

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.text.convert import (
    SUPPORTED_SUFFIXES,
    ConversionError,
    decode_upload,
    guess_format,
    html_to_text,
    markdown_to_text,
    to_text,
)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Site name</title>
<style>p { color: red }</style><script>var tracking = "fbq";</script></head>
<body class="post">
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article data-id="7">
  <h1 class="title">Tom &amp; Jerry&#x2019;s &quot;war&quot;</h1>
  <p style="x">First   paragraph,
     wrapped in the <em>source</em>&nbsp;file.</p>
  <div><div>Nested <span onclick="evil()">block</span></div><p>Inner paragraph.</p></div>
  <ul><li>One</li><li>Two <a href="https://example.com">link</a></li></ul>
  <script>document.write("<p>injected</p>")</script>
  <noscript>Enable JavaScript</noscript><template><p>hidden</p></template>
  <p>Line one<br>line two</p>
</article></body></html>"""


def test_html_keeps_visible_text_as_paragraphs():
    assert html_to_text(PAGE).split("\n") == [
        'Tom & Jerry’s "war"',
        "First paragraph, wrapped in the source file.",
        "Nested block",
        "Inner paragraph.",
        "One",
        "Two link",
        "Line one",
        "line two",
    ]


def test_html_drops_scripts_styles_head_and_markup():
    text = html_to_text(PAGE)
    for leaked in ("tracking", "color", "Site name", "Home", "injected", "JavaScript", "hidden"):
        assert leaked not in text
    assert "<" not in text and ">" not in text and "onclick" not in text


def test_html_body_starts_even_without_closing_head():
    assert html_to_text("<head><title>T</title><p>Body text") == "Body text"


def test_html_table_rows_are_paragraphs():
    html = "<table><tr><th>Year</th><th>Users</th></tr><tr><td>2025</td><td>3.4m</td></tr></table>"
    assert html_to_text(html) == "Year Users\n2025 3.4m"


html_soup = st.lists(
    st.sampled_from([*"<>/!-[]&;#=\"' \nabpx", "<p>", "</p>", "<script>", "<![", "&amp", "<!--"])
    | st.characters(),
    max_size=80,
).map("".join)


@given(html_soup)
def test_malformed_html_never_crashes_and_yields_clean_lines(html):
    text = html_to_text(html)
    assert all(
        line and line == line.strip() and "  " not in line for line in text.split("\n") if text
    )


def test_markdown_becomes_plain_paragraphs():
    md = (
        "# The *big* heading\n\n"
        "A paragraph with **strong** text, `code` and a [link](https://example.com)\n"
        "that is soft-wrapped.\n\n"
        "- first item\n- second item\n\n"
        "1. numbered\n\n"
        "> quoted\n\n"
        "<script>alert(1)</script>\n"
    )
    assert markdown_to_text(md).split("\n") == [
        "The big heading",
        "A paragraph with strong text, code and a link that is soft-wrapped.",
        "first item",
        "second item",
        "numbered",
        "quoted",
    ]


def test_to_text_dispatches_on_format():
    assert to_text("<p>a</p><p>b</p>", fmt="html") == "a\nb"
    assert to_text("*a*\n\nb", fmt="markdown") == "a\nb"
    assert to_text("<p>kept</p>", fmt="text") == "<p>kept</p>"
    with pytest.raises(ConversionError):
        to_text("x", fmt="pdf")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.txt", "text"),
        ("A.MD", "markdown"),
        ("b.markdown", "markdown"),
        ("c.html", "html"),
        ("d.HTM", "html"),
    ],
)
def test_guess_format(name, fmt):
    assert guess_format(name) == fmt


@pytest.mark.parametrize("name", ["report.pdf", "notes", "archive.tar.gz"])
def test_guess_format_refuses_other_files(name):
    with pytest.raises(ConversionError, match="not supported"):
        guess_format(name)


def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".markdown", ".html", ".htm"}


def test_decode_upload_accepts_utf8_with_or_without_bom():
    assert decode_upload("Grüße".encode(), max_bytes=100) == "Grüße"
    assert decode_upload(b"\xef\xbb\xbfHi", max_bytes=100) == "Hi"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b" \n\t\r\n", "empty"),
        (b"\xef\xbb\xbf  ", "empty"),
        (b"text\x00with NUL", "binary"),
        (bytes(range(1, 32)) * 4, "binary"),
        ("Grüße".encode("latin-1"), "not UTF-8"),
        ("Hello".encode("utf-16"), "UTF-16"),
    ],
)
def test_decode_upload_refuses_with_a_reason(data, message):
    with pytest.raises(ConversionError, match=message):
        decode_upload(data, max_bytes=1000)


def test_decode_upload_refuses_oversized_files():
    limit = 2 * 1024 * 1024
    assert decode_upload(b"a" * limit, max_bytes=limit)
    with pytest.raises(ConversionError, match=r"File is larger than 2\.0 MB"):
        decode_upload(b"a" * (limit + 1), max_bytes=limit)

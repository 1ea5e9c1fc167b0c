import hashlib

from hypothesis import given
from hypothesis import strategies as st

from annotations.text.normalise import content_hash, normalise


def test_line_ends_become_newlines():
    assert normalise("one\r\ntwo\rthree\nfour") == "one\ntwo\nthree\nfour"


def test_composes_to_nfc():
    assert normalise("cafe\u0301") == "café"
    assert len(normalise("e\u0301")) == 1


def test_trims_line_ends_and_outer_blank_lines_only():
    text = "\n \n\t\n  Title \t\n\nBody  text.  \n  indented\t\n\n \n"
    assert normalise(text) == "  Title\n\nBody  text.\n  indented"


def test_strips_a_leading_byte_order_mark():
    assert normalise("\ufeffHello") == "Hello"
    assert normalise("\ufeff\n\ufeffHello\ufeff") == "Hello\ufeff"


@given(st.text())
def test_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_result_has_no_carriage_returns_or_trailing_blanks(text):
    result = normalise(text)
    assert "\r" not in result
    assert all(line == line.rstrip(" \t") for line in result.split("\n"))
    assert result == "" or (result.split("\n")[0].strip() and result.split("\n")[-1].strip())


def test_content_hash_ignores_what_normalising_removes():
    assert content_hash("Hello  \r\nworld\n\n") == content_hash("Hello\nworld")
    assert content_hash("Hello\nworld") != content_hash("Hello\nWorld")
    assert content_hash("café") == hashlib.sha256("café".encode()).hexdigest()

from annotations.text.mentions import find_mentions, render_with_mentions

LINKS = {"ada": "/users/ada/", "grace.h": "/users/grace.h/"}


def test_mentions_are_found_in_text_once_each_ignoring_case():
    assert find_mentions("@ada and @Ada, then @grace.h. And @ada again") == ["ada", "grace.h"]


def test_code_links_and_email_addresses_are_not_mentions():
    body = "`@ada` and\n\n    @grace\n\n[@tim](https://example.org) or write to ada@example.org"
    assert find_mentions(body) == []


def test_known_mentions_become_links_and_the_rest_stays_text():
    html = render_with_mentions("Hi @Ada and @bob; cc @grace.h.", LINKS)
    assert html == (
        '<p>Hi <a href="/users/ada/" class="mention" rel="nofollow noopener noreferrer">@Ada</a> and @bob; cc '
        '<a href="/users/grace.h/" class="mention" rel="nofollow noopener noreferrer">@grace.h</a>.</p>\n'
    )


def test_mentions_inside_code_or_links_are_left_alone():
    html = render_with_mentions("`@ada` [@ada](https://example.org)", LINKS)
    assert 'class="mention"' not in html and "<code>@ada</code>" in html


def test_the_body_is_still_sanitised():
    html = render_with_mentions('<script>alert(1)</script> [x](javascript:alert(1)) @ada', LINKS)
    assert "<script>" not in html and 'href="javascript' not in html and 'class="mention"' in html


def test_an_empty_body_renders_nothing_and_mentions_work_in_lists_and_quotes():
    assert render_with_mentions("  \n", LINKS) == ""
    html = render_with_mentions("- @ada\n\n> @grace.h said", LINKS)
    assert html.count('class="mention"') == 2

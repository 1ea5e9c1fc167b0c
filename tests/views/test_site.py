"""What every page relies on: the site icon and the navigation around the content."""
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == static("favicon.svg")
    icon = finders.find("favicon.svg")
    assert icon and "<svg" in Path(icon).read_text(encoding="utf-8")


def test_every_page_names_its_icon_and_its_layout_styles(client):
    html = client.get("/").content.decode()
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in html
    assert static("css/layout.css") in html


def test_the_navigation_has_a_menu_button_for_narrow_screens(client):
    html = client.get("/").content.decode()
    assert 'aria-controls="nav-menu"' in html and 'aria-expanded="false"' in html and 'id="nav-menu"' in html

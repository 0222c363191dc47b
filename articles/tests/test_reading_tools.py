"""The article page's reading tools as HTML; what they do in a browser is in test_browser_reading.py."""

import pytest

pytestmark = pytest.mark.django_db


def test_reading_tools_are_hidden_until_javascript_shows_them(client, demo):
    """The text-size and share buttons are in the page but hidden, and the script that shows
    them is a deferred static file: no inline script, handler or style under the strict CSP."""
    html = client.get(demo.get_absolute_url()).content.decode()
    assert 'src="/static/js/article-tools.js" defer' in html
    tools = html[html.index("data-article-tools") :]
    tools = tools[: tools.index("data-tools-status")]
    assert tools.index(" hidden>") < tools.index("글자 작게")
    for label in ("글자 작게", "글자 크게", "공유", "링크 복사"):
        assert label in tools
    assert "onclick" not in html and "style=" not in html

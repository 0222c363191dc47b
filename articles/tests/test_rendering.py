import pytest

from articles.rendering import render_markdown

ATTACKS = [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    "[눌러 보세요](javascript:alert(1))",
    '<a href="javascript:alert(1)">링크</a>',
    "[데이터](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="position:fixed">덮어쓰기</p>',
    '"><svg onload=alert(1)>',
    '<a href="#" onclick="steal()">클릭</a>',
]


@pytest.mark.parametrize("payload", ATTACKS)
def test_markdown_body_never_carries_script(payload):
    """Whatever an editor pastes, readers get no script, handler, javascript:/data: URL, iframe or style."""
    html = render_markdown(f"문단입니다.\n\n{payload}\n\n끝.").lower()
    for forbidden in [
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "data:",
        "<iframe",
        "style=",
        "<svg",
    ]:
        assert forbidden not in html, (forbidden, html)
    assert "문단입니다." in html


def test_subheadings_get_anchors():
    """`##` sub-headings become h2 headings with a Korean id and a permalink."""
    html = render_markdown("도입\n\n## 라마4, 뭐가 문제였길래?\n\n본문")
    assert '<h2 id="라마4-뭐가-문제였길래">' in html
    assert 'href="#라마4-뭐가-문제였길래"' in html


def test_ordinary_markdown_survives():
    """Bold, lists, quotes and web links still render for readers."""
    html = render_markdown("**굵게** 와 [링크](https://aipick.kr)\n\n- 하나\n- 둘\n\n> 인용")
    assert "<strong>굵게</strong>" in html
    assert 'href="https://aipick.kr"' in html and "nofollow" in html
    assert "<ul>" in html and "<blockquote>" in html

from html.parser import HTMLParser


class _TextParser(HTMLParser):
    SKIP = {"script", "style", "title", "svg"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def page_text(response) -> str:
    """The text a reader sees, whitespace collapsed."""
    parser = _TextParser()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def assert_in_order(text: str, labels: list[str]) -> None:
    position = -1
    for label in labels:
        found = text.find(label, position + 1)
        assert found != -1, f"{label!r} missing after position {position}"
        position = found

"""An uploaded HTML page reduced to its text, safely: parsed, never run nor rendered.

The standard library's ``html.parser`` reads the markup; scripts, styles and other
non-text elements are dropped with their content, block elements end a paragraph, and
character references are decoded. What comes out is plain text, which the source stores
(normalized) and which quotes are checked against.
"""

import re
from html.parser import HTMLParser

#: Elements whose content is not text a reader sees.
SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object"}
)
#: Elements that begin or end a paragraph of their own.
BLOCKS = frozenset(
    {
        *("p", "div", "section", "article", "header", "footer", "aside", "main", "nav"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd"),
        *("blockquote", "pre", "table", "tr", "figure", "figcaption", "hr", "title", "form"),
    }
)
VOID_SKIPPED = frozenset({"br"})


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        self.in_title = self.in_title or tag == "title"
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag in VOID_SKIPPED:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in VOID_SKIPPED:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.in_title = self.in_title and tag != "title"
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        if not self.skipping:
            self.parts.append(data)


def html_parts(markup: str) -> tuple[str, str]:
    """(the page's title, the text a reader sees): paragraphs separated by a blank line,
    spaces within a line collapsed; the title is the head's, not part of the text."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    title = " ".join("".join(parser.title).split())
    paragraphs = []
    for block in re.split(r"\n\s*\n", "".join(parser.parts)):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return title, "\n\n".join(paragraphs)

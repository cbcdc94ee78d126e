"""A reusable python-docx document for the exports (visits, minutes).

python-docx's Document() (reading its default package) and its style-by-name lookups are
most of a DOCX export's cost, so each thread keeps one document per kind, emptied between
exports, with its style ids resolved once (`DocxDoc.for_thread`).
"""

from __future__ import annotations

import threading

from cintui.export.plan import _docx_text

_local = threading.local()


class DocxDoc:
    """An A4 document (18 mm margins, 11 pt) titled `TITLE`, with the ids of `STYLES`."""

    TITLE = ""
    STYLES: tuple[str, ...] = ("Title", "Heading 1", "Heading 2", "List Bullet", "Table Grid")

    def __init__(self) -> None:
        from docx import Document
        from docx.shared import Mm, Pt

        d = Document()
        section = d.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)  # A4
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(18))
        d.styles["Normal"].font.size = Pt(11)
        props = d.core_properties
        props.author = props.last_modified_by = props.comments = props.keywords = ""
        props.title = self.TITLE
        self.document = d
        self.style = {name: d.styles[name].style_id for name in self.STYLES}

    @classmethod
    def for_thread(cls):
        """This thread's document of this kind, emptied."""
        key = f"doc_{cls.__module__}_{cls.__qualname__}"
        doc = getattr(_local, key, None)
        if doc is None:
            doc = cls()
            setattr(_local, key, doc)
        doc.clear()
        return doc

    def clear(self) -> None:
        body = self.document.element.body
        for child in list(body)[:-1]:  # keep the section properties, last
            body.remove(child)

    def para(self, text: str = "", style: str | None = None):
        p = self.document.add_paragraph(_docx_text(text))
        if style:
            p._p.style = self.style[style]
        return p


__all__ = ["DocxDoc"]

"""The one way a BPMN or DMN file is parsed, for every reader: validation, the import check, the modeler's diff, the
auditor's viewer and SpiffWorkflow's own parser (engine/spiff.py hands it our tree, never the text).

A diagram never needs a DTD. A DOCTYPE is refused outright: with its internal entities a file can show one text to
a reader that leaves entities alone and another to one that expands them (an expression hidden from the deploy
check), or grow without bound when expanded. Entities are not resolved and nothing is fetched from the network.
Reasons are Dutch (engine/definitions/messages_nl.py), with the line and column where the parser stopped.
"""
from __future__ import annotations

import re

from lxml import etree

from engine.definitions.messages_nl import xml_error_nl

__all__ = ["DiagramXmlError", "parse_diagram", "DOCTYPE_REFUSED"]

DOCTYPE_REFUSED = ("het bestand bevat een DOCTYPE (DTD); een BPMN- of DMN-bestand mag geen DTD of eigen entiteiten "
                   "bevatten: verwijder de regel <!DOCTYPE ...>")
_DECLARED_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?)\s+encoding=(['\"])[^'\"]*\2")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


class DiagramXmlError(ValueError):
    """A file that is no acceptable diagram XML; `reason` is Dutch, `line`/`column` where known (else None)."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None, detail: str = ""):
        self.reason, self.line, self.column, self.detail = reason, line, column, detail
        where = f"regel {line}, kolom {column}: " if line else ""
        super().__init__(f"{where}{reason}")


def parse_diagram(text: str | bytes, *, remove_comments: bool = False) -> etree._Element:
    """The root element of a BPMN/DMN document; raises DiagramXmlError (Dutch) for malformed XML or any DOCTYPE.
    remove_comments also drops processing instructions: readers that walk the tree see elements only."""
    data = _as_bytes(text)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=remove_comments,
                             remove_pis=remove_comments)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if _DOCTYPE.search(data):  # an entity trick that is also malformed: the DOCTYPE is the reason that counts
            raise DiagramXmlError(DOCTYPE_REFUSED, *_doctype_position(data)) from None
        line, column = _position(exc)
        raise DiagramXmlError(xml_error_nl(_message(exc)), line, column, str(exc)) from None
    except ValueError as exc:  # e.g. lxml refusing a str with an encoding declaration
        raise DiagramXmlError(xml_error_nl(str(exc)), detail=str(exc)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DiagramXmlError(DOCTYPE_REFUSED, *_doctype_position(data))
    return root


def _as_bytes(text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        return text
    if not isinstance(text, str):
        raise DiagramXmlError("het bestand is geen tekst")
    # lxml refuses a str carrying an encoding declaration; the text is decoded already, so UTF-8 it is.
    return _DECLARED_ENCODING.sub(r"\1", text, count=1).encode("utf-8")


def _position(exc: etree.XMLSyntaxError) -> tuple[int | None, int | None]:
    position = getattr(exc, "position", None)
    if position and position[0]:
        return position[0], position[1]
    return exc.lineno, exc.offset


def _message(exc: etree.XMLSyntaxError) -> str:
    return re.sub(r"(, line \d+)?, column \d+$", "", str(exc.msg or exc)).strip()


def _doctype_position(data: bytes) -> tuple[int | None, int | None]:
    match = _DOCTYPE.search(data)
    if match is None:
        return None, None
    before = data[:match.start()]
    return before.count(b"\n") + 1, match.start() - (before.rfind(b"\n") + 1) + 1

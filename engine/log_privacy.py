"""No BSN in a log: a logging filter that masks anything shaped like a BSN in every log record.

`install()` puts `BsnMaskingFilter` in front of every record the process creates (through the log record factory,
so it also covers records of libraries, of Flask's and waitress's loggers and of handlers added later, such as a test
runner's). The filter masks the message with its arguments, the formatted traceback and the stack: a BSN becomes
`******782` (nine digits standing alone: not part of a longer number, word or hex string).

Two PostgreSQL error texts would otherwise carry a whole row or key into a traceback (`Failing row contains (...)`
and `Key (bsn)=(...)`): their values are left out as well. SQLAlchemy's engines are made with `hide_parameters=True`
(engine/db.py), so a failed statement's parameters (BSN, name, address) never reach an exception text either.
"""
from __future__ import annotations

import logging
import re

BSN_SHAPE = re.compile(r"(?<![0-9A-Za-z])\d{6}(\d{3})(?![0-9A-Za-z])")
_PG_ROW = re.compile(r"(Failing row contains )\(.*\)")
_PG_KEY = re.compile(r"(Key \([^)]*\)=)\((?:[^()]|\([^()]*\))*\)")
_HIDDEN = "(…)"


def mask(text: str) -> str:
    """`text` with every BSN-shaped number masked and PostgreSQL's row and key values left out."""
    if not text:
        return text
    text = _PG_ROW.sub(lambda m: m.group(1) + _HIDDEN, text)
    text = _PG_KEY.sub(lambda m: m.group(1) + _HIDDEN, text)
    return BSN_SHAPE.sub(lambda m: "******" + m.group(1), text)


class BsnMaskingFilter(logging.Filter):
    """Masks a record in place (message, arguments, traceback, stack); never drops one."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_vroeg_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler's own error report, but masked
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        record._vroeg_masked = True
        return True


FILTER = BsnMaskingFilter()


def install() -> None:
    """Mask every log record of this process from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_vroeg_masking", False):
        return

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        FILTER.filter(record)
        return record

    masked_record._vroeg_masking = True
    logging.setLogRecordFactory(masked_record)

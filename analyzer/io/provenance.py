"""Traceability: what every output records so that its numbers can be reproduced.

:class:`Provenance` holds the SHA-256 of each input file, the mapping used to read an export,
the options and regime, and the warnings the user accepted. Commands put
``Provenance.to_dict()`` under the ``provenance`` key of their JSON, on a sheet of their
workbooks, and as a footer of their tables.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from analyzer import __version__
from analyzer.errors import InputWarning


def file_digest(source: str | Path | bytes) -> str:
    """SHA-256 (hex) of a file's bytes or of the bytes given."""
    h = hashlib.sha256()
    if isinstance(source, bytes):
        h.update(source)
    else:
        with open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class InputFile:
    """One input file: its role (``holdings``, ``company``, ...), name and digest."""

    role: str
    name: str
    sha256: str

    def to_dict(self) -> dict:
        return {"role": self.role, "name": self.name, "sha256": self.sha256}


@dataclass(frozen=True)
class Provenance:
    """What produced an output: inputs, mapping, options, accepted warnings, version."""

    inputs: tuple[InputFile, ...] = ()
    mapping: dict | None = None
    options: dict = field(default_factory=dict)
    accepted_warnings: tuple[InputWarning, ...] = ()
    version: str = __version__
    #: blank holdings cells that took their documented default, per column (positions)
    defaults_used: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "analyzer_version": self.version,
            "inputs": [f.to_dict() for f in self.inputs],
            "mapping": self.mapping,
            "options": dict(self.options),
            "accepted_warnings": [w.to_dict() for w in self.accepted_warnings],
            "defaults_used": dict(self.defaults_used),
        }

"""The one error of REFI-QDA exchange: which file, where in it, what is wrong, how to fix it."""

from __future__ import annotations

from wwlib.core.errors import FileError


class QdpxError(FileError):
    """A QDPX or QDC file cannot be read (or written); nothing was changed.

    `file` is the file given, `place` where in it (the zip, a member, a line of project.qde and
    the element), `message` what is wrong and `fix` what would help.
    """

    outcome = "; nothing was changed"

"""The one error of REFI-QDA exchange: which file, where in it, what is wrong, how to fix it."""

from __future__ import annotations

from wwlib.errors import WorkbookError


class QdpxError(WorkbookError):
    """A QDPX or QDC file cannot be read (or written); nothing was changed.

    `file` is the file given, `place` where in it (the zip, a member, a line of project.qde and
    the element), `message` what is wrong and `fix` what would help.
    """

    def __init__(self, file: str, place: str, message: str, fix: str = ""):
        self.file = file
        self.place = place
        self.message = message
        self.fix = fix
        where = f"{file}: {place}" if place else file
        text = f"{where}: {message}; nothing was changed"
        super().__init__(f"{text} ({fix})" if fix else text)

    def __reduce__(self):
        return (QdpxError, (self.file, self.place, self.message, self.fix))

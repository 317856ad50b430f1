"""TranscriptUpload: a participant's .vtt or .docx dropped in the browser, imported for them.

The dashboard's `ww import transcripts DIR FILE --person ID`: the same checks
(`wwlib.transcripts.assign`), the same single transaction (`wwlib.cohorts.assigned`). When a
speaker of the file maps to no one, nothing is stored and a dropdown per such speaker appears,
its closest people first; the next click imports with those choices. Only facilitators import.
"""

from __future__ import annotations

import ipywidgets as ipw

from wwlib.cohorts.assigned import assign_in, store_assigned
from wwlib.core.model import Role
from wwlib.present.render import heading_html
from wwlib.present.workbook import Workbook
from wwlib.transcripts.assign import UnmappedSpeakers, parse_upload
from wwlib.ui.base import USER_ERRORS, Panel, button, field, wrapped
from wwlib.ui.roles import Act, may, read_only_note, refused

ACCEPT = ".vtt,.docx,.txt,.md"


class TranscriptUpload(Panel):
    """A file, the interviewee, and (when needed) who each unknown speaker is; then import."""

    def __init__(self, wb: Workbook, **kwargs):
        super().__init__(wb, **kwargs)
        self.choices: dict[str, ipw.Dropdown] = {}
        upload = ipw.FileUpload(
            accept=ACCEPT, multiple=False, description=self._label("transcripts.upload.file")
        )
        self.upload = field(upload, "ww-upload-file")  # its description is the button's text
        self.person = field(
            ipw.Dropdown(options=self._people_options(Role.PARTICIPANT), value=None),
            "ww-upload-person",
            self._label("transcripts.upload.person"),
        )
        self.speakers = field(ipw.VBox(), "ww-upload-speakers")
        self.send = button(
            self._label("transcripts.upload.import"), "ww-upload-import", self._on_import
        )
        title, help_text = (self._label(f"transcripts.upload.{k}") for k in ("title", "help"))
        heading = ipw.HTML(heading_html(title, help_text))
        form = [wrapped([self.upload, self.person]), self.speakers, self.send, self.status]
        allowed = may(wb, Act.IMPORT_TRANSCRIPTS)
        self.children = [heading, *form] if allowed else [heading, ipw.HTML(read_only_note(wb))]
        self.add_class("ww-transcript-upload")
        self.upload.observe(self._start_over, "value")
        self.person.observe(self._start_over, "value")

    def _start_over(self, _change=None) -> None:
        """Another file or person: the speaker step of the last attempt no longer applies."""
        self.choices = {}
        self.speakers.children = []

    def _on_import(self, _button) -> None:
        if refused(self, Act.IMPORT_TRANSCRIPTS) or self._missing(self.person):
            return
        if not self.upload.value:
            self.status.error(self._label("transcripts.upload.no_file"))
            return
        if any(d.value is None for d in self.choices.values()):
            self.status.error(self._label("transcripts.upload.choose_speakers"))
            return
        upload = self.upload.value[0]
        by_hand = {label: d.value for label, d in self.choices.items()}
        try:
            parsed = parse_upload(upload["name"], bytes(upload["content"]))
            assignment = assign_in(self.wb.store, parsed, self.person.value, speakers=by_hand)
            store_assigned(self.wb.store, parsed, assignment)
        except UnmappedSpeakers as exc:
            self._ask(exc.closest)
            self.status.error(self._label("transcripts.upload.speakers_needed", n=len(exc.closest)))
            return
        except USER_ERRORS as exc:
            self.status.error(str(exc))
            return
        self.saved = assignment.person
        shown = self.wb.pseudonyms.name
        self.status.saved(
            self._label(
                "transcripts.upload.done",
                file=upload["name"],
                person=shown(assignment.person),
                interviewer=shown(assignment.interviewer),
                date=assignment.date.isoformat() if assignment.date else "",
            )
        )
        self._start_over()

    def _ask(self, closest: dict[str, list[str]]) -> None:
        """A dropdown per unknown speaker: its closest people first, then everyone, no one."""
        everyone = self._people_options()
        names = dict((pid, name) for name, pid in everyone)
        pick = [(self._label("transcripts.upload.pick"), None)]
        nobody = [(self._label("transcripts.speakers.nobody"), "")]
        self.choices = {}
        for label, near in closest.items():
            first = [(names[p], p) for p in near if p in names]
            rest = [option for option in everyone if option[1] not in near]
            dropdown = ipw.Dropdown(options=pick + first + nobody + rest, value=None)
            self.choices[label] = field(
                dropdown, "ww-upload-speaker", self.wb.pseudonyms.text(label)
            )
        self.speakers.children = list(self.choices.values())

"""`ww.open_workbook` as a notebook reaches it: light to import.

A preheated dashboard kernel runs its notebook up to `open_workbook` before anyone asks for the
page. This is where it waits for the request, and it warms up first, in a thread of low
priority (`wwlib.ui.warm`), so that the heavy imports of `wwlib.present.workbook` (pandas, the
store) also give way to the pages that people have open.
"""

from __future__ import annotations

from wwlib.present.parameters import wait_for_request


def open_workbook(cohort: str, *args: object, **options: object):
    """Open a cohort for a notebook (`wwlib.present.workbook.open_workbook`, which says what
    the options are): check the parameters, then open (or make) its store."""
    wait_for_request()
    from wwlib.present.workbook import open_workbook as opened

    return opened(cohort, *args, **options)

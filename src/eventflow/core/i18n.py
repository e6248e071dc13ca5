"""Texts people read are the English msgids of the gettext catalogs (``eventflow/locale``), the same for pages and
e-mails; the ``Translator`` port gives them in a reader's language. ``pybabel extract`` finds them in calls to
``_``, ``gettext``, ``ngettext`` and ``N_`` (the ``[tool.babel]`` tables of ``pyproject.toml``).
"""

from __future__ import annotations

from eventflow.core.model import Status


def N_(message: str) -> str:
    """Marks ``message`` for extraction where it is written down; it is translated where it is shown."""
    return message


#: What people read for each status, in the e-mails and on the pages.
STATUS_LABELS = {
    Status.TODO: N_("To do"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.REVIEW: N_("In review"),
    Status.CHANGES_REQUESTED: N_("Changes requested"),
    Status.APPROVED: N_("Approved — Ready for Screen"),
}

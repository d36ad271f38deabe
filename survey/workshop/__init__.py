"""The workshop in the room after a closed round: a presenter view for the projector
(under /console/workshops/, staff only) and a join page for participants' phones (/w/).

Views stay thin: storage in store.py, the agenda and what each slide shows in agenda.py,
the PDFs and downloads in documents.py.
"""

from . import phone, presenter  # noqa: F401  (each adds its routes to bp)
from .blueprint import bp

__all__ = ["bp"]

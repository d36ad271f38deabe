"""The respondent's side: a person with a code answers on a phone or a PC, or one after
another on a shared kiosk device.

- views.py: the pages (enter a code, questions, open questions, review, send);
- forms.py: the forms built from the round's frozen questionnaire;
- state.py: the started survey, kept encrypted in the person's own browser;
- answering.py: the path as plain functions (check a code, submit atomically);
- refusals.py: its refusals (unknown or spent code, round not open) as pages;
- kiosk.py: one shared device for many people.
"""

from .kiosk import bp as kiosk_bp
from .views import bp

__all__ = ["bp", "kiosk_bp"]

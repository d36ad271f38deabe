"""The HR and facilitator console under /console/: a blueprint with role checks.

HR can do everything; a facilitator reads rounds, moderates comments and downloads
reports. Views stay thin: the rules live in survey/store/ (rounds.py, participation.py,
moderation.py, accounts.py and audit.py).
"""

from . import auth, invite_views, kiosk_views, mail_views, review, round_views  # noqa: F401  (each adds its routes to bp)
from .blueprint import bp

__all__ = ["bp"]

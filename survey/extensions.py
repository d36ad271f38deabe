"""Flask extensions shared by the respondent pages and the console (set up in create_app)."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
# Counters live in memory only: an address is never written to disk or to a log.
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[])

"""cached_db sessions whose reads come from each process's mirror of Redis.

Every request of a member reads their session before anything else; with Django's
cached_db engine that is a Redis round trip each time. The mirror (aipick.mirror) keeps
the sessions it has read in process memory and Redis itself tells it when one changes,
ends or expires, so a sign-out or a rotated session is seen on the very next request, on
every server. Writes, the database copy and everything else are cached_db's.
"""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from aipick.mirror import mirror

# Sessions are many and small: a process keeps at most this many, then starts over.
MIRRORED_SESSIONS = 10_000


class SessionStore(CachedDBStore):
    def load(self):
        sessions = mirror(settings.SESSION_CACHE_ALIAS, KEY_PREFIX, max_entries=MIRRORED_SESSIONS)
        data = sessions.get_many([self.cache_key]).get(self.cache_key)
        if data is None:
            return super().load()  # the database, and back into Redis
        # A copy: this request may change its session, the next one must not see that unsaved.
        return dict(data)

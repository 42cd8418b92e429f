"""Makes python-wechaty 0.10.7, its last release, importable on Python 3.11, and keeps its cache folder private.
Import this before `wechaty`.

wechaty's WechatyOptions dataclass has `puppet_options: PuppetOptions = PuppetOptions()`, a mutable default.
Python 3.11 refuses a dataclass default whose class is unhashable ("mutable default … use default_factory") and
the import fails. Upstream has not released a fix. Giving PuppetOptions an identity hash lets the class be built;
the shared default instance is never mutated by wechaty (options are passed explicitly), so nothing leaks.
tests/test_wechaty_compat.py fails as soon as a wechaty release no longer needs this, so that it can go.

Importing wechaty makes its cache folder (CACHE_DIR, by default .wechaty in the working directory) with the
default mode, readable by every user of the machine. The folder is made first here, private to the bot's user
(0700), and one an earlier version made is closed the same way. The transport itself keeps nothing in it (its
scheduler keeps no jobs on disk), but a job.db an earlier version left there stays out of others' reach.

The other incompatibilities are pins in requirements.txt, not code: pyee 8 (wechaty uses its pre-9 API) and
urllib3 1.x (wechaty-puppet-service imports urllib3's removed `get_host`).
"""

import os

from wechaty_puppet import PuppetOptions

if PuppetOptions.__hash__ is None:
    PuppetOptions.__hash__ = object.__hash__

_cache_folder = os.environ.get("CACHE_DIR", ".wechaty")  # where wechaty's config puts it
os.makedirs(_cache_folder, mode=0o700, exist_ok=True)
os.chmod(_cache_folder, 0o700)

"""Makes python-wechaty 0.10.7, its last release, importable on Python 3.11. Import this before `wechaty`.

wechaty's WechatyOptions dataclass has `puppet_options: PuppetOptions = PuppetOptions()`, a mutable default.
Python 3.11 refuses a dataclass default whose class is unhashable ("mutable default … use default_factory") and
the import fails. Upstream has not released a fix. Giving PuppetOptions an identity hash lets the class be built;
the shared default instance is never mutated by wechaty (options are passed explicitly), so nothing leaks.
tests/test_wechaty_compat.py fails as soon as a wechaty release no longer needs this, so that it can go.

The other incompatibilities are pins in requirements.txt, not code: pyee 8 (wechaty uses its pre-9 API) and
urllib3 1.x (wechaty-puppet-service imports urllib3's removed `get_host`).
"""

from wechaty_puppet import PuppetOptions

if PuppetOptions.__hash__ is None:
    PuppetOptions.__hash__ = object.__hash__

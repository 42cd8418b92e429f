"""Makes python-wechaty 0.10.7, its last release, importable on Python 3.11 and able to read the picture messages
of today's puppet services. Import this before `wechaty`.

wechaty's WechatyOptions dataclass has `puppet_options: PuppetOptions = PuppetOptions()`, a mutable default.
Python 3.11 refuses a dataclass default whose class is unhashable ("mutable default … use default_factory") and
the import fails. Upstream has not released a fix. Giving PuppetOptions an identity hash lets the class be built;
the shared default instance is never mutated by wechaty (options are passed explicitly), so nothing leaks.
tests/test_wechaty_compat.py fails as soon as a wechaty release no longer needs this, so that it can go.

A picture comes from the service as a FileBox in JSON. file-box 1.x, which the services run, writes a URL box as
`{"type": 2, "url": …, "headers": …}` (and `boxType` beside `type` only until its authors drop it); wechaty
0.10.7's FileBox.from_json reads `boxType` and `remoteUrl` and drops the headers, so every picture handed over as
a URL failed with a KeyError. from_json is wrapped to read both spellings.

The other incompatibilities are pins in requirements.txt, not code: pyee 8 (wechaty uses its pre-9 API) and
urllib3 1.x (wechaty-puppet-service imports urllib3's removed `get_host`).
"""

import json

from wechaty_puppet import FileBox, PuppetOptions
from wechaty_puppet.file_box import FileBoxType

if PuppetOptions.__hash__ is None:
    PuppetOptions.__hash__ = object.__hash__

_from_old_json = FileBox.from_json.__func__


def _from_json(cls, obj):
    """FileBox.from_json for file-box 1.x's JSON as well as the older one wechaty 0.10.7 knows."""
    data = json.loads(obj) if isinstance(obj, str) else dict(obj)
    if "boxType" not in data and "type" in data:
        data["boxType"] = data["type"]
    if data.get("boxType") == FileBoxType.Url.value and "remoteUrl" not in data and "url" in data:
        data["remoteUrl"] = data["url"]
    box = _from_old_json(cls, data)
    if box.type() == FileBoxType.Url:
        box.headers = data.get("headers") or {}
    return box


FileBox.from_json = classmethod(_from_json)

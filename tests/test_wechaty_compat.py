"""The wechaty 0.10.7 shim: needed on this Python, and enough. When a wechaty release no longer needs it, the
first test fails: remove transports/wechaty_compat.py then."""

import re
import subprocess
import sys

from tests.conftest import ROOT


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_wechaty_still_fails_to_import_without_the_shim():
    result = python("import wechaty")
    assert result.returncode != 0 and "mutable default" in result.stderr, (
        "wechaty imports without the shim now: delete transports/wechaty_compat.py and this test"
    )


def test_with_the_shim_wechaty_imports_and_builds_its_options():
    result = python(
        "import transports.wechaty_compat\n"
        "from wechaty import WechatyOptions\n"
        "options = WechatyOptions(token='insecure_x', endpoint='127.0.0.1:1')\n"
        "print(options.token, options.puppet_options.token)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["insecure_x", "None"]


def test_only_the_transport_imports_wechaty():
    importing = re.compile(r"^\s*(import|from) wechaty", re.MULTILINE)
    importers = sorted(
        path.relative_to(ROOT).as_posix()
        for folder in ("core", "handlers", "schedules", "transports")
        for path in (ROOT / folder).rglob("*.py")
        if importing.search(path.read_text(encoding="utf-8"))
    )
    assert importers == ["transports/wechaty.py", "transports/wechaty_compat.py"]

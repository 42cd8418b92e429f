"""The wechaty 0.10.7 shim: needed on this Python, and enough. When a wechaty release no longer needs it, the
first test fails: remove transports/wechaty_compat.py then."""

import hashlib
import http.server
import re
import threading
import subprocess
import sys

from tests.conftest import ROOT
from tests.test_media import png


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


def test_a_text_with_a_lone_surrogate_is_sent_with_u_fffd_in_its_place_and_the_rest_kept():
    result = python(
        "import transports.wechaty_compat\n"
        "from wechaty_grpc.wechaty.puppet import MessageSendTextRequest\n"
        "sent = bytes(MessageSendTextRequest(conversation_id='room', text='表情\\ud83d坏了\\x00，\\ud83d\\ude00'))\n"
        "print(ascii(MessageSendTextRequest().parse(sent).text))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ascii("表情\ufffd坏了\x00，😀")

def test_a_picture_the_service_hands_over_as_a_url_in_file_box_1_json_is_fetched_with_its_headers(tmp_path):
    picture, asked = png(), []

    class Service(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append((self.path, self.headers.get("Authorization")))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(picture)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Service)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # As file-box 1.5's toJSON() writes a URL box (the puppet services' FileBox), without the old boxType
        box = {"type": 2, "url": f"http://127.0.0.1:{server.server_port}/media/cup.png", "name": "cup.png",
               "headers": {"Authorization": "Bearer insecure_test"}, "metadata": {}, "md5": None}
        result = python(
            "import asyncio, hashlib\n"
            "from transports.wechaty import _box_content\n"
            f"print(hashlib.sha256(asyncio.run(_box_content(None, {box!r}))).hexdigest())"
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [hashlib.sha256(picture).hexdigest()]
    assert asked == [("/media/cup.png", "Bearer insecure_test")]


def test_a_file_streamed_past_the_media_cap_is_refused_without_reading_the_rest():
    result = python(
        "import asyncio\n"
        "from core import media\n"
        "from transports.wechaty import _box_content\n"
        "class Stub:\n"
        "    sent = 0\n"
        "    async def _unary_stream(self, route, request, response_type):\n"
        "        assert route == '/wechaty.Puppet/Download' and request.id == 'uuid-1'\n"
        "        while True:  # a service that would stream for ever\n"
        "            self.sent += 1\n"
        "            yield response_type(chunk=bytes(1024 * 1024))\n"
        "stub = Stub()\n"
        "try:\n"
        "    asyncio.run(_box_content(stub, {'type': 7, 'uuid': 'uuid-1', 'name': 'big.png'}))\n"
        "except media.PictureUnreadable as error:\n"
        "    print(error.reason, stub.sent)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["too_large", "21"], "20 MB and one chunk read, then the stream closed"

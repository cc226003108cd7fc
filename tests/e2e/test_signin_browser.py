"""Signed-in mode for real (issue 20), and local mode's host check (issue 13, item 9).

A real OpenID Connect provider (oidc-provider-mock, a Python process started here on 127.0.0.1) and the
app deployed as the README says: a copy of the checkout in a temporary folder (so the checkout's own
.streamlit/secrets.toml is never written), the README's secrets layout in its .streamlit/secrets.toml
with the placeholders filled in, and the README's exact command. Chromium goes through the sign-in page,
the provider's login and the redirect back, as each kind of user.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shlex
import shutil
import ssl
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mentordash.ui.safe import JOINER
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, wait_for_run
from tests.server import free_port, run_async

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PORTS = (8800, 8899)
COORDINATOR = "pat.lee@hospital.example.org"
STRANGER = "someone@elsewhere.example.com"


def on_screen(address: str) -> str:
    """An address as the page shows it: plain() (mentordash/ui/safe.py) puts an invisible word joiner after
    "@", so that the address is never made a mailto link."""
    return address.replace("@", "@" + JOINER)


AGGREGATE = ["Overview", "Coverage", "Recruitment", "Wellbeing", "Outcomes"]
RESTRICTED = {"data": "Data", "settings": "Settings", "audit": "Audit"}
# The provider's accounts, by subject; the roles are the README's own [roles] example.
USERS = {
    "pat": {"email": COORDINATOR, "email_verified": True, "name": "Pat Lee"},  # a coordinator
    "chair": {"email": "chair@hospital.example.org", "email_verified": True},  # a viewer, listed by address
    "nurse": {"email": "nurse@hospital.example.org", "email_verified": True},  # a viewer, by the bare domain
    "stranger": {"email": STRANGER, "email_verified": True},  # an account at the same provider, not listed
    "impostor": {"email": COORDINATOR, "email_verified": False},  # claims the coordinator's unverified address
}


def _start(command: list[str], cwd: Path, log: Path, ready_url: str, env: dict | None = None) -> subprocess.Popen:
    """A server process, once `ready_url` answers 200; its output goes to `log` (shown on failure)."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{command[:4]} exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(ready_url, timeout=2, context=ssl._create_unverified_context()) as response:
                if response.status == 200:
                    return process
        except OSError:
            pass
        if time.monotonic() > deadline:
            _stop(process)
            raise RuntimeError(f"{ready_url} did not answer in 90 s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def readme_deployment() -> tuple[str, list[str]]:
    """The secrets file and the command exactly as the README's "Deploying for a department" shows them."""
    text = README.read_text()
    section = text[text.index("### Deploying for a department") :]
    section = section[: section.index("\n## ")]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)
    toml = [re.sub(r"^ {3}", "", body, flags=re.M) for lang, body in blocks if lang == "toml"]
    commands = [body.strip() for lang, body in blocks if lang == "sh" and "mentordash serve" in body]
    assert len(toml) == 1 and len(commands) == 1, "the README shows one secrets file and one command"
    return toml[0], shlex.split(re.sub(r"^ {3}", "", commands[0], flags=re.M))


def filled_in(readme_secrets: str, values: dict[str, str]) -> str:
    """The README's secrets file with its [auth] placeholders replaced, everything else as shown."""
    out = readme_secrets
    for key, value in values.items():
        out, count = re.subn(rf"^{key} = .*$", f"{key} = {json.dumps(value)}", out, count=1, flags=re.M)
        assert count == 1, f"the README's secrets file has no {key}"
    return out


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> str:
    port = free_port(PORTS)
    log = tmp_path_factory.mktemp("provider") / "provider.log"
    claims = [json.dumps({"sub": sub, **c}) for sub, c in USERS.items()]
    process = _start(
        [
            sys.executable,
            "-m",
            "oidc_provider_mock",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *[arg for c in claims for arg in ("--user-claims", c)],
        ],
        cwd=ROOT,
        log=log,
        ready_url=f"http://127.0.0.1:{port}/.well-known/openid-configuration",
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


class Deployment:
    def __init__(self, folder: Path, url: str, readme_secrets: str, values: dict[str, str]):
        self.folder, self.url, self.readme_secrets, self.values = folder, url, readme_secrets, values
        self.secrets = folder / ".streamlit" / "secrets.toml"

    def write_secrets(self, text: str) -> None:
        self.secrets.write_text(text)

    def real_secrets(self) -> str:
        return filled_in(self.readme_secrets, self.values)


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the browser is told to accept it)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "proxy.pem", folder / "proxy.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"docs/proxy/nginx.conf should hold {old!r} once"
    return text.replace(old, new)


def nginx_config(folder: Path, app_port: int, https_port: int, http_port: int) -> Path:
    """docs/proxy/nginx.conf as the docs say to adapt it (host name, certificate, ports), inside a
    minimal main configuration of its own (no system paths)."""
    cert, key = _certificate(folder)
    site = (ROOT / "docs" / "proxy" / "nginx.conf").read_text()
    site = _replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = _replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _replace_once(site, "/etc/ssl/certs/mentordash.hospital.example.org.pem", str(cert))
    site = _replace_once(site, "/etc/ssl/private/mentordash.hospital.example.org.key", str(key))
    site = _replace_once(site, "proxy_pass http://127.0.0.1:8501;", f"proxy_pass http://127.0.0.1:{app_port};")
    site = site.replace("server_name mentordash.hospital.example.org;", "server_name 127.0.0.1;")
    (folder / "mentordash.conf").write_text(site)
    temp = {name: folder / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    main = folder / "nginx.conf"
    main.write_text(
        f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        "events { worker_connections 128; }\n"
        f"http {{\n  access_log {folder / 'access.log'};\n"
        + "".join(f"  {name}_temp_path {path};\n" for name, path in temp.items())
        + f"  include {folder / 'mentordash.conf'};\n}}\n"
    )
    return main


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        pytest.fail("nginx not found: install it with `apt-get install -y nginx` (make test does this)", pytrace=False)
    return found


@pytest.fixture(scope="module")
def deployment(provider, tmp_path_factory) -> Deployment:
    """The app installed in a fresh folder, started with the README's command and secrets layout, behind
    docs/proxy/nginx.conf on https: the browser reaches it only through the proxy."""
    folder = tmp_path_factory.mktemp("server") / "mentordash"
    ignore = shutil.ignore_patterns("__pycache__", "secrets.toml", "*.duckdb*")
    folder.mkdir()
    shutil.copy2(ROOT / "app.py", folder / "app.py")
    for sub in ("pages", "mentordash", ".streamlit"):
        shutil.copytree(ROOT / sub, folder / sub, ignore=ignore)
    env = {k: v for k, v in os.environ.items() if k != "MENTORDASH_DB"}  # the default database location
    subprocess.run(
        [sys.executable, "-m", "mentordash", "demo"], cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL
    )
    assert (folder / "data" / "mentordash.duckdb").exists()

    readme_secrets, command = readme_deployment()
    assert command[:4] == [".venv/bin/python", "-m", "mentordash", "serve"]
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    taken = {int(provider.rsplit(":", 1)[1])}
    app_port = free_port(PORTS, taken)
    https_port = free_port(PORTS, taken | {app_port})
    http_port = free_port(PORTS, taken | {app_port, https_port})
    command = [sys.executable, *command[1:]]
    command[command.index("--server.port") + 1] = str(app_port)
    url = f"https://127.0.0.1:{https_port}"
    values = {
        "redirect_uri": f"{url}/oauth2callback",
        "cookie_secret": secrets.token_hex(32),
        "client_id": "mentordash",
        "client_secret": secrets.token_urlsafe(16),
        "server_metadata_url": f"{provider}/.well-known/openid-configuration",
    }
    deployment = Deployment(folder, url, readme_secrets, values)
    deployment.plain_http = f"http://127.0.0.1:{http_port}"
    deployment.write_secrets(deployment.real_secrets())
    roles = tomllib.loads(deployment.real_secrets())["roles"]
    assert COORDINATOR in roles["coordinators"] and STRANGER.split("@")[1] not in str(roles)
    app = _start(
        command,
        cwd=folder,
        log=folder.parent / "server.log",
        env=env,
        ready_url=f"http://127.0.0.1:{app_port}/_stcore/health",
    )
    try:
        proxy_folder = folder.parent / "proxy"
        proxy_folder.mkdir()
        conf = nginx_config(proxy_folder, app_port, https_port, http_port)
        proxy = _start(
            [_nginx(), "-e", "stderr", "-p", str(proxy_folder), "-c", str(conf), "-g", "daemon off;"],
            cwd=proxy_folder,
            log=proxy_folder / "nginx.log",
            ready_url=f"{url}/_stcore/health",
        )
        try:
            yield deployment
        finally:
            _stop(proxy)
    finally:
        _stop(app)


def body(page) -> str:
    return page.inner_text("body")


def sidebar_links(page) -> list[str]:
    """The labels of the sidebar's links (the last line: the first may be the icon's name)."""
    return [t.strip().splitlines()[-1] for t in page.locator("[data-testid=stSidebar] a").all_inner_texts()]


def links_settle(page, expected: list[str], attempts: int = 120) -> list[str]:
    """The sidebar's links once they are `expected` (or as they are after the wait): a rerun that is
    still drawing the page may not have drawn its menu yet."""
    for _ in range(attempts):
        if sidebar_links(page) == expected:
            break
        page.wait_for_timeout(500)
    return sidebar_links(page)


def open_app(page, url: str, until: str, attempts: int = 60) -> None:
    """Open `url` and wait until the app shows `until`, reloading while a changed secrets file is re-read."""
    for _ in range(attempts):
        page.goto(url)
        wait_for_run(page, timeout=60_000)
        if until in body(page):
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"{url} never showed {until!r}; it shows:\n{body(page)[:2000]}")


def sign_in(browser, deployment: Deployment, provider: str, sub: str, expect: str):
    """A fresh browser (no cookies) through the sign-in page, the provider's login and the redirect back."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, ignore_https_errors=True)
    page = context.new_page()
    open_app(page, deployment.url, "Sign in with your institution's account")
    assert sidebar_links(page) == [] and page.locator("[data-testid=stMetric]").count() == 0
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{provider}/oauth2/authorize*", timeout=60_000)  # the provider's own login page
    assert "Authorize Client" in body(page)
    page.locator(f"button[name=sub][value='{sub}']").click()
    page.wait_for_url(f"{deployment.url}/", timeout=60_000)  # back from /oauth2callback
    page.get_by_text(expect).first.wait_for(timeout=60_000)
    wait_for_run(page, timeout=60_000)
    return context, page


@pytest.fixture
def anonymous(browser):
    """A browser with no cookies, accepting the test certificate of the proxy."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, ignore_https_errors=True)
    yield context.new_page()
    context.close()


def test_readme_secrets_as_shown_are_refused_by_name_until_filled_in(deployment, anonymous):
    """The README's file copied as it is: the first page names each placeholder; no restart once fixed."""
    page = anonymous
    deployment.write_secrets(deployment.readme_secrets)
    try:
        open_app(page, deployment.url, "cannot work until this is fixed")
        shown = body(page)
        for key in ("cookie_secret", "client_id", "client_secret"):
            assert f"{key} in [auth] still holds the README's placeholder" in shown
        assert page.get_by_role("button", name="Sign in").count() == 0 and sidebar_links(page) == []
    finally:
        deployment.write_secrets(deployment.real_secrets())
    open_app(page, deployment.url, "Sign in with your institution's account")


def test_the_proxy_sends_plain_http_to_https(deployment):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.build_opener(NoRedirect).open(f"{deployment.plain_http}/settings", timeout=30)
    assert answer.value.code == 301 and answer.value.headers["Location"].startswith("https://127.0.0.1")
    assert answer.value.headers["Location"].endswith("/settings")


def test_a_server_without_auth_never_serves_local_mode_through_the_proxy(deployment, anonymous):
    """[auth] removed from a deployment's secrets: local mode, which refuses the proxied request."""
    page = anonymous
    real = deployment.real_secrets()
    deployment.write_secrets(real[real.index("[roles]") :])
    try:
        open_app(page, deployment.url, "is not this computer")
        assert "Local mode: no sign-in" not in body(page)
        assert sidebar_links(page) == [] and page.locator("[data-testid=stMetric]").count() == 0
    finally:
        deployment.write_secrets(real)
    open_app(page, deployment.url, "Sign in with your institution's account")


def test_coordinator_signs_in_and_sees_every_page(browser, deployment, provider):
    context, page = sign_in(
        browser, deployment, provider, "pat", f"Signed in as {on_screen(COORDINATOR)} (coordinator)"
    )
    try:
        assert links_settle(page, AGGREGATE + list(RESTRICTED.values())) == AGGREGATE + list(RESTRICTED.values())
        page.locator("[data-testid=stMetric]").first.wait_for()
        assert "Figures are protected" not in body(page)  # coordinators see exact figures
        for path, title in RESTRICTED.items():
            page.goto(f"{deployment.url}/{path}")
            wait_for_run(page, timeout=60_000)
            page.get_by_role("heading", name=title).first.wait_for()
            assert "Not permitted" not in body(page)
            assert page.locator("[data-testid=stException]").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("sub", ["chair", "nurse"])
def test_viewer_sees_aggregate_pages_only(browser, deployment, provider, sub):
    email = USERS[sub]["email"]
    context, page = sign_in(browser, deployment, provider, sub, f"Signed in as {on_screen(email)} (viewer)")
    try:
        assert links_settle(page, AGGREGATE) == AGGREGATE  # no link to Data, Settings or Audit
        page.locator("[data-testid=stMetric]").first.wait_for()
        assert body(page).count("Figures are protected") == 1  # docs/privacy.md: told once on every page
        for path in RESTRICTED if sub == "chair" else ("settings",):  # by URL: refused on the server
            page.goto(f"{deployment.url}/{path}")
            wait_for_run(page, timeout=60_000)
            assert "Not permitted: this page is for program coordinators." in body(page)
            assert page.locator("[data-testid=stFileUploader]").count() == 0
            assert page.locator("[data-testid=stDataFrame]").count() == 0
    finally:
        context.close()


def test_signed_in_stranger_sees_only_whom_to_ask(browser, deployment, provider):
    context, page = sign_in(browser, deployment, provider, "stranger", "is not on the list")
    try:
        assert "Ask your department's program coordinator to add you." in body(page)
        assert sidebar_links(page) == [] and page.locator("[data-testid=stMetric]").count() == 0
        for path in ("coverage", "data", "settings"):
            page.goto(f"{deployment.url}/{path}")
            wait_for_run(page, timeout=60_000)
            assert "is not on the list" in body(page) and sidebar_links(page) == []
            assert page.locator("[data-testid=stMetric]").count() == 0
    finally:
        context.close()


def test_unverified_email_is_refused_even_when_it_is_a_coordinators(browser, deployment, provider):
    context, page = sign_in(browser, deployment, provider, "impostor", "has not verified")
    try:
        assert sidebar_links(page) == [] and page.locator("[data-testid=stMetric]").count() == 0
        page.goto(f"{deployment.url}/settings")
        wait_for_run(page, timeout=60_000)
        assert "has not verified" in body(page) and "Not permitted" not in body(page)
        assert page.locator("[data-testid=stNumberInput]").count() == 0
    finally:
        context.close()


def test_sign_out_ends_the_session(browser, deployment, provider):
    context, page = sign_in(browser, deployment, provider, "pat", f"Signed in as {on_screen(COORDINATOR)}")
    try:
        page.locator("[data-testid=stSidebar]").get_by_role("button", name="Sign out").click(timeout=60_000)
        page.wait_for_url(f"{provider}/oauth2/end_session*", timeout=60_000)  # the provider ends its session
        page.get_by_role("button", name="End session").click(timeout=60_000)
        page.wait_for_url(f"{deployment.url}/*", timeout=60_000)  # back through /oauth2callback
        open_app(page, deployment.url, "Sign in with your institution's account")
        assert not [c for c in context.cookies() if c["name"].startswith("_streamlit_user")]
        for path in ("", "settings"):  # the old session is gone, every page asks to sign in again
            open_app(page, f"{deployment.url}/{path}", "Sign in with your institution's account")
            assert sidebar_links(page) == [] and page.locator("[data-testid=stMetric]").count() == 0
            assert "Signed in as" not in body(page)
    finally:
        context.close()


def test_roles_change_without_a_restart(browser, deployment, provider):
    """Adding an address to [roles] lets that person in at their next reload; removing it shuts them out."""
    context, page = sign_in(browser, deployment, provider, "stranger", "is not on the list")
    real = deployment.real_secrets()
    try:
        assert 'viewers = ["chair@hospital.example.org"' in real
        deployment.write_secrets(real.replace('viewers = ["', f'viewers = ["{STRANGER}", "', 1))
        open_app(page, deployment.url, f"Signed in as {on_screen(STRANGER)} (viewer)")
        assert links_settle(page, AGGREGATE) == AGGREGATE
        deployment.write_secrets(real)
        open_app(page, deployment.url, "is not on the list")
        assert sidebar_links(page) == []
    finally:
        deployment.write_secrets(real)
        context.close()


# --- Local mode answers only this computer, by its own name (issue 13, item 9) ------------------------------


def _streamlit_run(url: str, host: str, extra_headers: dict | None = None) -> list[str]:
    """One script run over a raw WebSocket handshake to the server at `url`, sending `host` as Host
    (what a browser sends for a page whose DNS name was rebound to 127.0.0.1); the texts it shows."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    port = int(url.rsplit(":", 1)[1])

    async def run() -> list[str]:
        texts = []
        async with websockets.connect(
            f"ws://{host}/_stcore/stream",
            host="127.0.0.1",
            port=port,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=60,
            additional_headers={"Origin": f"http://{host}", **(extra_headers or {})},
        ) as ws:
            back = BackMsg()
            back.rerun_script.query_string = ""
            await ws.send(back.SerializeToString())
            while True:
                message = ForwardMsg()
                message.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
                if message.WhichOneof("type") == "delta":
                    element = message.delta.new_element
                    kind = element.WhichOneof("type")
                    if kind:
                        texts.append(f"{kind}: {getattr(element, kind)}")
                if (
                    message.WhichOneof("type") == "script_finished"
                    and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
                ):
                    return texts

    return run_async(run())


def test_local_mode_refuses_a_rebound_host_name(server):
    port = server.rsplit(":", 1)[1]
    refused = "\n".join(_streamlit_run(server, f"evil.example:{port}"))
    assert f"This address (evil.example:{port}) is not this computer" in refused
    assert "page_link" not in refused and "metric" not in refused and "Local mode: no sign-in" not in refused
    for other in (f"127.0.0.1:{int(port) + 1}", f"localhost.evil.example:{port}"):
        assert "is not this computer" in "\n".join(_streamlit_run(server, other))
    proxied = "\n".join(_streamlit_run(server, f"127.0.0.1:{port}", {"X-Forwarded-For": "203.0.113.9"}))
    assert "came through a proxy" in proxied and "page_link" not in proxied
    for name in ("127.0.0.1", "localhost"):  # this computer by its own name: the dashboard
        served = "\n".join(_streamlit_run(server, f"{name}:{port}"))
        assert "Local mode: no sign-in" in served and "page_link" in served and "not this computer" not in served


def test_local_mode_refuses_a_browser_sent_by_a_rebound_name(server, browser_type):
    """Chromium resolving evil.example to 127.0.0.1, as after DNS rebinding: the page shows the refusal."""
    port = server.rsplit(":", 1)[1]
    browser = browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.example 127.0.0.1"],
    )
    try:
        page = browser.new_page()
        page.goto(f"http://evil.example:{port}/")
        page.get_by_text("is not this computer").wait_for(timeout=60_000)
        assert "Local mode: no sign-in" not in body(page)
        assert page.locator("[data-testid=stMetric]").count() == 0 and sidebar_links(page) == []
    finally:
        browser.close()

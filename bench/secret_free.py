"""What secret-free mode costs a uv run (issue 12), warm caches, against static variables.

1. `uv lock --refresh` in a project with one and with three indexes, each a local
   password-protected index of its own (a realm each, so each needs its own answer), in
   secret-free mode (what `uvcreds init SHELL --keyring` exports: the usernames,
   `UV_KEYRING_PROVIDER=subprocess`, uvcreds' private `keyring` first on PATH) against the
   same with static `UV_INDEX_*` variables. The indexes are bound to CodeArtifact (a local
   fake) in the user's config, so the password is a minted token held in uvcreds' cache.
   Target: ratio <= 1.15.

2. uv's guide to CodeArtifact, keyring route (`uv tool install keyring --with PLUGIN`,
   `UV_KEYRING_PROVIDER=subprocess`, the username `aws`), with uvcreds as the plugin and with
   `keyrings.codeartifact` 2.x from the registry, each in a venv of its own that has the
   `keyring` program on PATH (what `uv tool install` makes). That plugin acts only for a
   `<domain>-<account>.d.codeartifact.<region>.amazonaws.com` host, so the index is served
   over https under such a name: the script runs itself again in a mount namespace
   (`unshare -m`) whose /etc/hosts (bind-mounted) sends the name to 127.0.0.1, with a
   certificate from a local CA (`cryptography`) that uv trusts through SSL_CERT_FILE; boto3
   (the plugin's, and uvcreds' for its one mint) reaches the fake CodeArtifact on http
   loopback through AWS_ENDPOINT_URL_CODEARTIFACT. Each route's extra cost per uv run is its
   median less the median with static variables, measured in the same run, in turns.
   Target: uvcreds' extra cost <= 0.5 x the plugin's.

Run from the repository root: `.venv/bin/python bench/secret_free.py` (root, or a kernel
that lets users make namespaces: `unshare -r -m` is used then). The venvs are kept in
bench/.keyring/ between runs; uvcreds is reinstalled from this checkout every run.
"""

from __future__ import annotations

import datetime
import hashlib
import http.server
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import uv

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # for the tests' fakes
from common import ROOT, installed_uvcreds, uv_env
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.index import build_wheel

KEYRING_VENVS = ROOT / "bench" / ".keyring"
PLUGIN_NAME = "keyrings.codeartifact"
PLUGIN = f"{PLUGIN_NAME}==2.*"
DOMAIN, OWNER, REGION = "acme", "111122223333", "eu-west-1"
HOST = f"{DOMAIN}-{OWNER}.d.codeartifact.{REGION}.amazonaws.com"
TOKEN = "ca-bench-token.Tok/+="
ROUNDS, RUNS = 10, 3  # turns of each route, runs per turn
INSIDE = "--inside-namespace"
KEYRING_EXEC = ["exec", "--keyring", "--"]


# --- a minimal index: PEP 503 pages and wheels, behind Basic auth ------------------------


@dataclass
class StaticIndex:
    """One realm: `<url>simple/<project>/` and `<url>files/<wheel>`, answering 401 to a
    request without `aws:TOKEN`. http on 127.0.0.1, or https with `tls` (cert, key)."""

    wheels: dict[str, Path]  # normalized project name -> its one wheel
    prefix: str = "/"  # the path the index lives under, e.g. "/pypi/repo/"
    tls: tuple[Path, Path] | None = None
    host: str = "127.0.0.1"
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0  # seconds added to every answer (a distant index)

    def __post_init__(self) -> None:
        index = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are two writes: with Nagle's algorithm the client's delayed
            # ACK holds the second one back 40 ms, which no real index does.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                body = self.do_HEAD()
                self.wfile.write(body)

            def do_HEAD(self) -> bytes:
                if index.delay:
                    time.sleep(index.delay)
                status, body, kind = index.answer(self.path, self.headers.get("Authorization"))
                index.statuses.append(status)
                self.send_response(status)
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="bench"')
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return body

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if self.tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*map(str, self.tls))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}{self.prefix}"

    def answer(self, path: str, authorization: str | None) -> tuple[int, bytes, str]:
        import base64

        expected = "Basic " + base64.b64encode(f"aws:{TOKEN}".encode()).decode()
        if authorization != expected:
            return 401, b"", "text/plain"
        rest = path.split("?", 1)[0][len(self.prefix) :]
        if rest.startswith("simple/"):
            wheel = self.wheels.get(rest[len("simple/") :].strip("/"))
            if wheel is None:
                return 404, b"", "text/plain"
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            link = f'<a href="../../files/{wheel.name}#sha256={digest}">{wheel.name}</a>'
            return 200, f"<html><body>{link}</body></html>".encode(), "text/html"
        if rest.startswith("files/"):
            found = [w for w in self.wheels.values() if w.name == rest[len("files/") :]]
            if found:
                return 200, found[0].read_bytes(), "application/octet-stream"
        return 404, b"", "text/plain"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def make_ca_and_cert(directory: Path, host: str) -> tuple[Path, Path, Path]:
    """(CA bundle, server certificate, server key): a local CA and a certificate for host."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "uvcreds bench CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(cert.public_bytes(pem))
    paths[2].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


# --- setup outside the namespace: the two keyring venvs ----------------------------------


def keyring_venv(name: str, requirements: Sequence[str], *, refresh: Sequence[str] = ()) -> Path:
    """bench/.keyring/NAME: a venv with `keyring` and the plugin, as `uv tool install keyring
    --with PLUGIN` makes one; returns its bin directory. `refresh` is reinstalled each run."""
    venv = KEYRING_VENVS / name
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-U", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *requirements], check=True)
    if refresh:
        pip = [str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps"]
        subprocess.run([*pip, *refresh], check=True)
    return venv / "bin"


def versions(bin_dir: Path, *names: str) -> str:
    code = "import sys, importlib.metadata as m\nfor n in sys.argv[1:]: print(n, m.version(n))"
    done = subprocess.run(
        [str(bin_dir / "python"), "-c", code, *names], capture_output=True, text=True, check=True
    )
    return ", ".join(done.stdout.splitlines())


def main() -> None:
    if sys.argv[1:2] == [INSIDE]:
        inside(json.loads(sys.argv[2]))
        return
    python, uvcreds = installed_uvcreds()
    uvcreds_bin = keyring_venv("uvcreds", ["keyring", str(ROOT)], refresh=[str(ROOT)])
    plugin_bin = keyring_venv("codeartifact", ["keyring", PLUGIN])
    setup: dict[str, str] = {
        "python": python,
        "uvcreds": uvcreds,
        "uv": uv.find_uv_bin(),
        "uvcreds_keyring": str(uvcreds_bin),
        "plugin_keyring": str(plugin_bin),
        "versions": versions(plugin_bin, "keyring", PLUGIN_NAME),
    }
    with tempfile.TemporaryDirectory() as tmp:
        hosts = Path(tmp) / "hosts"
        hosts.write_text(Path("/etc/hosts").read_text() + f"\n127.0.0.1 {HOST}\n")
        hosts.chmod(0o644)
        unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-r", "-m"]
        script = 'mount --bind "$0" /etc/hosts && exec "$@"'
        argv = [*unshare, "--", "sh", "-c", script, str(hosts)]
        argv += [sys.executable, __file__, INSIDE, json.dumps(setup)]
        sys.exit(subprocess.run(argv).returncode)


# --- measured inside the namespace -------------------------------------------------------


def inside(setup: Mapping[str, str]) -> None:
    uv_bin, uvcreds = str(setup["uv"]), str(setup["uvcreds"])
    with tempfile.TemporaryDirectory() as tmp, CodeArtifactFake(TOKEN) as codeartifact:
        root = Path(tmp)
        wheels = {n: build_wheel(root / "wheels", n, "1.0") for n in ("pkg-a", "pkg-b", "pkg-c")}
        env = uv_env(root, codeartifact.aws_env(root))
        print("1. uv lock --refresh: secret-free mode against static UV_INDEX_* variables")
        print("   (warm caches; one local index per realm; medians of runs taken in turns)")
        servers = [StaticIndex({n: w}) for n, w in wheels.items()]
        try:
            for count in (1, 3):
                secret_free_against_static(count, servers[:count], root, env, uv_bin, uvcreds)
        finally:
            for server in servers:
                server.close()
        print()
        print("2. The guide's keyring route for CodeArtifact: uvcreds against the plugin")
        print(f"   ({setup['versions']}; https://{HOST}:PORT)")
        keyring_routes(setup, wheels["pkg-a"], root, env, codeartifact, uv_bin, uvcreds)


Route = tuple[Mapping[str, str], Path]  # the environment and directory uv runs in


def secret_free_against_static(
    count: int,
    servers: Sequence[StaticIndex],
    root: Path,
    base: Mapping[str, str],
    uv_bin: str,
    uvcreds: str,
) -> None:
    """Three copies of one project: where `uvcreds export` ran (static variables, and the
    plan it saves), and where only secret-free commands ran, as in a shell with
    `init --keyring` (`exec --keyring` here; they save no plan)."""
    names = [chr(ord("a") + i) for i in range(count)]
    indexes = [(f"idx-{n}", s.url + "simple/") for n, s in zip(names, servers)]
    static_dir, keyring_dir = root / f"static-{count}", root / f"secret-free-{count}"
    for project in (static_dir, keyring_dir):
        write_pyproject(project, indexes)
    config = "".join(
        f'[[credential]]\nurl = "{s.url}"\nprovider = "aws"\ndomain = "{DOMAIN}"\n'
        f'domain-owner = "{OWNER}"\nregion = "{REGION}"\n\n'
        for s in servers
    )
    Path(base["UVCREDS_CONFIG"]).write_text(config)
    static = {**base, **exported(uvcreds, ["export", "--format", "json"], base, static_dir)}
    keyring = {**base, **exported(uvcreds, KEYRING_EXEC, base, keyring_dir, dump=True)}
    assert not [n for n in keyring if n.endswith("_PASSWORD")], "a password in secret-free mode"
    assert keyring["UV_KEYRING_PROVIDER"] == "subprocess"
    routes: dict[str, Route] = {
        "static UV_INDEX_*": (static, static_dir),
        "secret-free": (keyring, keyring_dir),
        "secret-free, plan": (keyring, static_dir),
    }
    times = alternate(uv_bin, routes)
    for server in servers:
        assert 200 in server.statuses, "an index was never reached with the token"
    static_time = times["static UV_INDEX_*"]
    print(f"   {count} index{'es' if count > 1 else ''}:")
    for name, value in times.items():
        ratio = "" if value is static_time else f"   ratio {value / static_time:5.2f}"
        print(f"     {name:23} {value * 1000:6.1f} ms{ratio}")
    print("     target: secret-free / static <= 1.15")


def keyring_routes(
    setup: Mapping[str, str],
    wheel: Path,
    root: Path,
    base: Mapping[str, str],
    codeartifact: CodeArtifactFake,
    uv_bin: str,
    uvcreds: str,
) -> None:
    cert_dir = root / "tls"
    cert_dir.mkdir()
    ca, cert, key = make_ca_and_cert(cert_dir, HOST)
    server = StaticIndex({"pkg-a": wheel}, prefix="/pypi/repo/", tls=(cert, key), host=HOST)
    env = {**base, "SSL_CERT_FILE": str(ca)}
    Path(env["UVCREDS_CONFIG"]).write_text("")  # an anchored vendor host needs no binding
    # The plugin reads its options from keyring's config file; an empty section: defaults.
    keyring_config = Path(env["XDG_CONFIG_HOME"]) / "python_keyring" / "keyringrc.cfg"
    keyring_config.parent.mkdir(parents=True, exist_ok=True)
    keyring_config.write_text("[codeartifact]\n")
    recipe = {"UV_KEYRING_PROVIDER": "subprocess", "UV_INDEX_CORP_USERNAME": "aws"}

    def on_path(bin_dir: str) -> dict[str, str]:
        return {**env, **recipe, "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}"}

    # Copies of one project: where no uvcreds command ever ran (the recipe alone), where
    # only secret-free commands ran (no plan either), where `uvcreds export` ran (a plan).
    recipe_dir, keyring_dir, static_dir = (
        root / f"codeartifact-{name}" for name in ("recipe", "secret-free", "static")
    )
    for project in (recipe_dir, keyring_dir, static_dir):
        write_pyproject(project, [("corp", f"{server.url}simple/")])
    before = len(codeartifact.token_requests())
    try:
        static = {**env, **exported(uvcreds, ["export", "--format", "json"], env, static_dir)}
        program = {**env, **exported(uvcreds, KEYRING_EXEC, env, keyring_dir, dump=True)}
        plugin, backend = on_path(setup["plugin_keyring"]), on_path(setup["uvcreds_keyring"])
        routes: dict[str, Route] = {
            "static UV_INDEX_*": (static, static_dir),
            "keyrings.codeartifact": (plugin, recipe_dir),
            "uvcreds backend": (backend, recipe_dir),
            "uvcreds backend, plan": (backend, static_dir),
            "uvcreds keyring program": (program, keyring_dir),
            "uvcreds program, plan": (program, static_dir),
        }
        times = alternate(uv_bin, routes)
    finally:
        server.close()
    # The plugin asks for a one-hour token; uvcreds asks for the service's default.
    minted = [r.duration for r in codeartifact.token_requests()[before:]]
    runs = ROUNDS * RUNS + 1
    static_time = times["static UV_INDEX_*"]
    plugin_extra = times["keyrings.codeartifact"] - static_time
    for name, value in times.items():
        extra = "" if value is static_time else f"   extra {(value - static_time) * 1000:6.1f} ms"
        print(f"   {name:25} {value * 1000:6.1f} ms{extra}")
    print(
        f"   (tokens minted per uv run: the plugin {minted.count(3600) / runs:.1f}; "
        f"uvcreds {minted.count(None)} in all runs)"
    )
    for name in list(routes)[2:]:
        ratio = (times[name] - static_time) / plugin_extra
        print(f"   uvcreds' extra cost per uv run vs the plugin's, {name + ':':25}{ratio:5.2f}")
    print("   target: uvcreds backend <= 0.5")


def run_once(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=dict(env), cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}:\n{done.stderr}")
    return elapsed


def alternate(uv_bin: str, routes: Mapping[str, Route]) -> dict[str, float]:
    """Median wall time of `uv lock --refresh` by each route, the routes taking turns."""
    argv = [uv_bin, "lock", "--refresh"]
    for env, cwd in routes.values():
        run_once(argv, env, cwd)  # warm up (uv's cache, uvcreds' one mint); each one works
    samples: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(ROUNDS):
        for name, (env, cwd) in routes.items():
            samples[name] += [run_once(argv, env, cwd) for _ in range(RUNS)]
    return {name: statistics.median(values) for name, values in samples.items()}


def exported(
    uvcreds: str, args: Sequence[str], env: Mapping[str, str], cwd: Path, *, dump: bool = False
) -> dict[str, str]:
    """The variables `uvcreds export --format json` prints, or (dump) the whole environment
    `uvcreds exec ... --` gives a child."""
    show = [sys.executable, "-I", "-c", "import json, os; print(json.dumps(dict(os.environ)))"]
    argv = [uvcreds, *args, *(show if dump else [])]
    done = subprocess.run(argv, env=dict(env), cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"uvcreds {' '.join(args)} failed: {done.stderr.strip()}")
    values: dict[str, str] = json.loads(done.stdout)
    return values


def write_pyproject(directory: Path, indexes: Sequence[tuple[str, str]]) -> None:
    """A project depending on pkg-a (and pkg-b, pkg-c with three indexes); the last index is
    the default, so uv never asks PyPI."""
    packages = ["pkg-a", "pkg-b", "pkg-c"][: max(len(indexes), 1)]
    lines = [
        "[project]",
        'name = "bench"',
        'version = "0"',
        'requires-python = ">=3.9"',
        f"dependencies = {json.dumps(packages)}",
        "",
    ]
    for position, (name, url) in enumerate(indexes, start=1):
        lines += ["[[tool.uv.index]]", f'name = "{name}"', f'url = "{url}"']
        lines += ["default = true", ""] if position == len(indexes) else [""]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pyproject.toml").write_text("\n".join(lines))


if __name__ == "__main__":
    main()

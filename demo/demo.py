"""The bundled demo: uvcreds gets each vendor's credential and uv installs with it, offline.

Four vendors, each faked with the wire protocol (or the program) its real one speaks: AWS
CodeArtifact mints tokens over HTTP (boto3), Google's OAuth endpoint mints them for a
service-account key (google-auth), the Azure Artifacts credential provider prints them, and
a JFrog access token sits in a variable, as a user keeps one. Each vendor has a local
package index that takes only its own credential, with the vendor's username convention
(`aws`, `oauth2accesstoken`, `VssSessionToken`, an empty one for a JFrog token). Each is
shown on the three routes: exported into the shell, secret-free (uv asks uvcreds as its
keyring), and uv's own credential store kept fresh by uvcreds (no password in the
environment on the last two). Everything runs on 127.0.0.1 in a temporary
directory; your own cloud logins are not read.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.testing.fakes.bin import FakeBinDir  # noqa: E402
from tests.testing.fakes.codeartifact import CodeArtifactFake  # noqa: E402
from tests.testing.fakes.google import GoogleFake  # noqa: E402
from tests.testing.fakes.index import FakeIndex  # noqa: E402
from tests.testing.helpers import make_isolated_env, uv_bin, write_project  # noqa: E402

UV = shlex.quote(uv_bin())
# How to try each against the real vendor: the index URL shape, and the login uvcreds uses.
REAL = {
    "AWS CodeArtifact": "`aws sso login`, then an index at "
    "https://<domain>-<account>.d.codeartifact.<region>.amazonaws.com/pypi/<repo>/simple/",
    "Google Artifact Registry": "`gcloud auth application-default login`, then an index at "
    "https://<region>-python.pkg.dev/<project>/<repo>/simple/",
    "Azure Artifacts": "`az login` (or a PAT in a variable named by token-env), then an index "
    "at https://pkgs.dev.azure.com/<org>/<project>/_packaging/<feed>/pypi/simple/",
    "JFrog Artifactory": "your access token in JFROG_TOKEN, bound in ~/.config/uvcreds/"
    'config.toml (provider = "jfrog", password-env = "JFROG_TOKEN"), and authenticate = '
    '"always" on the index for the secret-free route',
}


def say(text: str) -> None:
    print(f"\n\033[1m# {text}\033[0m", flush=True)


def shell(command: str, env: dict[str, str], cwd: Path, lines: int = 6) -> Done:
    print(f"$ {command}", flush=True)
    done = subprocess.run(["bash", "-c", command], env=env, cwd=cwd, text=True, capture_output=True)
    for line in (done.stdout + done.stderr).splitlines()[-lines:]:
        print(f"  {line}")
    return Done(done.returncode, done.stdout)


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str


@dataclass(frozen=True)
class Vendor:
    """One vendor's fake, its index and what the user has: env and the config binding."""

    name: str
    index: FakeIndex
    env: dict[str, str]
    binding: str  # the [[credential]] keys after `url`
    index_keys: str = ""  # TOML lines for the project's index table
    asked: Callable[[], int] = lambda: 0  # how often the vendor was asked for a token
    in_store: bool = True  # uv's store refuses an empty username (a JFrog access token)


def project_for(vendor: Vendor, root: Path) -> Path:
    """A project whose one index is the vendor's, bound in the user's config to its URL."""
    project = root / vendor.name.split()[0].lower()
    pyproject = write_project(project, [("company-python", vendor.index.simple_url)])
    if vendor.index_keys:
        text = pyproject.read_text().replace(
            "default = true", f"default = true\n{vendor.index_keys}"
        )
        pyproject.write_text(text)
    config = Path(vendor.env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    with config.open("a") as out:
        out.write(f'[[credential]]\nurl = "{vendor.index.url}"\n{vendor.binding}\n')
    return project


def all_routes(vendor: Vendor, project: Path) -> bool:
    """uv lock three ways: through the exported variables, through uvcreds as uv's keyring,
    and through uv's own credential store that uvcreds keeps fresh (no password variable in
    uv's environment on the last two)."""
    say(f"{vendor.name}: exported, secret-free, then uv's credential store")
    shell("uvcreds status | grep -E 'provider|token'", vendor.env, project)
    exported = shell(
        f'eval "$(uvcreds export)" && {UV} lock --no-cache -q && echo locked', vendor.env, project
    )
    without = f"'env | grep -c _PASSWORD=; rm -f uv.lock; {UV} lock --no-cache -q && echo locked'"
    keyring = shell(f"uvcreds exec --keyring -- sh -c {without}", vendor.env, project)
    ok = exported.stdout.endswith("locked\n") and keyring.stdout == "0\nlocked\n"
    if not vendor.in_store:
        print("  (uv's store takes no empty username: a JFrog access token stays on the others)")
        return ok
    store = shell(f"uvcreds exec --store -- sh -c {without}", vendor.env, project)
    return ok and store.stdout == "0\nlocked\n"


def aws_walkthrough(
    codeartifact: CodeArtifactFake, index: FakeIndex, env: dict[str, str], root: Path
) -> tuple[bool, float, float]:
    """The first vendor step by step: refused, status, export, lock, the cache."""
    vendor = Vendor(
        "AWS CodeArtifact",
        index,
        env,
        'provider = "aws"\ndomain = "demo"\ndomain-owner = "111122223333"\nregion = "eu-west-1"',
    )
    # A CodeArtifact repository behind a custom domain (here: 127.0.0.1) is named in the
    # personal config; a real *.d.codeartifact.*.amazonaws.com URL needs nothing.
    project = project_for(vendor, root)
    say("A project whose dependency lives on a private index (CodeArtifact, faked)")
    shell("cat pyproject.toml", env, project, lines=20)
    say("Without credentials uv is refused")
    refused = shell(f"{UV} lock --no-cache", env, project)
    say("uvcreds knows the index and what it needs")
    shell("uvcreds status", env, project)
    say("Export the credentials and try again")
    started = time.perf_counter()
    done = shell(f'eval "$(uvcreds export)" && {UV} lock --no-cache', env, project)
    cold = time.perf_counter() - started
    say("Every later export, in any shell, reuses the cached token until it is due")
    started = time.perf_counter()
    shell("uvcreds export | sed 's/PASSWORD=.*/PASSWORD=<token>/'", env, project)
    warm = time.perf_counter() - started
    shell("uvcreds status | grep token", env, project)
    routes = all_routes(vendor, project)
    return refused.returncode != 0 and done.returncode == 0 and routes, cold, warm


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="uvcreds-demo-") as tmp:
        root = Path(tmp)
        env = make_isolated_env(root / "sandbox")
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        bins = FakeBinDir(root / "vendor-programs")
        env = bins.env(env)
        with (
            CodeArtifactFake() as codeartifact,
            GoogleFake("ya29.demo-google-token") as google,
            FakeIndex(root / "aws-packages") as aws_index,
            FakeIndex(root / "google-packages") as google_index,
            FakeIndex(root / "azure-packages") as azure_index,
            FakeIndex(root / "jfrog-packages") as jfrog_index,
        ):
            # The index trusts exactly the tokens CodeArtifact has minted, as the real one does.
            def mint(_: object) -> str:
                token = f"demo-token-{len(codeartifact.issued) + 1}-{os.urandom(4).hex()}"
                aws_index.creds = {"aws": token}
                return token

            codeartifact.token = mint
            for index in (aws_index, google_index, azure_index, jfrog_index):
                index.add_wheel("tinypkg", "0.1.0")
            env.update(codeartifact.aws_env(root / "aws"))
            env.update(google.service_account_env(root / "google"))
            azure = bins.credprovider()
            azure.set_endpoint(azure_index.simple_url, "vss-demo-token")
            env["JFROG_TOKEN"] = "jfrog-demo-access-token"
            google_index.creds = {"oauth2accesstoken": "ya29.demo-google-token"}
            azure_index.creds = {"VssSessionToken": "vss-demo-token"}
            jfrog_index.creds = {"": "jfrog-demo-access-token"}

            ok, cold, warm = aws_walkthrough(codeartifact, aws_index, env, root)
            others = [
                Vendor(
                    "Google Artifact Registry",
                    google_index,
                    env,
                    'provider = "google"',
                    asked=lambda: google.token_count,
                ),
                Vendor(
                    "Azure Artifacts",
                    azure_index,
                    env,
                    'provider = "azure"',
                    asked=lambda: azure.call_count,
                ),
                Vendor(
                    "JFrog Artifactory",
                    jfrog_index,
                    env,
                    'provider = "jfrog"\nusername = ""\npassword-env = "JFROG_TOKEN"',
                    index_keys='authenticate = "always"',
                    in_store=False,
                ),
            ]
            for vendor in others:
                ok = all_routes(vendor, project_for(vendor, root)) and ok
            print(
                f"\nCodeArtifact was asked {codeartifact.request_count} time(s), Google "
                f"{google.token_count}, the Azure credential provider {azure.call_count}; "
                f"first export + lock {cold:.2f}s, cached export {warm * 1000:.0f} ms."
            )
            ok = ok and codeartifact.request_count == 1 and google.token_count == 1
            say("Try it against your real vendor (uvcreds installed: `uv tool install .`)")
            for name, how in REAL.items():
                print(f"  {name}: {how}")
            print(
                '  Then `eval "$(uvcreds init bash --store)"` in ~/.bashrc (uv\'s store, uv '
                '0.8.15 or later), `eval "$(uvcreds init bash)"` (exported) or '
                '`eval "$(uvcreds init bash --keyring)"` (secret-free); `uvcreds doctor` '
                "explains any refusal."
            )
            print("demo: OK" if ok else "demo: FAILED", flush=True)
            return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The bundled demo: uvcreds gets a CodeArtifact token and uv installs with it, offline.

A fake AWS CodeArtifact endpoint (the same wire protocol boto3 speaks to the real one)
mints tokens; a local package index accepts only username `aws` with a token it minted.
Everything runs on 127.0.0.1 in a temporary directory; your own AWS config is not read.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.codeartifact import CodeArtifactFake  # noqa: E402
from tests.fakes.index import FakeIndex  # noqa: E402
from tests.helpers import make_isolated_env, uv_bin, write_project  # noqa: E402

UVCREDS = str(Path(sys.executable).parent / "uvcreds")


def say(text: str) -> None:
    print(f"\n\033[1m# {text}\033[0m", flush=True)


def shell(command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    print(f"$ {command}", flush=True)
    done = subprocess.run(["bash", "-c", command], env=env, cwd=cwd, text=True, capture_output=True)
    for line in (done.stdout + done.stderr).splitlines()[-6:]:
        print(f"  {line}")
    return done


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="uvcreds-demo-") as tmp:
        root = Path(tmp)
        with CodeArtifactFake() as codeartifact, FakeIndex(root / "packages") as index:
            # The index trusts exactly the tokens CodeArtifact has minted, as the real one does.
            def mint(_: object) -> str:
                token = f"demo-token-{len(codeartifact.issued) + 1}-{os.urandom(4).hex()}"
                index.creds = {"aws": token}
                return token

            codeartifact.token = mint
            index.add_wheel("tinypkg", "0.1.0")
            env = {**make_isolated_env(root / "sandbox"), **codeartifact.aws_env(root / "aws")}
            env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
            project = root / "project"
            write_project(project, [("company-python", index.simple_url)])
            # A CodeArtifact repository behind a custom domain (here: 127.0.0.1) is named in
            # the personal config; a real *.d.codeartifact.*.amazonaws.com URL needs nothing.
            config = Path(env["UVCREDS_CONFIG"])
            config.parent.mkdir(parents=True, exist_ok=True)
            config.write_text(
                f'[[credential]]\nurl = "{index.simple_url}"\nprovider = "aws"\n'
                'domain = "demo"\ndomain-owner = "111122223333"\nregion = "eu-west-1"\n'
            )
            uv = shlex.quote(uv_bin())

            say("A project whose dependency lives on a private index (CodeArtifact, faked)")
            shell("cat pyproject.toml", env, project)
            say("Without credentials uv is refused")
            refused = shell(f"{uv} lock --no-cache", env, project)
            say("uvcreds knows the index and what it needs")
            shell("uvcreds status", env, project)
            say("Export the credentials and try again")
            started = time.perf_counter()
            done = shell(f'eval "$(uvcreds export)" && {uv} lock --no-cache', env, project)
            cold = time.perf_counter() - started
            say("Every later export, in any shell, reuses the cached token until it is due")
            started = time.perf_counter()
            shell("uvcreds export | sed 's/PASSWORD=.*/PASSWORD=<token>/'", env, project)
            warm = time.perf_counter() - started
            shell("uvcreds status | grep token", env, project)
            say("Secret-free: uv asks uvcreds as its keyring, no password in the environment")
            keyring = shell(
                "uvcreds exec --keyring -- sh -c "
                f"'env | grep -c _PASSWORD=; rm -f uv.lock; {uv} lock --no-cache'",
                env,
                project,
            )
            print(
                f"\nCodeArtifact was asked {codeartifact.request_count} time(s); first export + "
                f"lock {cold:.2f}s, cached export {warm * 1000:.0f} ms."
            )
            ok = (
                refused.returncode != 0
                and done.returncode == 0
                and keyring.returncode == 0
                and keyring.stdout.startswith("0\n")
                and codeartifact.request_count == 1
            )
            print("demo: OK" if ok else "demo: FAILED", flush=True)
            return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The local stack without Docker: a real Kafka broker and FerretDB as plain processes.

    python3 deploy/local/stack.py install   # fetch and build what is missing (cached)
    python3 deploy/local/stack.py up        # install, then start Kafka and FerretDB (idempotent)
    python3 deploy/local/stack.py services  # start the eight services (idempotent)
    python3 deploy/local/stack.py down      # stop everything this stack started, services too
    python3 deploy/local/stack.py wipe      # down, then delete the stored data
    python3 deploy/local/stack.py status

Standard library only: it runs before the project's virtualenv exists. Everything it writes
lives under `.local/` at the repository root (git-ignored). When `KAFKA_BOOTSTRAP_SERVERS` or
`MONGO_URL` name servers of their own, the matching local process is not started.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LOCAL = Path(os.environ.get("STACK_HOME", ROOT / ".local"))
RUN, LOGS, DATA = LOCAL / "run", LOCAL / "logs", LOCAL / "data"

KAFKA_PORT, KAFKA_CONTROLLER_PORT, FERRETDB_PORT, POSTGRES_PORT = 9092, 9093, 27017, 55432
FERRETDB_POOL = 180  # PostgreSQL connections for FerretDB; PostgreSQL is started with max_connections=200
KAFKA_LIBS = LOCAL / "kafka" / "libs"
FERRETDB_VERSION = "v1.24.2"
FERRETDB_BIN = LOCAL / "bin" / "ferretdb"
FERRETDB_INDEXES = HERE / "ferretdb-indexes.sql"  # run on PostgreSQL at every start
# FerretDB's storage: "postgresql" (the default: it pushes equality filters down to indexes,
# see docs/storage.md) or "sqlite" (no server of its own, one writer at a time).
FERRETDB_HANDLER = os.environ.get("FERRETDB_HANDLER", "postgresql")
KAFKA_CLUSTER_ID = "cGFydHktYnVpbGRpbmc"  # any fixed 22-character base64 id
# The mail catcher: every mail (and, through it, every SMS) the notifications service sends
# locally, on its web page and its API (`/api/v1/messages`); SMTP_URL sends elsewhere.
MAILPIT_BIN = LOCAL / "bin" / "mailpit"
MAILPIT_SMTP_PORT, MAILPIT_HTTP_PORT = 1025, 8025


class StackError(RuntimeError):
    """Something could not be installed or did not come up; the message says what and why."""


def log(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def run(cmd: list[str], *, cwd: Path, what: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-30:]
        raise StackError(f"{what} failed ({' '.join(cmd)}):\n" + "\n".join(tail))


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def log_tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- installing -------------------------------------------------------------------------


def install_kafka() -> None:
    if KAFKA_LIBS.exists() and any(KAFKA_LIBS.glob("kafka_2.13-*.jar")):
        return
    log("fetching Kafka from Maven Central ...")
    staging = KAFKA_LIBS.with_name("libs.partial")
    shutil.rmtree(staging, ignore_errors=True)
    run(
        [
            "mvn",
            "-q",
            "-B",
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ],
        cwd=HERE / "kafka",
        what="fetching Kafka",
    )
    staging.rename(KAFKA_LIBS)


def go_build(name: str, package: str, binary: Path, *, vendored: Callable[[Path], None] = lambda _: None) -> None:
    """Builds `package` from the Go module proxy at the versions pinned in `<name>/go.mod` and
    `go.sum` here, into `binary`: fetched into a vendor folder (`vendored` may add to it), then
    built from it."""
    build = LOCAL / "build" / name
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    for pinned in ("go.mod", "go.sum"):
        shutil.copy(HERE / name / pinned, build / pinned)
    run(["go", "mod", "vendor"], cwd=build, what=f"fetching {name}")
    vendored(build / "vendor")
    binary.parent.mkdir(parents=True, exist_ok=True)
    run(["go", "build", "-mod=vendor", "-o", str(binary), package], cwd=build, what=f"building {name}")
    shutil.rmtree(build, ignore_errors=True)


def install_ferretdb() -> None:
    """Builds FerretDB at the version pinned in ferretdb/go.mod.

    FerretDB's version package refuses to start without the build/version/version.txt that
    its own build generates from git; a vendored copy is the one place we may add it.
    """
    if FERRETDB_BIN.exists():
        return
    log(f"building FerretDB {FERRETDB_VERSION} from the Go module proxy (about 2 minutes) ...")

    def versioned(vendor: Path) -> None:
        (vendor / "github.com/FerretDB/FerretDB/build/version/version.txt").write_text(FERRETDB_VERSION + "\n")

    go_build("ferretdb", "github.com/FerretDB/FerretDB/cmd/ferretdb", FERRETDB_BIN, vendored=versioned)


def install_mailpit() -> None:
    """Builds the Mailpit mail catcher at the version pinned in mailpit/go.mod, with its web app
    (`mailpit_app`)."""
    if MAILPIT_BIN.exists():
        return
    log("building the Mailpit mail catcher from the Go module proxy and npm (about a minute) ...")
    go_build("mailpit", "github.com/axllent/mailpit", MAILPIT_BIN, vendored=mailpit_app)


# Mailpit's web app pins packages npm here does not serve: built with these instead, and without
# its own tests' and linters' packages.
MAILPIT_APP_PINS = {"rapidoc": "9.3.8"}
MAILPIT_APP_BUILD = ("esbuild", "esbuild-plugin-vue-next", "esbuild-sass-plugin", "@vue/compiler-sfc")


def mailpit_app(vendor: Path) -> None:
    """Builds Mailpit's web app (npm and esbuild, from the module's own source) into the vendored
    copy, which embeds it. When it cannot be built the catcher still works without it: its API
    and each mail's page (`/view/{ID}.html`)."""
    mailpit = vendor / "github.com/axllent/mailpit"
    version = re.search(r"github.com/axllent/mailpit (v\S+)", (HERE / "mailpit" / "go.mod").read_text())
    cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True).stdout.strip()
    source = Path(cache) / f"github.com/axllent/mailpit@{version.group(1) if version else ''}"
    work = LOCAL / "build" / "mailpit-app"
    shutil.rmtree(work, ignore_errors=True)
    try:
        shutil.copytree(source, work)
        for folder, _, files in os.walk(work):  # the module cache is read-only
            for name in [".", *files]:
                os.chmod(Path(folder) / name, 0o755 if name == "." else 0o644)
        package = json.loads((work / "package.json").read_text())
        package["dependencies"].update(MAILPIT_APP_PINS)
        package["devDependencies"] = {k: v for k, v in package["devDependencies"].items() if k in MAILPIT_APP_BUILD}
        (work / "package.json").write_text(json.dumps(package, indent=2))
        (work / "package-lock.json").unlink(missing_ok=True)
        run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=work, what="Mailpit's app packages")
        run(["node", "esbuild.config.mjs"], cwd=work, what="building Mailpit's app", env={"MINIFY": "true"})
        shutil.copytree(work / "server/ui/dist", mailpit / "server/ui/dist", dirs_exist_ok=True)
    except (StackError, OSError, KeyError, json.JSONDecodeError) as exc:
        log(f"Mailpit's web app was not built, the catcher runs without it (its API works): {exc}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server installed from Debian's packages, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def install_postgres() -> None:
    if postgres_bin() is not None:
        return
    if os.geteuid() != 0:
        raise StackError("PostgreSQL is not installed: `sudo apt-get install postgresql`, or FERRETDB_HANDLER=sqlite")
    log("installing PostgreSQL from Debian's packages ...")
    run(["apt-get", "update", "-qq"], cwd=ROOT, what="apt-get update")
    run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
        cwd=ROOT,
        what="installing PostgreSQL",
    )


# --- processes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Process:
    """A long-running process of the stack, known by its pid file and the port it serves."""

    name: str
    port: int
    ready_line: str | None = None  # a log line that means "up"; else the open port does
    stop_signal: signal.Signals = signal.SIGTERM

    @property
    def pid_file(self) -> Path:
        return RUN / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return LOGS / f"{self.name}.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        return pid

    def start(self, cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 90) -> None:
        started = self.launch(cmd, env=env)
        if started is not None:
            self.wait_ready(*started, timeout)

    def launch(
        self, cmd: list[str], *, env: dict[str, str] | None = None
    ) -> tuple[subprocess.Popen[bytes], int] | None:
        """Starts the process, without waiting for it: the process and where its log began; None
        when it runs already."""
        if self.pid() is not None:
            log(f"{self.name} already running (pid {self.pid()})")
            return None
        if port_open(self.port):
            raise StackError(f"port {self.port} is taken by another process; {self.name} cannot start")
        RUN.mkdir(parents=True, exist_ok=True)
        LOGS.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            proc = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=ROOT,
                env={**os.environ, **(env or {})},
                start_new_session=True,
            )
        self.pid_file.write_text(str(proc.pid))
        return proc, self.log_file.stat().st_size

    def wait_ready(self, proc: subprocess.Popen[bytes], log_offset: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                tail = log_tail(self.log_file)
                raise StackError(f"{self.name} exited with code {proc.returncode}; its log ends:\n{tail}")
            if self._ready(log_offset):
                log(f"{self.name} up on port {self.port} (pid {proc.pid})")
                return
            time.sleep(0.2)
        self.stop()
        raise StackError(f"{self.name} did not come up within {timeout:.0f}s; its log ends:\n{log_tail(self.log_file)}")

    def _ready(self, log_offset: int) -> bool:
        if not port_open(self.port):
            return False
        if self.ready_line is None:
            return True
        with self.log_file.open("rb") as f:
            f.seek(log_offset)
            return self.ready_line.encode() in f.read()

    def stop(self, timeout: float = 20) -> None:
        pid = self.pid()
        self.pid_file.unlink(missing_ok=True)
        if pid is None:
            return
        for sig, wait in ((self.stop_signal, timeout), (signal.SIGKILL, 5)):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.1)
            if not _alive(pid):
                break
        log(f"{self.name} stopped")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie of our own is as good as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


KAFKA = Process("kafka", KAFKA_PORT, ready_line="Kafka Server started")
FERRETDB = Process("ferretdb", FERRETDB_PORT)
POSTGRES = Process("postgres", POSTGRES_PORT, stop_signal=signal.SIGINT)  # SIGINT: fast shutdown
MAILPIT = Process("mailpit", MAILPIT_SMTP_PORT)


def start_kafka() -> None:
    data = DATA / "kafka"
    data.mkdir(parents=True, exist_ok=True)
    config = LOCAL / "kafka" / "server.properties"
    config.write_text(
        (HERE / "kafka" / "server.properties")
        .read_text()
        .format(port=KAFKA_PORT, controller_port=KAFKA_CONTROLLER_PORT, data=data)
    )
    java = [
        "java",
        "-Xms256m",
        "-Xmx1g",
        # a broker on a developer's machine, started for a session: with the JIT's second tier
        # (C2) and G1, a city's load took Kafka 30 CPU-s, 9 of them C2 compiling and 3 G1's
        # threads; with C1's code alone and the serial collector, 16 (the requests' own threads
        # 9 CPU-s against 8.5; 13-14 until matching has caught up)
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        f"-Dlog4j2.configurationFile={HERE / 'kafka' / 'log4j2.properties'}",
        "-cp",
        f"{KAFKA_LIBS}/*",
    ]
    run(
        [
            *java,
            "kafka.tools.StorageTool",
            "format",
            "--ignore-formatted",
            "-t",
            KAFKA_CLUSTER_ID,
            "-c",
            str(config),
        ],
        cwd=ROOT,
        what="formatting Kafka storage",
    )
    KAFKA.start([*java, "kafka.Kafka", str(config)])


def as_postgres_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as Debian's `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def postgres_data() -> Path:
    """`.local/data/postgres`, unless the `postgres` user cannot reach it (a checkout under a
    private home, say): then a folder of this checkout's own in that user's home."""
    DATA.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or subprocess.run(as_postgres_user(["test", "-x", str(DATA)])).returncode == 0:
        return DATA / "postgres"
    checkout = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    return Path("/var/lib/postgresql/party-building") / checkout


def start_postgres() -> None:
    bin_dir = postgres_bin()
    assert bin_dir is not None
    data = postgres_data()
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            for folder in (data, *data.parents):
                if folder == DATA or str(folder) == "/var/lib/postgresql":
                    break
                shutil.chown(folder, "postgres", "postgres")
        run(
            as_postgres_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            cwd=data,
            what="initialising PostgreSQL",
        )
    POSTGRES.start(
        as_postgres_user(
            [
                str(bin_dir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(POSTGRES_PORT),
                "-k",
                str(data),
                "-c",
                "listen_addresses=127.0.0.1",
                # the city's database (~1.5 GB) in PostgreSQL's own memory: with 256 MB its load
                # wrote 2.7 GB of evicted pages and read 3.3 GB back through the kernel, and wrote
                # 2.5 GB of WAL instead of 1.8 (pages written again after each eviction)
                "-c",
                "shared_buffers=2GB",
                "-c",
                "max_connections=200",
                # a city's load writes gigabytes of WAL: a checkpoint every 1 GB (the default) came
                # once a minute, each followed by full-page images of every page written again
                # (pg_wal may now hold up to ~8 GB, and recovery after a crash replay more of it)
                "-c",
                "max_wal_size=8GB",
                "-c",
                "checkpoint_timeout=15min",
            ]
        )
    )
    exists = subprocess.run(
        as_postgres_user(
            [
                str(bin_dir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(POSTGRES_PORT),
                "-U",
                "postgres",
                "-tAc",
                "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'",
            ]
        ),
        cwd=data,
        capture_output=True,
        text=True,
    )
    if exists.stdout.strip() != "1":
        run(
            as_postgres_user(
                [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(POSTGRES_PORT), "-U", "postgres", "ferretdb"]
            ),
            cwd=data,
            what="creating FerretDB's database",
        )
    psql = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(POSTGRES_PORT), "-U", "postgres", "-d", "ferretdb"]
    run(
        as_postgres_user([*psql, "-q", "-v", "ON_ERROR_STOP=1", "-c", FERRETDB_INDEXES.read_text()]),
        cwd=data,
        what="indexing FerretDB's lookups",
    )


def start_ferretdb() -> None:
    data = DATA / "ferretdb"
    data.mkdir(parents=True, exist_ok=True)
    if FERRETDB_HANDLER == "postgresql":
        start_postgres()
        # FerretDB's pool (50 connections by default) can starve itself: a collection or index
        # being created waits for a connection while every connection waits for that creation
        # (docs/storage.md). With more connections than all clients together open, it cannot.
        url = f"postgres://postgres@127.0.0.1:{POSTGRES_PORT}/ferretdb?pool_max_conns={FERRETDB_POOL}"
        storage = ["--handler=postgresql", f"--postgresql-url={url}"]
    else:
        storage = ["--handler=sqlite", f"--sqlite-url=file:{data}/"]
    FERRETDB.start(
        [
            str(FERRETDB_BIN),
            *storage,
            f"--listen-addr=127.0.0.1:{FERRETDB_PORT}",
            f"--state-dir={data}",
            "--debug-addr=-",
            "--telemetry=disable",
            "--log-level=WARN",
        ],
        # garbage collected at eleven times the live heap, not twice: it converts every document
        # it is sent and reads back (GOGC=300: a city's load 114 CPU-s, 124-143 s in four runs
        # before, 134 MB resident after it; 1000: 100,000 member-sized documents written and read
        # back took it 8-14% less CPU than at 300, in three runs each)
        env={"GOGC": "1000"},
    )


def start_mailpit() -> None:
    MAILPIT.start(
        [
            str(MAILPIT_BIN),
            f"--smtp=127.0.0.1:{MAILPIT_SMTP_PORT}",
            f"--listen=127.0.0.1:{MAILPIT_HTTP_PORT}",
            "--max=0",  # keep every mail: a benchmark counts them
            "--smtp-auth-accept-any",
            "--smtp-auth-allow-insecure",
            "--quiet",
        ]
    )


SERVICES = {
    "organizations": 8001,
    "needs": 8002,
    "resources": 8003,
    "matching": 8004,
    "points": 8005,
    "notifications": 8006,
    "cobuilding": 8007,
    "gateway": 8000,
}
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def start_services() -> None:
    """The eight services, each `python -m <service>` in the project's virtualenv."""
    if not VENV_PYTHON.exists():
        raise StackError("no .venv yet: run `uv sync` (make up does) before starting the services")
    # all at once (they need nothing of each other to start): one after the other, the cores
    # were half idle for 20 s. Read models start from their snapshots, written when a service
    # stops (runtime.replica); without one, the registry loads its own before it listens.
    snapshots = {"SNAPSHOT_DIR": str(LOCAL / "snapshots")}
    processes = [Process(name, port) for name, port in SERVICES.items()]
    launched = [(p, p.launch([str(VENV_PYTHON), "-m", p.name], env=snapshots)) for p in processes]
    for process, started in launched:
        if started is not None:
            process.wait_ready(*started, timeout=600)


def start_demo(scale: str, since: float) -> subprocess.Popen[bytes]:
    """The demo's loader of that share of the synthetic city, started before the stack: it makes
    the city meanwhile, and loads it once `load_demo` says the services are up. `since`: when
    `up` began (the demo says how long it all took until matching caught up)."""
    command = [str(VENV_PYTHON), str(HERE / "demo.py"), "--scale", scale, "--since", str(since), "--when-told"]
    return subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE)


def load_demo(demo: subprocess.Popen[bytes]) -> None:
    """Tells the demo's loader the services are up, and waits until it has loaded the city."""
    assert demo.stdin is not None
    with contextlib.suppress(BrokenPipeError):  # it ended already: its exit says how
        demo.stdin.write(b"up\n")
        demo.stdin.close()
    if demo.wait() != 0:
        raise StackError("loading the demo failed (see above)")


def print_urls(elapsed: float, *, with_services: bool) -> None:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{KAFKA_PORT}")
    mongo = "MONGO_URL" if external("MONGO_URL") else f"mongodb://127.0.0.1:{FERRETDB_PORT}"
    lines = [f"Kafka            {kafka}", f"MongoDB          {mongo}"]
    if not external("SMTP_URL"):
        catcher = f"http://127.0.0.1:{MAILPIT_HTTP_PORT}/ (every mail and SMS sent; SMTP {MAILPIT_SMTP_PORT})"
        lines.append(f"Mail catcher     {catcher}")
    if with_services:
        lines += [
            f"City portal      http://127.0.0.1:{SERVICES['gateway']}/",
            f"Partner API      http://127.0.0.1:{SERVICES['gateway']}/docs",
            "Portal sign-in   city, district, street, community, org, member, resident (demo password pbs-demo-2026)",
            *(f"{name:<16} http://127.0.0.1:{port}/docs" for name, port in SERVICES.items() if name != "gateway"),
            f"Logs             {LOGS}",
        ]
    print(f"\nUp in {elapsed:.0f}s.\n  " + "\n  ".join(lines) + "\n\nStop it all with: make down", flush=True)


def external(var: str) -> bool:
    """True when the environment names a server of its own for this part of the stack."""
    return bool(os.environ.get(var))


def install() -> None:
    if not external("KAFKA_BOOTSTRAP_SERVERS"):
        install_kafka()
    if not external("MONGO_URL"):
        install_ferretdb()
        if FERRETDB_HANDLER == "postgresql":
            install_postgres()
    if not external("SMTP_URL"):
        install_mailpit()


def up() -> None:
    install()
    if external("KAFKA_BOOTSTRAP_SERVERS"):
        log(f"using Kafka at {os.environ['KAFKA_BOOTSTRAP_SERVERS']}")
    else:
        start_kafka()
    if external("MONGO_URL"):
        log("using MongoDB at MONGO_URL")
    else:
        start_ferretdb()
    if external("SMTP_URL"):
        log("sending mail through SMTP_URL")
    else:
        start_mailpit()


def down() -> None:
    """Stops every process with a pid file here: the services first, then the storage and Kafka."""
    infra = {KAFKA.name, FERRETDB.name, POSTGRES.name, MAILPIT.name}
    others = [Process(p.stem, 0) for p in RUN.glob("*.pid") if p.stem not in infra] if RUN.exists() else []
    for proc in [*others, MAILPIT, FERRETDB, POSTGRES, KAFKA]:
        proc.stop()


def wipe() -> None:
    """Stops everything and deletes the stored data (Kafka's, PostgreSQL's, FerretDB's); the
    downloads and builds stay."""
    down()
    for folder in (DATA, postgres_data()):
        shutil.rmtree(folder, ignore_errors=True)
    log("data deleted")


def status() -> None:
    procs = [Process(p.stem, 0) for p in sorted(RUN.glob("*.pid"))] if RUN.exists() else []
    if not procs:
        log("nothing running")
    for proc in procs:
        pid = proc.pid()
        log(f"{proc.name}: {'running, pid ' + str(pid) if pid else 'not running (stale pid file)'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["install", "up", "services", "down", "wipe", "status"])
    parser.add_argument("--services", action="store_true", help="with up: start the eight services too")
    parser.add_argument("--demo", metavar="SCALE", help="with up: load that share of the synthetic city")
    args = parser.parse_args()
    started, began = time.monotonic(), time.time()
    demo = None
    try:
        if args.command == "up" and args.demo:
            demo = start_demo(args.demo, since=began)
        {"install": install, "up": up, "services": start_services, "down": down, "wipe": wipe, "status": status}[
            args.command
        ]()
        if args.command == "up" and args.services:
            start_services()
        if demo is not None:
            load_demo(demo)
        if args.command == "up":
            print_urls(time.monotonic() - started, with_services=args.services)
    except StackError as exc:
        print(f"[stack] ERROR: {exc}", file=sys.stderr)
        return 1
    finally:
        if demo is not None and demo.poll() is None:  # the stack did not start: nothing to load
            demo.kill()
            demo.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

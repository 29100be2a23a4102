"""What every workload shares: the database, the workflow binary, processes, memory and results."""
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH = os.path.join(ROOT, "benchmarks")
OUT = os.path.join(ROOT, ".build", "bench")


def env_int(name, default):
    return int(os.environ.get(name, default))


def say(text):
    print(f"bench: {text}", flush=True)


def percentile(values, p):
    """Nearest-rank percentile of a list of numbers (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(round(p / 100 * len(ordered) + 0.5)))
    return ordered[min(rank, len(ordered)) - 1]


class Cluster:
    """The throwaway PostgreSQL of this run: one database per workload, made on demand."""

    def __init__(self, url):
        self.url = url
        parsed = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parsed.query)
        self.host = query["host"][0]
        self.port = query["port"][0]
        self.user = parsed.username

    def database_url(self, name):
        return re.sub(r"(postgres(ql)?://[^/]*/)[^?]*", r"\g<1>" + name, self.url)

    def psql(self, database, sql, variables=None, file=None):
        """Runs SQL (text or a file) in a database; returns the unaligned output."""
        command = ["psql", self.database_url(database), "-XAtq", "-v", "ON_ERROR_STOP=1"]
        for key, value in (variables or {}).items():
            command += ["-v", f"{key}={value}"]
        command += ["-f", file] if file else ["-c", sql]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()

    def create_database(self, name, template=None):
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.psql("postgres", f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))

    def pgbench_env(self):
        return dict(os.environ, PGHOST=self.host, PGPORT=self.port, PGUSER=self.user)


class Workflow:
    """The release build of `workflow`, run against one database of the cluster."""

    def __init__(self, binary, cluster, database):
        self.binary = binary
        self.cluster = cluster
        self.database = database
        self.env = dict(os.environ, DATABASE_URL=cluster.database_url(database))

    def run(self, *arguments):
        return subprocess.run([self.binary, *arguments], check=True, capture_output=True, text=True,
                              env=self.env).stdout

    def prepare(self, *workflow_files):
        self.run("migrate")
        for path in workflow_files:
            self.run("publish", os.path.join(BENCH, "workflows", path))

    def token(self, agent, *flags):
        output = self.run("agents", "add", agent, *flags)
        return re.search(r"^token: (\S+)", output, re.M).group(1)

    def start(self, *arguments, log):
        return subprocess.Popen([self.binary, *arguments], env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def serve(self, *arguments, log):
        """`workflow serve` on a free port, once it answers; returns (process, base URL)."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        process = self.start("serve", "--port", str(port), "--log-level", "error", *arguments, log=log)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return process, base
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("workflow serve did not start; see its log in .build/bench")


def stop(process):
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def memory_kib(pid, field):
    """VmRSS or VmHWM of a process, in KiB (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


class RSSSampler(threading.Thread):
    """Samples a process's resident memory every `interval` seconds, with a progress value."""

    def __init__(self, pid, progress, interval=0.5):
        super().__init__(daemon=True)
        self.pid, self.progress, self.interval = pid, progress, interval
        self.samples = []  # (progress, KiB)
        self.running = True

    def run(self):
        while self.running:
            kib = memory_kib(self.pid, "VmRSS")
            if kib is None:
                return
            self.samples.append((self.progress(), kib))
            time.sleep(self.interval)

    def finish(self):
        self.running = False
        self.join()
        return self.samples


class Results:
    """The entries of results.json, in the order they were measured."""

    def __init__(self):
        self.entries = {}

    def add(self, name, value, unit, reference=None, reference_value=None, **extra):
        ratio = round(value / reference_value, 3) if value is not None and reference_value else None
        self.entries[name] = {"value": value, "unit": unit, "reference": reference,
                              "reference_value": reference_value, "ratio": ratio, **extra}
        say(f"{name}: {value} {unit}" + (f" (reference {reference_value}, ratio {ratio})" if reference_value else ""))

    def save(self, path):
        with open(path, "w") as f:
            json.dump(self.entries, f, indent=2)


def rounded(value, digits=1):
    return None if value is None else round(value, digits)

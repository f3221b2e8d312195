#!/usr/bin/env python3
"""Summarises `perf script -F comm,tid,ip,sym,dso` output of the router: where its CPU samples go.

Prints, for every part of the router (logging, JSON, actors, ledger, HTTP in and out, GC, ...), the share of
samples whose stack passes through it (shares overlap: a JSON call made by the logger counts for both), the
share by thread name, and the top functions by self and by inclusive time.
"""
import collections
import re
import sys

# Matched against "<assembly>|<Namespace.Type::Method>|<dso>" of each frame, and "@thread <name>".
PARTS = [
    ("logging (Serilog: JSON log file with bodies, console)", re.compile(r"^Serilog|\|Serilog\.|OaiRouter\.Host\.Logging")),
    ("System.Text.Json (parse/serialise)", re.compile(r"^System\.Text\.Json\|")),
    ("regular expressions (any caller)", re.compile(r"RegularExpressions")),
    ("actors (Akka.NET, not persistence)", re.compile(r"^Akka(\.Remote|\.Streams)?\||\|Akka\.(Actor|Dispatch|Util)")),
    ("ledger journal + projection (Akka.Persistence.Sql, linq2db, SQLite)", re.compile(r"^Akka\.Persistence|^linq2db|LinqToDB|Microsoft\.Data\.Sqlite|SQLitePCL|e_sqlite3|OaiRouter\.Tracking|OaiRouter\.Actors\.Ledger")),
    ("request record (OaiRouter.Actors.Records)", re.compile(r"OaiRouter\.Actors\.Records")),
    ("metrics (prometheus-net)", re.compile(r"^Prometheus")),
    ("Kestrel + ASP.NET Core pipeline", re.compile(r"^Microsoft\.AspNetCore")),
    ("HttpClient to upstream (System.Net.Http)", re.compile(r"^System\.Net\.Http\|")),
    ("sockets", re.compile(r"^System\.Net\.Sockets\|")),
    ("router code (OaiRouter.*)", re.compile(r"\|OaiRouter\.")),
    ("garbage collector (GC threads)", re.compile(r"^@thread \.NET (Server GC|BGC)")),
    ("JIT / tiering", re.compile(r"libclrjit|TieredCompilation|^@thread \.NET Tiered")),
    ("kernel (syscalls, network stack, scheduler)", re.compile(r"\[kernel")),
]

# Each sample once, to the first of these its stack passes through (so the shares add up to 100%).
PARTITION = [
    ("secret redaction (SecretRedactor regex, record and log line)", re.compile(r"SecretRedactor")),
    ("JSON log line (Serilog, RedactingFormatter), redaction excluded", re.compile(r"^Serilog|\|Serilog\.|OaiRouter\.Host\.Logging")),
    ("ledger: journal writes + requests projection (Akka.Persistence.Sql, linq2db, SQLite)", re.compile(r"^Akka\.Persistence|^linq2db|LinqToDB|Microsoft\.Data\.Sqlite|SQLitePCL|e_sqlite3|OaiRouter\.Tracking|OaiRouter\.Actors\.Ledger")),
    ("request record built in the request actor (Records), redaction excluded", re.compile(r"OaiRouter\.Actors\.Records")),
    ("upstream call (OpenRouterClient, HttpClient)", re.compile(r"OaiRouter\.Actors\.Forwarding|^System\.Net\.Http\|")),
    ("Kestrel, ASP.NET Core, endpoint code", re.compile(r"^Microsoft\.AspNetCore|OaiRouter\.Host")),
    ("metrics (prometheus-net)", re.compile(r"^Prometheus")),
    ("other router code (OaiRouter.*)", re.compile(r"\|OaiRouter\.")),
    ("other actor/stream machinery (Akka)", re.compile(r"^Akka")),
    ("garbage collector threads", re.compile(r"^@thread \.NET (Server GC|BGC)")),
    ("JIT / tiering", re.compile(r"libclrjit|^@thread \.NET Tiered")),
    ("sockets, thread pool, kernel, other", re.compile(r".")),
]

FRAME = re.compile(r"\[([^\]]+)\]\s+([^\s(]+::[^\s(<]+)")


def describe(sym, dso):
    m = FRAME.search(sym)
    if m:
        return f"{m.group(1)}|{m.group(2)}|{dso}", m.group(2), m.group(1)
    return f"|{sym}|{dso}", sym, ""


def frames(path):
    """Yields (thread, [(symbol, dso) leaf first])."""
    thread, stack = None, []
    with open(path, errors="replace") as f:
        for line in f:
            if not line.strip():
                if thread is not None:
                    yield thread, stack
                thread, stack = None, []
                continue
            if not line.startswith((" ", "\t")):
                parts = line.split()
                # comm may contain spaces: the tid is the last field.
                thread = " ".join(parts[:-1]) if len(parts) > 1 else parts[0]
                thread = re.sub(r"\s*#?\d+$", "", thread)
                continue
            m = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\(([^)]*)\)\s*$", line)
            if m:
                stack.append((m.group(1), m.group(2)))
            else:
                stack.append((line.strip(), ""))
    if thread is not None:
        yield thread, stack


def clean(sym):
    sym = re.sub(r"\[(OptimizedTier1|Optimized|Tier0|Tier1|QuickJitted|MinOptJitted|OSR|PreJIT|Instrumented[^\]]*)\]", "", sym)
    sym = re.sub(r"\(.*$", "", sym)
    return sym.strip()


def main(path):
    total = 0
    inclusive = collections.Counter()
    by_thread = collections.Counter()
    self_sym = collections.Counter()
    incl_sym = collections.Counter()
    partition = collections.Counter()
    for thread, stack in frames(path):
        if not stack:
            continue
        total += 1
        by_thread[re.sub(r"\d+$", "N", thread)] += 1
        described = [describe(s, d) for s, d in stack]
        text = [t for t, _, _ in described] + ["@thread " + thread]
        for name, rx in PARTS:
            if any(rx.search(t) for t in text):
                inclusive[name] += 1
        for name, rx in PARTITION:
            if any(rx.search(t) for t in text):
                partition[name] += 1
                break
        _, leaf, asm = described[0]
        dso = stack[0][1]
        self_sym[(f"[{asm}] " if asm else "") + leaf + (" (" + dso.split("/")[-1] + ")" if not asm else "")] += 1
        seen = set()
        for _, method, asm in described:
            if asm and not asm.startswith(("System.Private.CoreLib", "System.Threading")) and method not in seen:
                seen.add(method)
                incl_sym[f"[{asm}] {method}"] += 1
    if total == 0:
        print("no samples")
        return
    print(f"\n{total} CPU samples of the router\n")
    print("share of samples whose stack passes through each part (overlapping):")
    for name, _ in PARTS:
        print(f"  {100.0 * inclusive[name] / total:5.1f}%  {name}")
    print("\neach sample once, to the first part its stack passes through (adds up to 100%):")
    for name, _ in PARTITION:
        print(f"  {100.0 * partition[name] / total:5.1f}%  {name}")
    print("\nshare by thread:")
    for name, n in by_thread.most_common(10):
        print(f"  {100.0 * n / total:5.1f}%  {name}")
    print("\ntop functions by self time:")
    for name, n in self_sym.most_common(25):
        print(f"  {100.0 * n / total:5.1f}%  {name[:150]}")
    print("\ntop functions by inclusive time (CoreLib left out):")
    for name, n in incl_sym.most_common(60):
        print(f"  {100.0 * n / total:5.1f}%  {name[:150]}")


if __name__ == "__main__":
    main(sys.argv[1])

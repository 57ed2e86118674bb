"""The scenario with kcat (Debian's kcat, librdkafka 2.0), driven through its command line.

kcat has no admin commands: the topic is created by the broker on first produce (auto-creation,
one partition), and the group cannot be described. Headers are given per kcat invocation, so every
record of one codec carries the same headers.
"""
import json
import re
import signal
import subprocess

from common import (BOOTSTRAP, GROUP, first_line, RECORDS_PER_CODEC, STEP_TIMEOUT_S, TOPIC, check, expect,
                    expected_offset_for_time, not_applicable, version)

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
produced = []
read = []


def kcat(*args, stdin=None, timeout=STEP_TIMEOUT_S):
    p = subprocess.run(["kcat", "-b", BOOTSTRAP, *args], input=stdin, capture_output=True, text=True,
                       timeout=timeout)
    # librdkafka logs "%<syslog level>|": 0-3 are errors; 4 and up are warnings it retries.
    errors = [l for l in p.stderr.splitlines()
              if "ERROR" in l or "Delivery failed" in l or l[:3] in ("%0|", "%1|", "%2|", "%3|")]
    expect(p.returncode == 0 and not errors, f"kcat {args[0]} exit {p.returncode}: "
           f"{first_line((errors or p.stderr.splitlines() or [''])[0])}")
    return p.stdout


def produce(codec):
    records = [{"key": f"k-{codec}-{i}", "value": f"v-{codec}-{i}-" + "varve" * 20,
                "headers": [("codec", codec)]} for i in range(RECORDS_PER_CODEC)]
    compression = [] if codec == "none" else ["-z", codec]
    kcat("-P", "-t", TOPIC, "-K", "\t", "-H", f"codec={codec}", "-X", "enable.idempotence=true",
         "-X", "acks=all", *compression, stdin="".join(f"{r['key']}\t{r['value']}\n" for r in records))
    produced.extend(records)
    return f"{len(records)} records, idempotent, acks=all"


def as_read(j):
    h = j.get("headers") or []
    return {"partition": j["partition"], "offset": j["offset"], "key": j["key"], "value": j["payload"],
            "timestamp": j["ts"], "headers": list(zip(h[0::2], h[1::2]))}


def read_back():
    from common import verify_log
    out = kcat("-C", "-t", TOPIC, "-o", "beginning", "-e", "-J", "-c", str(len(produced)))
    read.extend(as_read(json.loads(line)) for line in out.splitlines() if line.startswith("{"))
    return verify_log(produced, read)


def metadata():
    md = json.loads(kcat("-L", "-t", TOPIC, "-J"))
    topics = [t for t in md["topics"] if t["topic"] == TOPIC]
    expect(len(topics) == 1 and not topics[0].get("err") and len(topics[0]["partitions"]) >= 1,
           f"metadata for {TOPIC}: {topics}")
    return f"auto-created with {len(topics[0]['partitions'])} partition(s); {len(md['brokers'])} broker(s)"


def group_of_two():
    argv = ["kcat", "-b", BOOTSTRAP, "-G", GROUP, "-J", "-X", "auto.offset.reset=earliest",
            "-X", "enable.auto.commit=true", "-X", "auto.commit.interval.ms=100", TOPIC]
    members = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    # Both members run for a bounded time; SIGTERM makes each leave the group, committing what it read.
    outputs = []
    for i, m in enumerate(members):
        try:
            m.wait(timeout=STEP_TIMEOUT_S / 3 if i == 0 else 1)
        except subprocess.TimeoutExpired:
            pass
    for m in members:
        m.send_signal(signal.SIGTERM)
    for m in members:
        out, err = m.communicate(timeout=STEP_TIMEOUT_S)
        outputs.append((out, err))
    keys = [json.loads(l)["key"] for out, _ in outputs for l in out.splitlines() if l.startswith("{")]
    joined = sum(1 for _, err in outputs if "Assigned" in err or "assigned" in err)
    errors = [l for _, e in outputs for l in e.splitlines() if "ERROR" in l or l[:3] in ("%0|", "%1|", "%2|", "%3|")]
    expect(joined == 2, f"{joined} of 2 members saw an assignment; first error: {first_line((errors or ['none'])[0])}")
    expect(len(set(keys)) == len(produced), f"the group read {len(set(keys))} distinct records of {len(produced)}")
    # A third member of the group starts from the committed offsets: it must find nothing left.
    p = subprocess.run(["kcat", "-b", BOOTSTRAP, "-G", GROUP, "-J", "-e", TOPIC], capture_output=True, text=True,
                       timeout=STEP_TIMEOUT_S)
    again = [l for l in p.stdout.splitlines() if l.startswith("{")]
    expect(p.returncode == 0 and not again and f"offset {len(produced)}" in p.stderr,
           f"after the commit a new member read {len(again)} records (exit {p.returncode}): "
           f"{p.stderr.strip().splitlines()[-1:] }")
    return f"2 members, {len(set(keys))} records, commit resumes at offset {len(produced)}"


def offsets_by_time():
    ts, expected = expected_offset_for_time(read, 0)
    out = kcat("-Q", "-t", f"{TOPIC}:0:{ts}")
    # " <topic> [0] offset 42"
    got = [int(line.rsplit(" ", 1)[1]) for line in out.splitlines() if " offset " in line]
    expect(got == [expected], f"offset for time {ts}: {got}, expected {expected}")
    return f"partition 0: offset {expected}"


banner = subprocess.run(["kcat", "-V"], capture_output=True, text=True).stdout
found = re.search(r"Version (\S+) .*librdkafka (\S+)", banner)
version(f"kcat {found.group(1)}, librdkafka {found.group(2)}" if found else "kcat (version unknown)")
not_applicable("create-topic", "kcat has no admin commands; the topic is auto-created on first produce")
for codec in CODECS:
    check(f"produce-{codec}", lambda codec=codec: produce(codec))
check("metadata", metadata)
check("read-back", read_back)
check("group-of-two", group_of_two)
not_applicable("describe-group", "kcat cannot describe groups")
check("offsets-by-time", offsets_by_time)

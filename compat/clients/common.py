"""What every Python scenario of the client matrix shares: the records to produce, the checks'
reporting protocol, and the verification of what was read back.

A scenario prints one line per fact the orchestrator (compat/matrix.py) collects:

    VERSION <client version text>
    CHECK <name> PASS [detail]
    CHECK <name> FAIL <first error line>
    CHECK <name> N/A <why the client cannot do it>

A check that is never printed is recorded as failed ("not reached"), so a scenario that dies early
cannot pass. Runs on any Python 3.9+ with the standard library only.
"""
import json
import os
import re
import sys
import time
import traceback

BOOTSTRAP = os.environ["COMPAT_BOOTSTRAP"]
REPLICATION = int(os.environ.get("COMPAT_REPLICATION", "1"))
CLIENT = os.environ["COMPAT_CLIENT"]
# Unique per run, so a target reused across runs never mixes old records into the counts.
RUN_ID = os.environ.get("COMPAT_RUN_ID", str(int(time.time())))
TOPIC = f"compat-{CLIENT}-{RUN_ID}"
GROUP = f"compat-{CLIENT}-{RUN_ID}-group"
PARTITIONS = 3
RECORDS_PER_CODEC = 10
STEP_TIMEOUT_S = float(os.environ.get("COMPAT_STEP_TIMEOUT_S", "30"))


def records_for(codec):
    """The records produced with {@code codec}: unique keys, a compressible value, two headers."""
    return [
        {
            "key": f"k-{codec}-{i}",
            "value": f"v-{codec}-{i}-" + "varve" * 20,
            "headers": [("codec", codec), ("index", str(i))],
        }
        for i in range(RECORDS_PER_CODEC)
    ]


def version(text):
    print(f"VERSION {text}", flush=True)


def report(name, ok, detail=""):
    status = "PASS" if ok else "FAIL"
    print(f"CHECK {name} {status} {first_line(detail)}".rstrip(), flush=True)
    return ok


def not_applicable(name, why):
    print(f"CHECK {name} N/A {why}", flush=True)


def first_line(text):
    """The first line of text, without librdkafka's log prefix ("%3|<time>|<FAC>|<name>| [thrd:x]: ")."""
    text = str(text).strip()
    line = text.splitlines()[0] if text else ""
    return re.sub(r"%\d\|[\d.]+\|[A-Z]+\|[^|]*\| \[[^]]*\]: ", "", line)[:300]


def check(name, fn):
    """Runs fn(); PASS with its return value as detail, FAIL with the first line of any exception."""
    try:
        detail = fn()
        return report(name, True, "" if detail is None else detail)
    except Exception as e:  # noqa: BLE001 - every failure is a FAIL row, with its first line
        traceback.print_exc(file=sys.stderr)
        return report(name, False, f"{type(e).__name__}: {e}")


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def deadline(seconds=STEP_TIMEOUT_S):
    end = time.monotonic() + seconds
    return lambda: time.monotonic() < end


def verify_log(produced, read, partitions=None):
    """Asserts that {@code read} is exactly {@code produced}.

    produced: dicts with key, value, headers (list of (name, value) str pairs), in the order they
    were produced, each optionally with the partition and offset its delivery report gave.
    read: dicts with partition, offset, key, value, headers, as consumed.
    Each partition must hold offsets 0..n-1 with no gap, holding the produced records that landed in
    it in the order they were produced; nothing is missing, duplicated or extra. Returns a summary.
    """
    expect(len(produced) > 0, "nothing was produced")
    expect(len(read) == len(produced), f"read {len(read)} records, produced {len(produced)}")
    by_key = {}
    for r in read:
        expect(r["key"] not in by_key, f"key {r['key']} read twice")
        by_key[r["key"]] = r
    by_partition = {}
    for p in produced:
        r = by_key.get(p["key"])
        expect(r is not None, f"key {p['key']} was produced but not read")
        expect(r["value"] == p["value"], f"key {p['key']}: value {r['value']!r} != {p['value']!r}")
        expect(list(map(tuple, r["headers"])) == list(map(tuple, p["headers"])),
               f"key {p['key']}: headers {r['headers']} != {p['headers']}")
        if p.get("partition") is not None:
            expect(r["partition"] == p["partition"] and r["offset"] == p["offset"],
                   f"key {p['key']}: read at {r['partition']}/{r['offset']}, delivered at "
                   f"{p['partition']}/{p['offset']}")
        by_partition.setdefault(r["partition"], []).append(r)
    for partition, rs in by_partition.items():
        offsets = [r["offset"] for r in rs]
        expect(offsets == list(range(len(rs))),
               f"partition {partition}: offsets in production order are {offsets[:12]}..., "
               f"expected 0..{len(rs) - 1}")
    if partitions is not None:
        expect(set(by_partition) <= set(range(partitions)), f"partitions {sorted(by_partition)}")
    return f"{len(read)} records in {len(by_partition)} partitions"


def expected_offset_for_time(read, partition):
    """For the last record of {@code partition}: its timestamp, and the offset ListOffsets must answer
    for it (the earliest offset whose timestamp is at least that), from what was read."""
    rs = sorted((r for r in read if r["partition"] == partition), key=lambda r: r["offset"])
    expect(rs, f"nothing was read from partition {partition}")
    ts = rs[-1]["timestamp"]
    return ts, min(r["offset"] for r in rs if r["timestamp"] >= ts)


def dump(obj):
    return json.dumps(obj, sort_keys=True)

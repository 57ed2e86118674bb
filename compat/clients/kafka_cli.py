"""The scenario with Apache Kafka's own command-line tools (kafka-topics, kafka-configs, the console
producer and consumer, kafka-consumer-groups, kafka-get-offsets, producer-perf-test,
kafka-broker-api-versions), run through their main classes from the kafka-tools and kafka_2.13 jars
that compat/run.sh fetched (COMPAT_KAFKA_LIB)."""
import os
import re
import subprocess
import time

from common import (BOOTSTRAP, CheckFailed, GROUP, PARTITIONS, REPLICATION, STEP_TIMEOUT_S, TOPIC, check, deadline,
                    expect, expected_offset_for_time, records_for, verify_log, version)

LIB = os.environ["COMPAT_KAFKA_LIB"]
JAVA = ["java", "-Xmx256m", "-XX:TieredStopAtLevel=1", f"-Dlog4j2.configurationFile={os.environ['COMPAT_KAFKA_LOG4J']}",
        "-cp", f"{LIB}/*"]
TOOLS = {
    "topics": "org.apache.kafka.tools.TopicCommand",
    "configs": "kafka.admin.ConfigCommand",
    "producer": "org.apache.kafka.tools.ConsoleProducer",
    "consumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
    "groups": "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
    "get-offsets": "org.apache.kafka.tools.GetOffsetShell",
    "perf": "org.apache.kafka.tools.ProducerPerformance",
    "api-versions": "org.apache.kafka.tools.BrokerApiVersionsCommand",
}
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
produced = []
read = []


def tool(name, *args, stdin=None, timeout=STEP_TIMEOUT_S * 2):
    p = subprocess.run(JAVA + [TOOLS[name], *args], input=stdin, capture_output=True, text=True, timeout=timeout)
    errors = [l for l in p.stderr.splitlines() + p.stdout.splitlines()
              if re.search(r"^(Error|Exception)|\] ERROR ", l)]  # a tool's failure, or an ERROR log line
    expect(p.returncode == 0 and not errors,
           f"{name} exit {p.returncode}: {(errors or p.stderr.strip().splitlines() or [''])[0]}")
    return p.stdout


def create_topic():
    tool("topics", "--bootstrap-server", BOOTSTRAP, "--create", "--topic", TOPIC, "--partitions", str(PARTITIONS),
         "--replication-factor", str(REPLICATION))
    alive = deadline()
    while alive():
        described = tool("topics", "--bootstrap-server", BOOTSTRAP, "--describe", "--topic", TOPIC)
        rows = [l for l in described.splitlines() if "Partition:" in l and "Leader: none" not in l]
        if len(rows) == PARTITIONS:
            return f"{len(rows)} partitions described with leaders"
    raise AssertionError(f"--describe does not show {PARTITIONS} partitions with leaders")


def configs_describe():
    out = tool("configs", "--bootstrap-server", BOOTSTRAP, "--entity-type", "topics", "--entity-name", TOPIC,
               "--describe", "--all")
    expect(f"All configs for topic {TOPIC}" in out, f"unexpected output: {out.strip()[:200]}")
    settings = [l for l in out.splitlines() if "=" in l]
    expect(any("cleanup.policy=" in l for l in settings), "cleanup.policy is not described")
    return f"{len(settings)} configs of the topic"


def produce(codec):
    records = records_for(codec)
    lines = "".join(",".join(f"{k}:{v}" for k, v in r["headers"]) + f"\t{r['key']}\t{r['value']}\n" for r in records)
    tool("producer", "--bootstrap-server", BOOTSTRAP, "--topic", TOPIC, "--compression-codec", codec,
         "--command-property", "acks=all", "--command-property", "enable.idempotence=true",
         "--reader-property", "parse.key=true", "--reader-property", "parse.headers=true", stdin=lines)
    produced.extend(records)
    return f"{len(records)} records, idempotent, acks=all"


FORMAT = ["--formatter-property", "print.timestamp=true", "--formatter-property", "print.partition=true",
          "--formatter-property", "print.offset=true", "--formatter-property", "print.headers=true",
          "--formatter-property", "print.key=true"]


def parse_consumed(out):
    # CreateTime:<ts>\tPartition:<p>\tOffset:<o>\t<h1:v1,h2:v2>\t<key>\t<value>
    records = []
    for line in out.splitlines():
        if not line.startswith("CreateTime:"):
            continue
        ts, partition, offset, headers, key, value = line.split("\t")
        records.append({"timestamp": int(ts.split(":")[1]), "partition": int(partition.split(":")[1]),
                        "offset": int(offset.split(":")[1]), "key": key, "value": value,
                        "headers": [tuple(h.split(":", 1)) for h in headers.split(",")]})
    return records


def consume_back():
    # Not tool(): what was read before a failure counts, and the failure's cause is the detail.
    p = subprocess.run(JAVA + [TOOLS["consumer"], "--bootstrap-server", BOOTSTRAP, "--topic", TOPIC,
                               "--from-beginning", "--max-messages", str(len(produced)),
                               "--timeout-ms", str(int(STEP_TIMEOUT_S * 1000)), *FORMAT],
                       capture_output=True, text=True, timeout=STEP_TIMEOUT_S * 3)
    read.extend(parse_consumed(p.stdout))
    if len(read) != len(produced):
        cause = [l for l in (p.stdout + p.stderr).splitlines() if "Exception" in l or "ERROR" in l]
        raise CheckFailed(f"read {len(read)} of {len(produced)} records (exit {p.returncode}); "
                          f"{(cause or ['no error printed'])[-1].strip()[:200]}")
    return verify_log(produced, read, PARTITIONS)


group_state = {}


def group_of_two():
    argv = JAVA + [TOOLS["consumer"], "--bootstrap-server", BOOTSTRAP, "--topic", TOPIC, "--group", GROUP,
                   "--timeout-ms", "10000", "--command-property", "auto.offset.reset=earliest", *FORMAT]
    members = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(2)]
    try:
        # While both members run: the group must show two members with the partitions split between them.
        alive = deadline()
        members_seen = []
        while alive():
            try:
                out = tool("groups", "--bootstrap-server", BOOTSTRAP, "--describe", "--members", "--group", GROUP)
            except CheckFailed:  # GroupIdNotFound until the first member has joined
                continue
            members_seen = [l for l in out.splitlines() if GROUP in l and "consumer-" in l]
            if len(members_seen) == 2 and all(int(l.split()[-1]) > 0 for l in members_seen):
                break
            time.sleep(0.5)
        group_state["members"] = members_seen
        # Each member exits 10 s after its last record and commits what it read when it closes.
        outputs = [m.communicate(timeout=STEP_TIMEOUT_S * 3)[0] for m in members]
    finally:
        for m in members:
            if m.poll() is None:
                m.kill()
    keys = {r["key"] for out in outputs for r in parse_consumed(out)}
    expect(len(members_seen) == 2, f"--describe --members showed {len(members_seen)} members with partitions")
    expect(len(keys) == len(produced), f"the group read {len(keys)} distinct records of {len(produced)}")
    return f"2 members with partitions, {len(keys)} records"


def describe_offsets():
    out = tool("groups", "--bootstrap-server", BOOTSTRAP, "--describe", "--offsets", "--group", GROUP)
    rows = [l.split() for l in out.splitlines() if l.startswith(GROUP + " ")]
    # GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...
    expect(len(rows) == PARTITIONS, f"{len(rows)} partition rows in --describe --offsets")
    return sum(int(r[3]) for r in rows if r[3].isdigit()), sum(int(r[4]) for r in rows if r[4].isdigit())


def groups_list():
    out = tool("groups", "--bootstrap-server", BOOTSTRAP, "--list")
    expect(GROUP in out.split(), f"{GROUP} is not listed")
    return f"{len(out.split())} groups listed"


def groups_describe():
    committed, end = describe_offsets()
    expect(committed == len(produced) and end == len(produced),
           f"committed {committed}, log end {end}, expected {len(produced)}")
    return f"2 members while running; committed {committed} = log end {end}"


def groups_reset():
    tool("groups", "--bootstrap-server", BOOTSTRAP, "--reset-offsets", "--to-earliest", "--execute",
         "--group", GROUP, "--topic", TOPIC)
    committed, _ = describe_offsets()
    expect(committed == 0, f"after --reset-offsets --to-earliest the committed offsets sum to {committed}")
    return "reset to earliest: committed offsets sum to 0"


def get_offsets():
    out = tool("get-offsets", "--bootstrap-server", BOOTSTRAP, "--topic", TOPIC, "--time", "-1")
    ends = {int(l.split(":")[1]): int(l.split(":")[2]) for l in out.splitlines() if l.startswith(TOPIC + ":")}
    expect(len(ends) == PARTITIONS and sum(ends.values()) == len(produced), f"latest offsets {ends}")
    return f"latest offsets sum to {sum(ends.values())}"


def offsets_by_time():
    expect(read, "nothing was read back to take timestamps from")
    got, expected = {}, {}
    for p in sorted({r["partition"] for r in read}):
        ts, expected[p] = expected_offset_for_time(read, p)
        out = tool("get-offsets", "--bootstrap-server", BOOTSTRAP, "--topic", TOPIC, "--partitions", str(p),
                   "--time", str(ts))
        got.update({int(l.split(":")[1]): int(l.split(":")[2]) for l in out.splitlines() if l.startswith(TOPIC + ":")})
    expect(got == expected and got, f"offsets for times {got}, expected {expected}")
    return f"{len(got)} partitions"


def producer_perf():
    n = 2000
    out = tool("perf", "--topic", TOPIC + "-perf", "--num-records", str(n), "--record-size", "100",
               "--throughput", "-1", "--command-property", f"bootstrap.servers={BOOTSTRAP}", "acks=all")
    expect(f"{n} records sent" in out, f"no '{n} records sent' in: {out.strip().splitlines()[-1:]}")
    return f"{n} records sent, acks=all"


def api_versions():
    out = tool("api-versions", "--bootstrap-server", BOOTSTRAP)
    # "Produce(0): 3 to 13 [usable: 13]", "Heartbeat(12): 4 [usable: 4]" or "Heartbeat(12): UNSUPPORTED"
    apis = [(name, low, high or low) for name, low, high in
            re.findall(r"^\s+([A-Za-z]+)\(\d+\): (\d+)(?: to (\d+))?", out, re.MULTILINE)]
    expect(any(a[0] == "Produce" for a in apis), f"no Produce in: {out.strip()[:200]}")
    for name, low, high in dict.fromkeys(apis):  # the suite's table of advertised versions (per node: first)
        print(f"APIVERSIONS {name} {low} {high}", flush=True)
    return f"{len(apis)} APIs listed"


version(next(l for l in tool("topics", "--version").splitlines() if l.strip()).strip() + " (kafka-tools)")
if check("create-topic", create_topic):
    check("configs-describe", configs_describe)
    for codec in CODECS:
        check(f"produce-{codec}", lambda codec=codec: produce(codec))
    check("consume-back", consume_back)
    check("group-of-two", group_of_two)
    check("groups-list", groups_list)
    check("groups-describe", groups_describe)
    check("groups-reset-offsets", groups_reset)
    check("get-offsets", get_offsets)
    check("offsets-by-time", offsets_by_time)
    check("producer-perf-test", producer_perf)
    check("broker-api-versions", api_versions)

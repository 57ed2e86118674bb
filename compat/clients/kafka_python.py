"""The scenario with kafka-python (Debian's python3-kafka, 2.0). kafka-python 2.0 has no idempotent
producer; it produces with acks=all."""
from common import (BOOTSTRAP, GROUP, PARTITIONS, REPLICATION, STEP_TIMEOUT_S, TOPIC, check, deadline,
                    expect, expected_offset_for_time, records_for, verify_log, version)
import threading
import time

import kafka
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
version(f"kafka-python {kafka.__version__}")
timeout_ms = int(STEP_TIMEOUT_S * 1000)
admin = None
produced = []
read = []
members = []


def create_topic():
    global admin
    admin = KafkaAdminClient(bootstrap_servers=BOOTSTRAP, request_timeout_ms=timeout_ms)
    admin.create_topics([NewTopic(TOPIC, PARTITIONS, REPLICATION)], timeout_ms=timeout_ms)
    probe = KafkaConsumer(bootstrap_servers=BOOTSTRAP)
    try:
        alive = deadline()
        while alive():
            if len(probe.partitions_for_topic(TOPIC) or ()) == PARTITIONS:
                return f"{PARTITIONS} partitions; broker version guessed {admin.config['api_version']}"
    finally:
        probe.close()
    raise AssertionError(f"metadata does not show {TOPIC} with {PARTITIONS} partitions")


def produce(codec):
    producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", linger_ms=5, request_timeout_ms=timeout_ms,
                             compression_type=None if codec == "none" else codec)
    try:
        records = records_for(codec)
        futures = [producer.send(TOPIC, key=r["key"].encode(), value=r["value"].encode(),
                                 headers=[(k, v.encode()) for k, v in r["headers"]]) for r in records]
        for r, f in zip(records, futures):
            md = f.get(timeout=STEP_TIMEOUT_S)
            r["partition"], r["offset"] = md.partition, md.offset
    finally:
        producer.close(timeout=STEP_TIMEOUT_S)
    produced.extend(records)
    return f"{len(records)} records, acks=all (no idempotence in kafka-python 2.0)"


def as_read(msg):
    return {"partition": msg.partition, "offset": msg.offset, "key": msg.key.decode(), "value": msg.value.decode(),
            "timestamp": msg.timestamp, "headers": [(k, v.decode()) for k, v in msg.headers]}


def read_back():
    consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False, group_id=None)
    try:
        consumer.assign([TopicPartition(TOPIC, p) for p in range(PARTITIONS)])
        consumer.seek_to_beginning()
        alive = deadline()
        while alive() and len(read) < len(produced):
            for batch in consumer.poll(timeout_ms=500).values():
                read.extend(as_read(m) for m in batch)
    finally:
        consumer.close()
    return verify_log(produced, read, PARTITIONS)


def group_of_two():
    # One thread per member: a kafka-python consumer joins the group inside poll(), and a join waits
    # for every member to rejoin, so two members polled by one thread would wait for each other.
    seen = set()
    lock = threading.Lock()
    stop = threading.Event()

    def run(member):
        while not stop.is_set():
            for batch in member.poll(timeout_ms=200).values():
                with lock:
                    seen.update(msg.key.decode() for msg in batch)
        member.commit()

    for _ in range(2):
        m = KafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=GROUP, enable_auto_commit=False,
                          auto_offset_reset="earliest", session_timeout_ms=10000, heartbeat_interval_ms=1000)
        m.subscribe([TOPIC])
        members.append(m)
    threads = [threading.Thread(target=run, args=(m,), daemon=True) for m in members]
    for t in threads:
        t.start()
    alive = deadline(2 * STEP_TIMEOUT_S)
    while alive() and not (len(seen) == len(produced) and all(m.assignment() for m in members)):
        time.sleep(0.1)
    sizes = [len(m.assignment()) for m in members]
    stop.set()
    for t in threads:
        t.join(STEP_TIMEOUT_S)
    expect(not any(t.is_alive() for t in threads), "a member did not stop polling")
    expect(all(sizes), f"a member has no partitions: assignments {sizes}")
    expect(len(seen) == len(produced), f"the group read {len(seen)} distinct records of {len(produced)}")
    return f"assignments {sizes}, {len(seen)} records, committed"


def describe_group():
    described = admin.describe_consumer_groups([GROUP])
    expect(len(described) == 1, f"{len(described)} groups described")
    g = described[0]
    expect(g.state == "Stable" and len(g.members) == 2, f"state {g.state}, {len(g.members)} members")
    offsets = admin.list_consumer_group_offsets(GROUP)
    total = sum(o.offset for tp, o in offsets.items() if tp.topic == TOPIC)
    expect(total == len(produced), f"committed offsets sum to {total}, expected {len(produced)}")
    for m in members:
        m.close()
    return f"Stable, 2 members; committed offsets sum to {total}"


def offsets_by_time():
    consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None)
    try:
        partitions = sorted({r["partition"] for r in read})
        queries, expected = {}, {}
        for p in partitions:
            ts, offset = expected_offset_for_time(read, p)
            queries[TopicPartition(TOPIC, p)] = ts
            expected[p] = offset
        answers = consumer.offsets_for_times(queries)
    finally:
        consumer.close()
    got = {tp.partition: (a.offset if a else None) for tp, a in answers.items()}
    expect(got == expected, f"offsets for times {got}, expected {expected}")
    return f"{len(got)} partitions"


if check("create-topic", create_topic):
    for codec in CODECS:
        check(f"produce-{codec}", lambda codec=codec: produce(codec))
    check("read-back", read_back)
    check("group-of-two", group_of_two)
    check("describe-group", describe_group)
    check("offsets-by-time", offsets_by_time)

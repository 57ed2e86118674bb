"""The scenario with confluent-kafka for Python (Debian's python3-confluent-kafka, librdkafka 2.0)."""
from common import (BOOTSTRAP, GROUP, PARTITIONS, REPLICATION, STEP_TIMEOUT_S, TOPIC, check, deadline,
                    expect, expected_offset_for_time, records_for, verify_log, version)
import confluent_kafka
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
version(f"confluent-kafka {confluent_kafka.version()[0]}, librdkafka {confluent_kafka.libversion()[0]}")
common_conf = {"bootstrap.servers": BOOTSTRAP, "socket.timeout.ms": 10000}
admin = AdminClient(common_conf)
produced = []
read = []


def create_topic():
    futures = admin.create_topics([NewTopic(TOPIC, PARTITIONS, REPLICATION)], operation_timeout=STEP_TIMEOUT_S)
    futures[TOPIC].result(timeout=STEP_TIMEOUT_S)
    alive = deadline()
    while alive():
        md = admin.list_topics(TOPIC, timeout=STEP_TIMEOUT_S).topics[TOPIC]
        if md.error is None and len(md.partitions) == PARTITIONS:
            return f"{PARTITIONS} partitions"
    raise AssertionError(f"metadata does not show {TOPIC} with {PARTITIONS} partitions")


def produce(codec):
    producer = Producer({**common_conf, "enable.idempotence": True, "acks": "all", "compression.type": codec,
                         "linger.ms": 5, "message.timeout.ms": int(STEP_TIMEOUT_S * 1000)})
    records = records_for(codec)
    errors = []

    def delivered(err, msg, record):
        if err is not None:
            errors.append(str(err))
        else:
            record["partition"], record["offset"] = msg.partition(), msg.offset()

    for r in records:
        producer.produce(TOPIC, key=r["key"], value=r["value"], headers=r["headers"],
                         on_delivery=lambda err, msg, r=r: delivered(err, msg, r))
    left = producer.flush(STEP_TIMEOUT_S)
    expect(not errors, f"delivery failed: {errors[0] if errors else ''}")
    expect(left == 0, f"{left} records not delivered within {STEP_TIMEOUT_S} s")
    expect(all("offset" in r for r in records), "a record has no delivery report")
    produced.extend(records)
    return f"{len(records)} records, idempotent, acks=all"


def as_read(msg):
    return {"partition": msg.partition(), "offset": msg.offset(), "key": msg.key().decode(),
            "value": msg.value().decode(), "timestamp": msg.timestamp()[1],
            "headers": [(k, v.decode()) for k, v in (msg.headers() or [])]}


def read_back():
    consumer = Consumer({**common_conf, "group.id": GROUP + "-reader", "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition(TOPIC, p, confluent_kafka.OFFSET_BEGINNING) for p in range(PARTITIONS)])
        alive = deadline()
        while alive() and len(read) < len(produced):
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            expect(msg.error() is None, f"consume error: {msg.error()}")
            read.append(as_read(msg))
    finally:
        consumer.close()
    return verify_log(produced, read, PARTITIONS)


members = []


def group_of_two():
    conf = {**common_conf, "group.id": GROUP, "enable.auto.commit": False, "auto.offset.reset": "earliest",
            "session.timeout.ms": 10000}
    members.extend([Consumer(conf), Consumer(conf)])
    for m in members:
        m.subscribe([TOPIC])
    seen = set()
    alive = deadline(2 * STEP_TIMEOUT_S)
    while alive() and not (len(seen) == len(produced) and all(m.assignment() for m in members)):
        for m in members:
            msg = m.poll(0.2)
            if msg is not None and msg.error() is None:
                seen.add(msg.key().decode())
    sizes = [len(m.assignment()) for m in members]
    expect(all(sizes), f"a member has no partitions: assignments {sizes}")
    expect(len(seen) == len(produced), f"the group read {len(seen)} distinct records of {len(produced)}")
    for m in members:
        m.commit(asynchronous=False)
    return f"assignments {sizes}, {len(seen)} records, committed"


def describe_group():
    groups = admin.list_groups(GROUP, timeout=STEP_TIMEOUT_S)
    expect(len(groups) == 1, f"{len(groups)} groups described")
    g = groups[0]
    expect(g.state == "Stable" and len(g.members) == 2, f"state {g.state}, {len(g.members)} members")
    for m in members:
        m.close()
    checker = Consumer({**common_conf, "group.id": GROUP, "enable.auto.commit": False})
    try:
        committed = checker.committed([TopicPartition(TOPIC, p) for p in range(PARTITIONS)], timeout=STEP_TIMEOUT_S)
    finally:
        checker.close()
    total = sum(tp.offset for tp in committed if tp.offset >= 0)
    expect(total == len(produced), f"committed offsets sum to {total}, expected {len(produced)}")
    return f"Stable, 2 members (DescribeGroups); committed offsets sum to {total}"


def offsets_by_time():
    consumer = Consumer({**common_conf, "group.id": GROUP + "-times"})
    try:
        partitions = sorted({r["partition"] for r in read})
        queries, expected = [], {}
        for p in partitions:
            ts, offset = expected_offset_for_time(read, p)
            queries.append(TopicPartition(TOPIC, p, ts))
            expected[p] = offset
        answers = consumer.offsets_for_times(queries, timeout=STEP_TIMEOUT_S)
    finally:
        consumer.close()
    got = {tp.partition: tp.offset for tp in answers}
    expect(got == expected, f"offsets for times {got}, expected {expected}")
    return f"{len(got)} partitions"


check("create-topic", create_topic)
for codec in CODECS:
    check(f"produce-{codec}", lambda codec=codec: produce(codec))
check("read-back", read_back)
check("group-of-two", group_of_two)
check("describe-group", describe_group)
check("offsets-by-time", offsets_by_time)

// The scenario with KafkaJS (`node kafkajs_scenario.js kafkajs`) or with the KafkaJS-style API of
// @confluentinc/kafka-javascript (`node kafkajs_scenario.js @confluentinc/kafka-javascript`), which
// runs on the newest librdkafka. Same reporting protocol and checks as common.py.
'use strict';

const which = process.argv[2];
const BOOTSTRAP = process.env.COMPAT_BOOTSTRAP.split(',');
const REPLICATION = Number(process.env.COMPAT_REPLICATION || '1');
const RUN_ID = process.env.COMPAT_RUN_ID || String(Date.now());
const TOPIC = `compat-${process.env.COMPAT_CLIENT}-${RUN_ID}`;
const GROUP = `${TOPIC}-group`;
const PARTITIONS = 3;
const RECORDS_PER_CODEC = 10;
const STEP_TIMEOUT_MS = Number(process.env.COMPAT_STEP_TIMEOUT_S || '30') * 1000;

// What differs between the two libraries: configuration shape, codecs, states, assignments.
function kafkajsAdapter() {
  const { Kafka, CompressionTypes, logLevel } = require('kafkajs');
  const kafka = new Kafka({ clientId: 'varve-compat', brokers: BOOTSTRAP, logLevel: logLevel.ERROR,
    requestTimeout: 10000, retry: { retries: 3 } });
  return {
    version: `kafkajs ${require('kafkajs/package.json').version}`,
    // Snappy, LZ4 and ZSTD need third-party codec packages in KafkaJS; only GZIP is built in.
    codecs: { none: CompressionTypes.None, gzip: CompressionTypes.GZIP },
    missingCodecs: ['snappy', 'lz4', 'zstd'],
    admin: () => kafka.admin(),
    producer: async (codec) => {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      return { send: (messages) => p.send({ topic: TOPIC, acks: -1, compression: codec, messages }),
        disconnect: () => p.disconnect() };
    },
    consumer: (groupId, autoCommit) => {
      const c = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
      let assigned = 0;
      c.on(c.events.GROUP_JOIN, (e) => {
        assigned = Object.values(e.payload.memberAssignment).reduce((n, ps) => n + ps.length, 0);
      });
      return { raw: c, subscribe: () => c.subscribe({ topics: [TOPIC], fromBeginning: true }),
        run: (eachMessage) => c.run({ autoCommit, autoCommitInterval: 100, eachMessage }),
        assigned: () => assigned };
    },
    isStable: (g) => g.state === 'Stable',
    groupsOf: (d) => d.groups,
  };
}

function confluentAdapter() {
  const lib = require('@confluentinc/kafka-javascript');
  const { Kafka, CompressionTypes, logLevel, ConsumerGroupStates } = lib.KafkaJS;
  const kafka = new Kafka({ kafkaJS: { clientId: 'varve-compat', brokers: BOOTSTRAP, logLevel: logLevel.ERROR } });
  return {
    version: `@confluentinc/kafka-javascript ${require('@confluentinc/kafka-javascript/package.json').version}, ` +
      `librdkafka ${lib.librdkafkaVersion}`,
    codecs: { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.SNAPPY,
      lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD },
    missingCodecs: [],
    admin: () => kafka.admin(),
    producer: async (codec) => {
      // acks and compression are per producer here, not per send.
      const p = kafka.producer({ kafkaJS: { idempotent: true, acks: -1, compression: codec } });
      await p.connect();
      return { send: (messages) => p.send({ topic: TOPIC, messages }), disconnect: () => p.disconnect() };
    },
    consumer: (groupId, autoCommit) => {
      const c = kafka.consumer({ kafkaJS: { groupId, fromBeginning: true, autoCommit, autoCommitInterval: 100,
        sessionTimeout: 10000 } });
      return { raw: c, subscribe: () => c.subscribe({ topics: [TOPIC] }), run: (eachMessage) => c.run({ eachMessage }),
        assigned: () => c.assignment().length };
    },
    isStable: (g) => g.state === ConsumerGroupStates.STABLE,
    groupsOf: (d) => d.groups,
  };
}

const client = which === 'kafkajs' ? kafkajsAdapter() : confluentAdapter();

function recordsFor(codec) {
  return Array.from({ length: RECORDS_PER_CODEC }, (_, i) => ({
    key: `k-${codec}-${i}`, value: `v-${codec}-${i}-` + 'varve'.repeat(20),
    headers: [['codec', codec], ['index', String(i)]],
  }));
}

function firstLine(text) {
  return String(text).trim().split('\n')[0].slice(0, 300);
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(timer));
}

async function check(name, fn, ms = STEP_TIMEOUT_MS) {
  try {
    const detail = await withTimeout(fn(), ms, name);
    console.log(`CHECK ${name} PASS ${firstLine(detail ?? '')}`.trimEnd());
    return true;
  } catch (e) {
    console.error(e);
    console.log(`CHECK ${name} FAIL ${firstLine(`${e.name}: ${e.message}`)}`);
    return false;
  }
}

async function until(condition, ms, what, refresh = async () => {}) {
  const end = Date.now() + ms;
  while ((await refresh(), !condition())) {
    expect(Date.now() < end, `${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// As verify_log in common.py: exactly what was produced, offsets 0..n-1 per partition in production order.
function verifyLog(produced, read) {
  expect(produced.length > 0, 'nothing was produced');
  expect(read.length === produced.length, `read ${read.length} records, produced ${produced.length}`);
  const byKey = new Map();
  for (const r of read) {
    expect(!byKey.has(r.key), `key ${r.key} read twice`);
    byKey.set(r.key, r);
  }
  const byPartition = new Map();
  for (const p of produced) {
    const r = byKey.get(p.key);
    expect(r, `key ${p.key} was produced but not read`);
    expect(r.value === p.value, `key ${p.key}: value ${r.value} differs`);
    expect(JSON.stringify(r.headers) === JSON.stringify(p.headers),
      `key ${p.key}: headers ${JSON.stringify(r.headers)} != ${JSON.stringify(p.headers)}`);
    expect(r.partition === p.partition && r.offset === p.offset,
      `key ${p.key}: read at ${r.partition}/${r.offset}, delivered at ${p.partition}/${p.offset}`);
    if (!byPartition.has(r.partition)) byPartition.set(r.partition, []);
    byPartition.get(r.partition).push(r.offset);
  }
  for (const [partition, offsets] of byPartition) {
    expect(offsets.every((o, i) => o === i), `partition ${partition}: offsets ${offsets.slice(0, 12)}...`);
  }
  return `${read.length} records in ${byPartition.size} partitions`;
}

function asRead(partition, m) {
  return { partition, offset: Number(m.offset), key: m.key.toString(), value: m.value.toString(),
    timestamp: Number(m.timestamp),
    headers: Object.entries(m.headers || {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString() : String(v)]) };
}

async function main() {
  console.log(`VERSION ${client.version}`);
  const admin = client.admin();
  await admin.connect();
  const produced = [];
  const read = [];
  const members = [];

  await check('create-topic', async () => {
    // No waitForLeaders: @confluentinc/kafka-javascript does not implement it; metadata is polled instead.
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: REPLICATION }],
      timeout: STEP_TIMEOUT_MS });
    let partitions = 0;
    await until(() => partitions === PARTITIONS, STEP_TIMEOUT_MS - 2000, `${PARTITIONS} partitions in metadata`,
      async () => {
        const md = await admin.fetchTopicMetadata({ topics: [TOPIC] }).catch(() => null);
        // KafkaJS answers { topics: [...] }, the confluent client the array itself.
        const topic = md && (md.topics || md)[0];
        partitions = topic ? topic.partitions.length : 0;
      });
    return `${partitions} partitions`;
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    if (client.missingCodecs.includes(codec)) {
      console.log(`CHECK produce-${codec} N/A ${codec} needs a third-party codec package in KafkaJS`);
      continue;
    }
    await check(`produce-${codec}`, async () => {
      const producer = await client.producer(client.codecs[codec]);
      try {
        const records = recordsFor(codec);
        // One record per send, so each delivery report names that record's partition and offset.
        for (const r of records) {
          const [md] = await producer.send([{ key: r.key, value: r.value, headers: Object.fromEntries(r.headers) }]);
          expect(md && (md.errorCode ?? 0) === 0, `delivery report ${JSON.stringify(md)}`);
          r.partition = md.partition;
          r.offset = Number(md.baseOffset);
        }
        produced.push(...records);
        return `${records.length} records, idempotent, acks=all`;
      } finally {
        await producer.disconnect();
      }
    });
  }

  await check('read-back', async () => {
    const reader = client.consumer(`${GROUP}-reader`, false);
    await reader.raw.connect();
    try {
      await reader.subscribe();
      await reader.run(async ({ partition, message }) => { read.push(asRead(partition, message)); });
      await until(() => read.length >= produced.length, STEP_TIMEOUT_MS - 2000, `${produced.length} records`);
    } finally {
      await reader.raw.disconnect();
    }
    return verifyLog(produced, read);
  });

  await check('group-of-two', async () => {
    const seen = new Set();
    for (let i = 0; i < 2; i++) {
      const m = client.consumer(GROUP, true);
      await m.raw.connect();
      await m.subscribe();
      await m.run(async ({ message }) => { seen.add(message.key.toString()); });
      members.push(m);
    }
    await until(() => seen.size === produced.length && members.every((m) => m.assigned() > 0),
      2 * STEP_TIMEOUT_MS - 2000, 'both members assigned and every record read');
    return `assignments ${members.map((m) => m.assigned())}, ${seen.size} records`;
  }, 2 * STEP_TIMEOUT_MS);

  await check('describe-group', async () => {
    const groups = client.groupsOf(await admin.describeGroups([GROUP]));
    expect(groups.length === 1, `${groups.length} groups described`);
    const g = groups[0];
    expect(client.isStable(g) && g.members.length === 2, `state ${g.state}, ${g.members.length} members`);
    for (const m of members) await m.raw.disconnect(); // commits what each member read
    const offsets = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const total = offsets[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    expect(total === produced.length, `committed offsets sum to ${total}, expected ${produced.length}`);
    return `Stable, 2 members; committed offsets sum to ${total}`;
  });

  await check('offsets-by-time', async () => {
    const partitions = [...new Set(read.map((r) => r.partition))].sort();
    expect(partitions.length > 0, 'nothing was read');
    const got = {};
    const expected = {};
    for (const p of partitions) {
      const rs = read.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset);
      const ts = rs[rs.length - 1].timestamp;
      expected[p] = Math.min(...rs.filter((r) => r.timestamp >= ts).map((r) => r.offset));
      const answer = await admin.fetchTopicOffsetsByTimestamp(TOPIC, ts);
      got[p] = Number(answer.find((a) => a.partition === p).offset);
    }
    expect(JSON.stringify(got) === JSON.stringify(expected),
      `offsets for times ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    return `${partitions.length} partitions`;
  });

  await admin.disconnect();
}

// A failure inside the library's own callbacks fails the check in flight (by its timeout), not the run.
process.on('unhandledRejection', (e) => console.error('unhandled rejection:', e));
process.on('uncaughtException', (e) => console.error('uncaught exception:', e));

main().then(() => process.exit(0), (e) => {
  console.error(e);
  console.log(`CHECK scenario FAIL ${firstLine(`${e.name}: ${e.message}`)}`);
  process.exit(1);
});

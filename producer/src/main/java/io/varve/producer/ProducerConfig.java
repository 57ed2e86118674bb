package io.varve.producer;

import static io.varve.config.ConfigDef.Type.BOOLEAN;
import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LONG;
import static io.varve.config.ConfigDef.Type.STRING;

import io.varve.config.ClientConfig;
import io.varve.config.ConfigDef;
import io.varve.config.ConfigException;
import java.util.List;
import java.util.Map;

/**
 * The producer's properties, with Kafka's names and Kafka 4.x defaults. It composes
 * {@link ClientConfig}: the same properties map also carries the shared client keys
 * ({@code bootstrap.servers}, {@code request.timeout.ms}, {@code retry.backoff.ms},
 * {@code max.in.flight.requests.per.connection}, ...), read through {@link #client()}.
 *
 * <p>Idempotence follows Kafka: on by default; when {@code enable.idempotence} is not set and
 * {@code acks}, {@code retries} or {@code max.in.flight.requests.per.connection} conflict with it, it
 * is turned off quietly; when it is set to true and they conflict, construction fails.
 *
 * <p>Immutable and validated at construction; thread-safe.
 */
public final class ProducerConfig {

    public static final String ACKS = "acks";
    public static final String LINGER_MS = "linger.ms";
    public static final String BATCH_SIZE = "batch.size";
    public static final String BUFFER_MEMORY = "buffer.memory";
    public static final String MAX_BLOCK_MS = "max.block.ms";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String ENABLE_IDEMPOTENCE = "enable.idempotence";
    public static final String RETRIES = "retries";
    public static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
    public static final String MAX_REQUEST_SIZE = "max.request.size";
    public static final String PARTITIONER_IGNORE_KEYS = "partitioner.ignore.keys";

    /** Kafka's cap on in-flight requests per partition that an idempotent producer can keep in order. */
    public static final int MAX_IN_FLIGHT_WITH_IDEMPOTENCE = 5;

    /** The codecs this build can apply; the others are refused until their codec lands. */
    static final List<String> AVAILABLE_CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");

    public static final ConfigDef DEF = new ConfigDef("Producer")
        .define(ACKS, STRING, "all", null,
            "Acknowledgement asked of the broker: `0` (none: the record counts as sent once written to the socket, offset -1), "
                + "`1` (the leader appended it) or `all`/`-1` (every in-sync replica has it).")
        .define(LINGER_MS, LONG, 5L, "ms", 0L, null,
            "How long a partition's batch waits for more records before it is sent even though it is not full.")
        .define(BATCH_SIZE, INT, 16_384, "bytes", 1L, null,
            "Size of a partition's batch buffer; a batch is sent when full. A record larger than this gets a batch of its own.")
        .define(BUFFER_MEMORY, LONG, 33_554_432L, "bytes", 1_024L, null,
            "Memory for batches waiting to be sent or acknowledged; when used up, send blocks up to max.block.ms.")
        .define(MAX_BLOCK_MS, LONG, 60_000L, "ms", 0L, null,
            "Longest send (and partitionsFor) may block waiting for metadata or for buffer memory before it throws.")
        .define(COMPRESSION_TYPE, STRING, "none", null,
            "Codec applied to each batch when it closes: none, gzip, snappy, lz4 or zstd (Kafka's framing and default levels)."
                + " A batch that would grow when compressed is sent uncompressed.")
        .define(ENABLE_IDEMPOTENCE, BOOLEAN, true, null,
            "Give each batch a producer id and sequence so that retries are never duplicated and stay in order; needs acks=all, "
                + "retries > 0 and max.in.flight.requests.per.connection ≤ 5. Turned off quietly when not set and those conflict.")
        .define(RETRIES, INT, Integer.MAX_VALUE, "retries", 0L, null,
            "Times a batch that failed with a retriable error is sent again; delivery.timeout.ms bounds the retries in time.")
        .define(DELIVERY_TIMEOUT_MS, INT, 120_000, "ms", 1L, null,
            "Upper bound on the time from send until the record's outcome is known, retries included; must be at least "
                + "linger.ms + request.timeout.ms.")
        .define(MAX_REQUEST_SIZE, INT, 1_048_576, "bytes", 1L, null,
            "Largest record (and produce request) the producer sends; a larger record fails at once with RECORD_TOO_LARGE.")
        .define(PARTITIONER_IGNORE_KEYS, BOOLEAN, false, null,
            "When true, keyed records are spread by the sticky partitioner too, instead of by the hash of their key.");

    private final ClientConfig client;
    private final short acks;
    private final long lingerMs;
    private final int batchSize;
    private final long bufferMemory;
    private final long maxBlockMs;
    private final String compressionType;
    private final boolean idempotence;
    private final int retries;
    private final int deliveryTimeoutMs;
    private final int maxRequestSize;
    private final boolean partitionerIgnoreKeys;

    private ProducerConfig(Map<String, ?> props) {
        ConfigDef.Values v = DEF.parse(props);
        this.client = ClientConfig.from(props);
        this.acks = parseAcks(v.getString(ACKS));
        this.lingerMs = v.getLong(LINGER_MS);
        this.batchSize = v.getInt(BATCH_SIZE);
        this.bufferMemory = v.getLong(BUFFER_MEMORY);
        this.maxBlockMs = v.getLong(MAX_BLOCK_MS);
        this.compressionType = v.getString(COMPRESSION_TYPE).toLowerCase(java.util.Locale.ROOT);
        this.retries = v.getInt(RETRIES);
        this.deliveryTimeoutMs = v.getInt(DELIVERY_TIMEOUT_MS);
        this.maxRequestSize = v.getInt(MAX_REQUEST_SIZE);
        this.partitionerIgnoreKeys = v.getBoolean(PARTITIONER_IGNORE_KEYS);
        if (!AVAILABLE_CODECS.contains(compressionType)) {
            throw new ConfigException(COMPRESSION_TYPE, compressionType, "must be one of " + AVAILABLE_CODECS + " in this build");
        }
        if (deliveryTimeoutMs < lingerMs + client.requestTimeoutMs()) {
            throw new ConfigException(DELIVERY_TIMEOUT_MS, deliveryTimeoutMs, "must be at least linger.ms + request.timeout.ms");
        }
        this.idempotence = resolveIdempotence(props.containsKey(ENABLE_IDEMPOTENCE), v.getBoolean(ENABLE_IDEMPOTENCE));
    }

    /**
     * Builds the producer config from properties (strings or typed values).
     *
     * @throws ConfigException naming the first property that is missing, malformed, out of range or in conflict
     */
    public static ProducerConfig from(Map<String, ?> props) {
        return new ProducerConfig(props);
    }

    private boolean resolveIdempotence(boolean explicit, boolean requested) {
        if (!requested) {
            return false;
        }
        String conflict = acks != -1 ? ACKS + " must be all"
            : retries == 0 ? RETRIES + " must be above 0"
            : client.maxInFlightRequestsPerConnection() > MAX_IN_FLIGHT_WITH_IDEMPOTENCE
                ? ClientConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + " must be at most " + MAX_IN_FLIGHT_WITH_IDEMPOTENCE
            : null;
        if (conflict != null && explicit) {
            throw new ConfigException(ENABLE_IDEMPOTENCE, true, "conflicts with the other settings: " + conflict);
        }
        return conflict == null;
    }

    private static short parseAcks(String acks) {
        return switch (acks.toLowerCase(java.util.Locale.ROOT)) {
            case "all", "-1" -> (short) -1;
            case "0" -> (short) 0;
            case "1" -> (short) 1;
            default -> throw new ConfigException(ACKS, acks, "expected all, -1, 0 or 1");
        };
    }

    /** The shared client settings read from the same properties. */
    public ClientConfig client() {
        return client;
    }

    /** -1 (all), 0 or 1, as the Produce request carries it. */
    public short acks() {
        return acks;
    }

    public long lingerMs() {
        return lingerMs;
    }

    public int batchSize() {
        return batchSize;
    }

    public long bufferMemory() {
        return bufferMemory;
    }

    public long maxBlockMs() {
        return maxBlockMs;
    }

    /** Lower-case codec name, {@code none} when batches are not compressed. */
    public String compressionType() {
        return compressionType;
    }

    /** Whether the producer is idempotent, after resolving conflicts (see the class javadoc). */
    public boolean idempotence() {
        return idempotence;
    }

    public int retries() {
        return retries;
    }

    public int deliveryTimeoutMs() {
        return deliveryTimeoutMs;
    }

    public int maxRequestSize() {
        return maxRequestSize;
    }

    public boolean partitionerIgnoreKeys() {
        return partitionerIgnoreKeys;
    }

    /** Batches in flight per partition: the connection limit, capped at 5 when idempotent. */
    public int maxInFlightPerPartition() {
        int perConnection = client.maxInFlightRequestsPerConnection();
        return idempotence ? Math.min(perConnection, MAX_IN_FLIGHT_WITH_IDEMPOTENCE) : perConnection;
    }
}

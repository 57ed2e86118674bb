package io.varve.raft.metadata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Varve's own binary encoding of {@link MetadataRecord}s. Each record is the value of one Kafka
 * record in a RecordBatch v2 of the metadata log (the key is null); the batch gives it an offset,
 * a CRC and recovery, this codec gives it a shape. All integers are big-endian.
 *
 * <pre>
 *   0        2        4
 *   +--------+--------+----------------------------+
 *   | type   | version| fields of (type, version)  |
 *   | int16  | int16  | ...                        |
 *   +--------+--------+----------------------------+
 *
 *   field kinds:
 *     int8 / int16 / int32 / int64   fixed width
 *     uuid      16 bytes: most significant int64, then least significant int64
 *     string    int16 length N (-1 = null), then N bytes of UTF-8;   0 &lt;= N &lt;= 32767
 *     int32[]   int32 count C, then C x int32;                       0 &lt;= C &lt;= {@value #MAX_ARRAY_LENGTH}
 *
 *   type 1 REGISTER_BROKER v0:  nodeId int32 | host string (not null) | port int32 | rack string
 *                               (reads as brokerEpoch -1 = own offset, unfenced: v0 logs predate fencing)
 *          REGISTER_BROKER v1:  v0 fields | brokerEpoch int64 (-1 = own offset)
 *                               | flags int8 (bit 0 fenced, bit 1 in controlled shutdown; others 0)
 *          REGISTER_BROKER v2:  v1 fields; flags bit 2 log directory offline
 *   type 2 TOPIC v0:            name string (not null) | topicId uuid
 *   type 3 PARTITION v0:        topicId uuid | partitionIndex int32 | replicas int32[] | isr int32[]
 *                               | leader int32 | leaderEpoch int32 | partitionEpoch int32
 *   type 4 REMOVE_TOPIC v0:     topicId uuid
 *   type 5 CONFIG v0:           resourceType int8 | resourceName string (not null)
 *                               | key string (not null) | value string (null = delete)
 *   type 6 PRODUCER_IDS v0:     nodeId int32 | nextProducerId int64
 *   type 7 FENCE_BROKER v0:     nodeId int32 | brokerEpoch int64
 *   type 8 UNFENCE_BROKER v0:   nodeId int32 | brokerEpoch int64
 *   type 9 BROKER_CONTROLLED_SHUTDOWN v0: nodeId int32 | brokerEpoch int64
 *   type 10 BROKER_LOG_DIR_OFFLINE v0:    nodeId int32 | brokerEpoch int64
 * </pre>
 *
 * <p>A new field means a new version of its type: the encoder writes only the newest, the decoder
 * reads every version up to it and gives older ones the meaning they had when they were written.
 *
 * <p>Decoding checks every length against the bytes that remain before reading, every count against
 * its maximum before allocating, that strings are valid UTF-8, and that the fields end exactly where
 * the record does; anything else is a {@link CorruptMetadataException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class MetadataRecordCodec {

    /** Bytes of the type and version that start every record. */
    public static final int HEADER_BYTES = 4;
    /** Most entries in an int32 array (replicas, ISR): far beyond any real replication factor. */
    public static final int MAX_ARRAY_LENGTH = 4096;
    /** Most UTF-8 bytes in a string. */
    public static final int MAX_STRING_BYTES = Short.MAX_VALUE;

    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;
    private static final byte FENCED = 1;
    private static final byte IN_CONTROLLED_SHUTDOWN = 2;
    private static final byte LOG_DIR_OFFLINE = 4;

    private MetadataRecordCodec() {
    }

    /**
     * The record's bytes in the newest version of its type.
     *
     * @throws IllegalArgumentException if a string or array is longer than the format allows, or a
     *                                  string holds an unpaired surrogate
     */
    public static byte[] encode(MetadataRecord record) {
        Writer w = new Writer(sizeOf(record));
        w.putShort(record.type().code());
        w.putShort(record.type().highestVersion());
        if (record instanceof MetadataRecord.RegisterBroker r) {
            w.putInt(r.nodeId());
            w.putString(r.host());
            w.putInt(r.port());
            w.putString(r.rack());
            w.putLong(r.brokerEpoch());
            w.putByte((byte) ((r.fenced() ? FENCED : 0) | (r.inControlledShutdown() ? IN_CONTROLLED_SHUTDOWN : 0)
                | (r.logDirOffline() ? LOG_DIR_OFFLINE : 0)));
        } else if (record instanceof MetadataRecord.FenceBroker r) {
            w.putInt(r.nodeId());
            w.putLong(r.brokerEpoch());
        } else if (record instanceof MetadataRecord.UnfenceBroker r) {
            w.putInt(r.nodeId());
            w.putLong(r.brokerEpoch());
        } else if (record instanceof MetadataRecord.BrokerControlledShutdown r) {
            w.putInt(r.nodeId());
            w.putLong(r.brokerEpoch());
        } else if (record instanceof MetadataRecord.BrokerLogDirOffline r) {
            w.putInt(r.nodeId());
            w.putLong(r.brokerEpoch());
        } else if (record instanceof MetadataRecord.Topic r) {
            w.putString(r.name());
            w.putUuid(r.topicId());
        } else if (record instanceof MetadataRecord.Partition r) {
            w.putUuid(r.topicId());
            w.putInt(r.partitionIndex());
            w.putIntArray(r.replicas());
            w.putIntArray(r.isr());
            w.putInt(r.leader());
            w.putInt(r.leaderEpoch());
            w.putInt(r.partitionEpoch());
        } else if (record instanceof MetadataRecord.RemoveTopic r) {
            w.putUuid(r.topicId());
        } else if (record instanceof MetadataRecord.Config r) {
            w.putByte(r.resourceType().code());
            w.putString(r.resourceName());
            w.putString(r.key());
            w.putString(r.value());
        } else if (record instanceof MetadataRecord.ProducerIds r) {
            w.putInt(r.nodeId());
            w.putLong(r.nextProducerId());
        } else {
            throw new IllegalStateException("no encoding for " + record);
        }
        return w.bytes();
    }

    /** The exact size of {@link #encode(MetadataRecord)}'s result. */
    public static int sizeOf(MetadataRecord record) {
        if (record instanceof MetadataRecord.RegisterBroker r) {
            return HEADER_BYTES + 4 + sizeOf(r.host()) + 4 + sizeOf(r.rack()) + 8 + 1;
        } else if (record instanceof MetadataRecord.FenceBroker || record instanceof MetadataRecord.UnfenceBroker
            || record instanceof MetadataRecord.BrokerControlledShutdown
            || record instanceof MetadataRecord.BrokerLogDirOffline) {
            return HEADER_BYTES + 4 + 8;
        } else if (record instanceof MetadataRecord.Topic r) {
            return HEADER_BYTES + sizeOf(r.name()) + 16;
        } else if (record instanceof MetadataRecord.Partition r) {
            return HEADER_BYTES + 16 + 4 + (4 + 4 * r.replicas().length) + (4 + 4 * r.isr().length) + 12;
        } else if (record instanceof MetadataRecord.RemoveTopic) {
            return HEADER_BYTES + 16;
        } else if (record instanceof MetadataRecord.Config r) {
            return HEADER_BYTES + 1 + sizeOf(r.resourceName()) + sizeOf(r.key()) + sizeOf(r.value());
        } else if (record instanceof MetadataRecord.ProducerIds) {
            return HEADER_BYTES + 4 + 8;
        }
        throw new IllegalStateException("no encoding for " + record);
    }

    /** Decodes a whole array. */
    public static MetadataRecord decode(byte[] bytes) {
        return decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * Decodes the record in {@code buffer[offset, offset + length)}, which must hold exactly one.
     *
     * @throws CorruptMetadataException if the bytes are not a record this code can read
     * @throws IndexOutOfBoundsException if the range is not within the buffer (a caller's bug)
     */
    public static MetadataRecord decode(DirectBuffer buffer, int offset, int length) {
        buffer.boundsCheck(offset, length);
        Reader r = new Reader(buffer, offset, offset + length);
        short code = r.getShort();
        short version = r.getShort();
        MetadataRecordType type = MetadataRecordType.forCode(code);
        if (type == null) {
            throw new CorruptMetadataException("unknown metadata record type " + code);
        }
        if (version < 0 || version > type.highestVersion()) {
            throw new CorruptMetadataException("unsupported version " + version + " of " + type);
        }
        MetadataRecord record;
        try {
            record = decodeFields(type, version, r);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CorruptMetadataException("invalid " + type + " record: " + e.getMessage(), e);
        }
        if (r.remaining() != 0) {
            throw new CorruptMetadataException(r.remaining() + " trailing bytes after a " + type + " record");
        }
        return record;
    }

    private static MetadataRecord decodeFields(MetadataRecordType type, short version, Reader r) {
        return switch (type) {
            case REGISTER_BROKER -> decodeRegisterBroker(version, r);
            case TOPIC -> new MetadataRecord.Topic(r.getRequiredString("name"), r.getUuid());
            case PARTITION -> new MetadataRecord.Partition(r.getUuid(), r.getInt(), r.getIntArray(), r.getIntArray(),
                r.getInt(), r.getInt(), r.getInt());
            case REMOVE_TOPIC -> new MetadataRecord.RemoveTopic(r.getUuid());
            case CONFIG -> new MetadataRecord.Config(r.getResourceType(), r.getRequiredString("resourceName"),
                r.getRequiredString("key"), r.getString());
            case PRODUCER_IDS -> new MetadataRecord.ProducerIds(r.getInt(), r.getLong());
            case FENCE_BROKER -> new MetadataRecord.FenceBroker(r.getInt(), r.getLong());
            case UNFENCE_BROKER -> new MetadataRecord.UnfenceBroker(r.getInt(), r.getLong());
            case BROKER_CONTROLLED_SHUTDOWN -> new MetadataRecord.BrokerControlledShutdown(r.getInt(), r.getLong());
            case BROKER_LOG_DIR_OFFLINE -> new MetadataRecord.BrokerLogDirOffline(r.getInt(), r.getLong());
        };
    }

    private static MetadataRecord decodeRegisterBroker(short version, Reader r) {
        int nodeId = r.getInt();
        String host = r.getRequiredString("host");
        int port = r.getInt();
        String rack = r.getString();
        if (version == 0) {
            return new MetadataRecord.RegisterBroker(nodeId, host, port, rack,
                MetadataRecord.RegisterBroker.OWN_OFFSET, false, false);
        }
        long epoch = r.getLong();
        byte flags = r.getByte();
        int known = FENCED | IN_CONTROLLED_SHUTDOWN | (version >= 2 ? LOG_DIR_OFFLINE : 0);
        if ((flags & ~known) != 0) {
            throw new CorruptMetadataException("unknown broker flags " + flags);
        }
        return new MetadataRecord.RegisterBroker(nodeId, host, port, rack, epoch, (flags & FENCED) != 0,
            (flags & IN_CONTROLLED_SHUTDOWN) != 0, (flags & LOG_DIR_OFFLINE) != 0);
    }

    private static int sizeOf(String s) {
        return 2 + (s == null ? 0 : utf8Length(s));
    }

    private static int utf8Length(String s) {
        return utf8(s).length;
    }

    /** Strict UTF-8: a string with an unpaired surrogate would not read back as itself. */
    private static byte[] utf8(String s) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(s));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string is not valid Unicode: " + e.getMessage(), e);
        }
    }

    /** Writes fields into an array of the exact size. */
    private static final class Writer {
        private final UnsafeBuffer buffer;
        private int position;

        Writer(int size) {
            this.buffer = new UnsafeBuffer(new byte[size]);
        }

        void putByte(byte value) {
            buffer.putByte(position, value);
            position += 1;
        }

        void putShort(short value) {
            buffer.putShort(position, value, ORDER);
            position += 2;
        }

        void putInt(int value) {
            buffer.putInt(position, value, ORDER);
            position += 4;
        }

        void putLong(long value) {
            buffer.putLong(position, value, ORDER);
            position += 8;
        }

        void putUuid(UUID value) {
            putLong(value.getMostSignificantBits());
            putLong(value.getLeastSignificantBits());
        }

        void putString(String value) {
            if (value == null) {
                putShort((short) -1);
                return;
            }
            byte[] utf8 = utf8(value);
            if (utf8.length > MAX_STRING_BYTES) {
                throw new IllegalArgumentException("string of " + utf8.length + " bytes is longer than "
                    + MAX_STRING_BYTES);
            }
            putShort((short) utf8.length);
            buffer.putBytes(position, utf8);
            position += utf8.length;
        }

        void putIntArray(int[] values) {
            if (values.length > MAX_ARRAY_LENGTH) {
                throw new IllegalArgumentException("array of " + values.length + " entries is longer than "
                    + MAX_ARRAY_LENGTH);
            }
            putInt(values.length);
            for (int value : values) {
                putInt(value);
            }
        }

        byte[] bytes() {
            if (position != buffer.capacity()) {
                throw new IllegalStateException("encoded " + position + " bytes, sized " + buffer.capacity());
            }
            return buffer.byteArray();
        }
    }

    /** Reads fields, checking each against the bytes that remain. */
    private static final class Reader {
        private final DirectBuffer buffer;
        private final int limit;
        private int position;

        Reader(DirectBuffer buffer, int offset, int limit) {
            this.buffer = buffer;
            this.position = offset;
            this.limit = limit;
        }

        int remaining() {
            return limit - position;
        }

        private int advance(int bytes, String what) {
            if (bytes > remaining()) {
                throw new CorruptMetadataException(what + " needs " + bytes + " bytes, " + remaining() + " remain");
            }
            int at = position;
            position += bytes;
            return at;
        }

        byte getByte() {
            return buffer.getByte(advance(1, "int8"));
        }

        short getShort() {
            return buffer.getShort(advance(2, "int16"), ORDER);
        }

        int getInt() {
            return buffer.getInt(advance(4, "int32"), ORDER);
        }

        long getLong() {
            return buffer.getLong(advance(8, "int64"), ORDER);
        }

        UUID getUuid() {
            int at = advance(16, "uuid");
            return new UUID(buffer.getLong(at, ORDER), buffer.getLong(at + 8, ORDER));
        }

        ConfigResourceType getResourceType() {
            byte code = buffer.getByte(advance(1, "resource type"));
            ConfigResourceType type = ConfigResourceType.forCode(code);
            if (type == null) {
                throw new CorruptMetadataException("unknown config resource type " + code);
            }
            return type;
        }

        String getRequiredString(String field) {
            String value = getString();
            if (value == null) {
                throw new CorruptMetadataException(field + " must not be null");
            }
            return value;
        }

        String getString() {
            short length = getShort();
            if (length == -1) {
                return null;
            }
            if (length < 0) {
                throw new CorruptMetadataException("negative string length " + length);
            }
            int at = advance(length, "string");
            byte[] utf8 = new byte[length];
            buffer.getBytes(at, utf8);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
            } catch (CharacterCodingException e) {
                throw new CorruptMetadataException("string is not valid UTF-8", e);
            }
        }

        int[] getIntArray() {
            int count = getInt();
            if (count < 0 || count > MAX_ARRAY_LENGTH) {
                throw new CorruptMetadataException("array count " + count + " outside [0, " + MAX_ARRAY_LENGTH + "]");
            }
            int at = advance(4 * count, "int32 array");
            int[] values = new int[count];
            for (int i = 0; i < count; i++) {
                values[i] = buffer.getInt(at + 4 * i, ORDER);
            }
            return values;
        }
    }
}

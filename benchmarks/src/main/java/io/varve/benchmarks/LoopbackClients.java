package io.varve.benchmarks;

import io.varve.common.TopicPartition;
import io.varve.consumer.ByteArrayDeserializer;
import io.varve.consumer.ConsumerRecord;
import io.varve.consumer.VarveConsumer;
import io.varve.producer.ProducerRecord;
import io.varve.producer.Serializers;
import io.varve.producer.VarveProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The same two operations, send and poll, over Varve's clients and over the official Kafka
 * clients, so one end-to-end benchmark measures either. Both use their client's defaults but for
 * {@code acks}; both consume in assign mode (Varve has no consumer groups yet).
 */
public final class LoopbackClients {

    /** Which client library a suite drives. */
    public enum Library { VARVE, KAFKA }

    private LoopbackClients() {
    }

    /** A producer of unkeyed byte-array records. Not thread-safe beyond what its client allows. */
    interface Sender extends AutoCloseable {
        Future<?> send(String topic, byte[] value);

        void flush();

        @Override
        void close();
    }

    /** An assign-mode consumer of every partition of one topic, from the beginning. */
    interface Poller extends AutoCloseable {
        /** Polls once and returns the value bytes received (0 when nothing came within the timeout). */
        long poll(Duration timeout);

        void rewind();

        @Override
        void close();
    }

    /** A producer with its library's defaults but for {@code acks} and {@code linger.ms}. */
    static Sender sender(Library library, String bootstrap, String acks, int lingerMs) {
        if (library == Library.VARVE) {
            VarveProducer<byte[], byte[]> p = new VarveProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", acks,
                "linger.ms", lingerMs), Serializers.byteArray(), Serializers.byteArray());
            return new Sender() {
                public Future<?> send(String topic, byte[] value) {
                    return p.send(new ProducerRecord<>(topic, null, value));
                }

                public void flush() {
                    p.flush();
                }

                public void close() {
                    p.close();
                }
            };
        }
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.LINGER_MS_CONFIG, lingerMs), new ByteArraySerializer(),
            new ByteArraySerializer());
        return new Sender() {
            public Future<?> send(String topic, byte[] value) {
                return p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, value));
            }

            public void flush() {
                p.flush();
            }

            public void close() {
                p.close();
            }
        };
    }

    static Poller poller(Library library, String bootstrap, String topic, int partitions) {
        if (library == Library.VARVE) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            VarveConsumer<byte[], byte[]> c = new VarveConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
            c.assign(tps);
            c.seekToBeginning(tps);
            return new Poller() {
                public long poll(Duration timeout) {
                    long bytes = 0;
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(timeout)) {
                        bytes += r.value().length;
                    }
                    return bytes;
                }

                public void rewind() {
                    c.seekToBeginning(tps);
                }

                public void close() {
                    c.close();
                }
            };
        }
        List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new org.apache.kafka.common.TopicPartition(topic, p));
        }
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        c.assign(tps);
        c.seekToBeginning(tps);
        return new Poller() {
            public long poll(Duration timeout) {
                long bytes = 0;
                for (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r : c.poll(timeout)) {
                    bytes += r.value().length;
                }
                return bytes;
            }

            public void rewind() {
                c.seekToBeginning(tps);
            }

            public void close() {
                c.close();
            }
        };
    }

    /** Waits for a send's acknowledgement; a failed send fails the benchmark. */
    static void await(Future<?> ack) {
        try {
            ack.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("send failed", e.getCause());
        }
    }
}

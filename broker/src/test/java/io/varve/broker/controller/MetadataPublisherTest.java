package io.varve.broker.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The image's one home: subscribers see every image in order, nothing is lost between reading and subscribing. */
class MetadataPublisherTest {

    private final MetadataImage empty = MetadataImage.empty("cluster");
    private final MetadataImage one = withTopic(empty, 0);
    private final MetadataImage two = withTopic(one, 1);

    @Test
    void aSubscriberGetsTheCurrentImageThenEveryLaterOneInOrderUntilItUnsubscribes() throws Exception {
        MetadataPublisher images = new MetadataPublisher(empty);
        images.accept(one);
        List<MetadataImage> seen = new ArrayList<>();
        AutoCloseable subscription = images.subscribe(seen::add);
        images.accept(two);
        images.accept(two); // the same image twice is published once
        subscription.close();
        images.accept(withTopic(two, 2));

        assertEquals(List.of(one, two), seen);
    }

    @Test
    void aSubscriberThatFailsLeavesTheImageUnpublishedSoThatTheSourceRetries() {
        MetadataPublisher images = new MetadataPublisher(empty);
        List<MetadataImage> seen = new ArrayList<>();
        boolean[] fail = {true};
        images.subscribe(image -> {
            if (image != empty && fail[0]) {
                throw new UncheckedIOException(new java.io.IOException("disk full"));
            }
            seen.add(image);
        });

        assertThrows(UncheckedIOException.class, () -> images.accept(one));
        assertSame(empty, images.image());
        fail[0] = false;
        images.accept(one);

        assertSame(one, images.image());
        assertEquals(List.of(empty, one), seen);
    }

    @Test
    void awaitImageCompletesWithTheFirstImageThatSatisfiesItsCondition() throws Exception {
        MetadataPublisher images = new MetadataPublisher(empty);
        CompletableFuture<MetadataImage> hasTwo = images.awaitImage(i -> i.topicsByName().size() >= 2);
        CompletableFuture<MetadataImage> hasAny = images.awaitImage(i -> true);

        assertTrue(hasAny.isDone(), "already there");
        images.accept(one);
        assertFalse(hasTwo.isDone());
        images.accept(two);
        assertSame(two, hasTwo.get());
    }

    private static MetadataImage withTopic(MetadataImage base, int i) {
        MetadataDelta delta = new MetadataDelta(base);
        delta.replay(new MetadataRecord.Topic("t" + i, new UUID(7, i)), base.lastAppliedOffset() + 1);
        return delta.apply();
    }
}

package io.varve.broker.quorum;

import io.varve.broker.controller.MetadataPublisher;
import io.varve.broker.metrics.RaftStatus;

/**
 * The {@link RaftStatus} of a broker-only node, read at scrape time: never the active controller;
 * the leader its State Watch last heard of; the term is not known to a non-voter (0); the last
 * metadata offset applied to its image. Thread-safe.
 */
public final class FollowerRaftStatus implements RaftStatus {

    private final MetadataFollower follower;
    private final MetadataPublisher images;

    public FollowerRaftStatus(MetadataFollower follower, MetadataPublisher images) {
        this.follower = follower;
        this.images = images;
    }

    @Override
    public boolean isActiveController() {
        return false;
    }

    @Override
    public int leaderId() {
        return follower.leaderId();
    }

    @Override
    public long term() {
        return 0;
    }

    @Override
    public long lastAppliedOffset() {
        return images.image().lastAppliedOffset();
    }
}

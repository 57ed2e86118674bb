package io.varve.raft.controller;

import java.util.UUID;

/**
 * A topic named in a request by its name or by its id (DeleteTopics v6+ allows either), never both.
 *
 * @param name    the name, or null when the id is given
 * @param topicId the id, or null when the name is given
 */
public record TopicRef(String name, UUID topicId) {
    public TopicRef {
        if ((name == null) == (topicId == null)) {
            throw new IllegalArgumentException("a topic is named by exactly one of name and id: " + name + ", " + topicId);
        }
    }

    public static TopicRef byName(String name) {
        return new TopicRef(name, null);
    }

    public static TopicRef byId(UUID topicId) {
        return new TopicRef(null, topicId);
    }
}

package io.varve.raft.controller;

import io.varve.protocol.Errors;
import java.util.UUID;

/**
 * The outcome for one topic of a DeleteTopics request.
 *
 * @param name    the topic's name (as requested, or found from its id), null if unknown
 * @param topicId the topic's id (as requested, or found from its name), null if unknown
 * @param error   {@link Errors#NONE}, {@link Errors#UNKNOWN_TOPIC_OR_PARTITION} (by name),
 *                {@link Errors#UNKNOWN_TOPIC_ID} (by id), or {@link Errors#INVALID_REQUEST} (named twice)
 * @param message a human-readable reason, null on success
 */
public record DeleteTopicResult(String name, UUID topicId, Errors error, String message) {

    DeleteTopicResult orFail(Errors error, String message) {
        return this.error == Errors.NONE ? new DeleteTopicResult(name, topicId, error, message) : this;
    }
}

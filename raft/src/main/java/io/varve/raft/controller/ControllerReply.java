package io.varve.raft.controller;

import io.varve.raft.metadata.MetadataImage;

/**
 * What {@link Controller} answers to a command: the response, and the image after the command's
 * records were committed and applied (the same image as before when nothing was written). The broker
 * publishes the image before it sends the response, so that a client that reads metadata after its
 * CreateTopics sees its topic.
 *
 * @param response the response
 * @param image    the current image
 * @param <R>      the response type
 */
public record ControllerReply<R>(R response, MetadataImage image) {
}

/**
 * Small pieces every module shares and that depend on nothing: the injected {@link io.varve.common.Clock}
 * and its manual twin for tests. Nothing here starts threads or touches files or sockets.
 */
package io.varve.common;

/** Varve consumer. */
package io.varve.consumer;

/** Varve producer. */
package io.varve.producer;

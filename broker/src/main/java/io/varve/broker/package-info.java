/** Varve broker. */
package io.varve.broker;

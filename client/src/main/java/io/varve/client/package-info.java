/** Varve client. */
package io.varve.client;

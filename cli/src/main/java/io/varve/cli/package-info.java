/** Varve cli. */
package io.varve.cli;

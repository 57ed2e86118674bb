/** Varve testkit. */
package io.varve.testkit;

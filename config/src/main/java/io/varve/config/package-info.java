/**
 * Typed, immutable, validated configuration. Each role has one config object, built once from
 * Kafka-compatible property names by a {@link io.varve.config.ConfigDef} that holds every property's
 * name, type, default, unit and documentation in one place; components receive the object and never
 * read system properties. Depends on nothing.
 */
package io.varve.config;

/**
 * The JDBC implementation of the store port, on H2 (embedded default) and PostgreSQL.
 *
 * <p>Decisions shared by every class here:
 *
 * <ul>
 *   <li>One SQL dialect: standard SQL that PostgreSQL and H2 in {@code MODE=PostgreSQL} both
 *       accept, and one set of Flyway migrations ({@code db/migration}) for both.
 *   <li>Instants are stored as epoch nanoseconds in BIGINT columns ({@code *_ns}), so every Instant
 *       between the years 1677 and 2262 round-trips exactly on both databases (PostgreSQL
 *       timestamps would cut it to microseconds).
 *   <li>Spec, errorInfo and endpoints are JSON text written with Jackson; nothing queries inside.
 *   <li>Writes that can hit a unique key run under a savepoint, so a {@link
 *       org.openpcs.store.DuplicateNameException} leaves the transaction usable on PostgreSQL too
 *       (where any failed statement otherwise aborts the whole transaction).
 *   <li>Any other {@link java.sql.SQLException} becomes a {@link
 *       org.openpcs.store.StoreUnavailableException}.
 * </ul>
 */
package org.openpcs.store.jdbc;

package org.openpcs.store;

import java.util.List;

/**
 * One page of a keyset listing. {@code lastSeq} is the sequence of the last item returned; {@code
 * more} says whether items exist after it.
 */
public record Page<T>(List<T> items, long lastSeq, boolean more) {}

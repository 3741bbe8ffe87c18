package org.openpcs.domain;

/** Why a resource is in a failed or degraded state, as shown in {@code errorInfo}. */
public record ErrorInfo(String code, String message) {}

package org.openpcs.provider;

import java.math.BigDecimal;

/** One instance type: resources declared to Slurm and prices (USD per hour). */
public record InstanceType(
    String name,
    int vcpus,
    long memoryMiB,
    int gpus,
    String gpuModel,
    BigDecimal onDemandPerHour,
    BigDecimal spotPerHour) {}

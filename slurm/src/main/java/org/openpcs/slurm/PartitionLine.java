package org.openpcs.slurm;

import java.util.List;
import org.openpcs.domain.CustomSetting;

/**
 * One Slurm partition (a PCS queue). {@code state} is {@code UP}, or {@code DRAIN} while a deleted
 * queue's remaining jobs finish (removing a partition would kill its pending jobs).
 */
public record PartitionLine(
    String name, List<String> nodeNames, String state, List<CustomSetting> settings) {}

package org.openpcs.control.slurm;

/** The TCP ports the server may give to slurmctld and slurmd processes on this host. */
public record PortRange(int first, int last) {
  public PortRange {
    if (first < 1024 || last > 65535 || first > last) {
      throw new IllegalArgumentException(
          "port range must lie within 1024-65535, got " + first + "-" + last);
    }
  }

  public static PortRange parse(String text) {
    String[] parts = text.split("-");
    if (parts.length != 2) {
      throw new IllegalArgumentException("port range must look like 17000-19999, got " + text);
    }
    return new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
  }
}

package org.openpcs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the numbers were measured on. The load average matters: the load generator and the server
 * share these cores, and anything else running on them shows up in the tail latencies. So does the
 * file system the labs work in ({@link WorkRoot}).
 */
record Machine(
    int processors,
    String cpuModel,
    long memoryMiB,
    String os,
    String java,
    String loadAverage,
    String workDir) {

  static Machine current() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        readCpuModel(),
        readMemoryMiB(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        firstLine(Path.of("/proc/loadavg")),
        LabHost.workRoot().describe());
  }

  String describe() {
    return processors
        + " CPUs ("
        + cpuModel
        + "), "
        + memoryMiB
        + " MiB RAM, "
        + java
        + ", load average "
        + loadAverage
        + ", labs in "
        + workDir;
  }

  private static String readCpuModel() {
    for (String line : lines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).strip();
      }
    }
    return System.getProperty("os.arch");
  }

  private static long readMemoryMiB() {
    for (String line : lines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return Runtime.getRuntime().maxMemory() / (1024 * 1024);
  }

  private static String firstLine(Path p) {
    List<String> l = lines(p);
    return l.isEmpty() ? "unknown" : l.get(0).strip();
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}

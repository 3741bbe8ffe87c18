package org.openpcs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A group with no static node: a multi-node job makes it grow from zero through Slurm's power
 * saving, runs, and the group shrinks back to zero instances after the cluster's idle time.
 */
class ElasticGroupIT extends SlurmScenario {
  @Test
  void aJobGrowsTheGroupFromZeroFallingBackAcrossTypesAndItShrinksBackAfterTheIdleTime()
      throws Exception {
    String c = h.createCluster("elastic", 5);
    String g =
        h.pcs
            .createComputeNodeGroup(
                r ->
                    r.clusterIdentifier(c)
                        .computeNodeGroupName("burst")
                        .subnetIds("subnet-0123456789abcdef0")
                        .customLaunchTemplate(t -> t.id(SlurmHarness.TEMPLATE).version("1"))
                        .iamInstanceProfileArn(
                            "arn:aws:iam::123456789012:instance-profile/AWSPCS-e2e")
                        .scalingConfiguration(s -> s.minInstanceCount(0).maxInstanceCount(4))
                        .instanceConfigs(
                            i -> i.instanceType("c5.large"), i -> i.instanceType("c6i.large")))
            .computeNodeGroup()
            .id();
    h.createQueue(c, "work", g);
    assertThat(h.slurm(c, "sinfo", "-h", "-N", "-o", "%N %t"))
        .isEqualTo("burst-1 idle~\nburst-2 idle~\nburst-3 idle~\nburst-4 idle~");
    assertThat(h.slurmdCount()).as("no instance before any job").isZero();

    // The preferred type has no capacity for the next launch: the group must fall back.
    h.server.provider().failNextLaunches(1, "INSUFFICIENT_CAPACITY");
    Path out = h.dataDir.resolve("burst.out");
    long job =
        h.sbatch(
            c,
            "-p",
            "work",
            "-N4",
            "-o",
            out.toString(),
            "--wrap",
            "srun bash -c 'echo on $SLURMD_NODENAME'");
    h.awaitJob(c, job, "COMPLETED", Duration.ofSeconds(120));
    assertThat(Files.readAllLines(out))
        .containsExactlyInAnyOrder("on burst-1", "on burst-2", "on burst-3", "on burst-4");

    // When all four were first seen powered down (taken after sinfo answered: no earlier).
    AtomicReference<LocalDateTime> allPoweredDown = new AtomicReference<>();
    SlurmHarness.await(
        Duration.ofSeconds(120),
        () -> {
          if (h.slurm(c, "sinfo", "-h", "-N", "-o", "%N %t")
              .equals("burst-1 idle~\nburst-2 idle~\nburst-3 idle~\nburst-4 idle~")) {
            allPoweredDown.compareAndSet(null, LocalDateTime.now());
            return h.slurmdCount() == 0;
          }
          return false;
        },
        () ->
            "scale-down to zero: "
                + h.run(c, "sinfo", "-N", "-o", "%N %T %E").output()
                + "; slurmd running: "
                + h.slurmdCount());

    // The control plane asked for the release of every node once the idle time was up (D34):
    // slurmctld logs "powering down node" only for such a request, not for its own power-save
    // pass, which is only the backstop 10 s later (D44; with the two at the same time, the pass
    // our request woke suspended the nodes whose last-busy second was later by itself).
    assertThat(h.slurm(c, "scontrol", "show", "config")).containsPattern("SuspendTime\\s+= 15 sec");
    String jobInfo = h.slurm(c, "scontrol", "show", "job", Long.toString(job));
    LocalDateTime end = LocalDateTime.parse(jobInfo.replaceAll("(?s).*\\bEndTime=(\\S+).*", "$1"));
    Pattern asked = Pattern.compile("^\\[([^\\]]+)\\] powering down node (burst-\\d+)$");
    Map<String, LocalDateTime> poweredDown = new TreeMap<>();
    for (String line :
        Files.readAllLines(h.dataDir.resolve("clusters").resolve(c).resolve("log/slurmctld.log"))) {
      Matcher m = asked.matcher(line);
      if (m.matches()) {
        poweredDown.putIfAbsent(m.group(2), LocalDateTime.parse(m.group(1)));
      }
    }
    assertThat(poweredDown).containsOnlyKeys("burst-1", "burst-2", "burst-3", "burst-4");
    assertThat(poweredDown.values())
        .as("never before the cluster's idle time (5 s) after the job's end at %s", end)
        .allSatisfy(t -> assertThat(t).isAfterOrEqualTo(end.plusSeconds(5)));
    // Their power-down ended when their instances were gone (D35), not after SuspendTimeout (5 s
    // locally), which slurmctld counts from its suspend, itself no earlier than the first request
    // was logged. Without D35 this took 11.3 s; with it, about 1 s.
    LocalDateTime firstAsked = poweredDown.values().stream().min(LocalDateTime::compareTo).get();
    assertThat(allPoweredDown.get())
        .as("all powered down before SuspendTimeout after the first request at %s", firstAsked)
        .isBefore(firstAsked.plusSeconds(5));

    List<String> steps =
        Files.readAllLines(h.dataDir.resolve("logs").resolve(c).resolve("scaling.log")).stream()
            .map(
                l ->
                    l.replaceAll(
                        ".*\"node_name\":\"([^\"]*)\".*\"instance_type\":\"([^\"]*)\",\"state\":\"([^\"]*)\",\"reason\":\"([^\"]*)\".*",
                        "$3 $4 $2"))
            .toList();
    // The four launches run in parallel: the one that hit the failure falls back to c6i.large,
    // launches already under way on c5.large keep it, and later ones skip the cooling type.
    assertThat(steps.stream().filter(s -> s.equals("LAUNCH_FAILED INSUFFICIENT_CAPACITY c5.large")))
        .hasSize(1);
    assertThat(steps.stream().filter(s -> s.startsWith("LAUNCHED SCHEDULER_REQUESTED ")))
        .hasSize(4)
        .contains("LAUNCHED SCHEDULER_REQUESTED c6i.large");
    assertThat(steps.stream().filter(s -> s.startsWith("REGISTERED REGISTER_SUCCESS "))).hasSize(4);
    assertThat(steps.stream().filter(s -> s.startsWith("ACTIVE BOOTSTRAP_SUCCESS "))).hasSize(4);
    assertThat(steps.stream().filter(s -> s.startsWith("TERMINATED SCHEDULER_REQUESTED ")))
        .hasSize(4);
  }
}

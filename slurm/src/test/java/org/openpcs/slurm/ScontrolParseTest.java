package org.openpcs.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScontrolParseTest {
  @Test
  void anyTextBecomesAReasonScontrolAccepts() {
    String daemonOutput =
        "bootstrap failed: slurmd exited | error: \"bind\" failed\n#1 it's 'busy' \\ "
            + "x".repeat(600);
    String r = Scontrol.reason(daemonOutput);
    assertThat(r).startsWith("openpcs: bootstrap failed: slurmd exited error: bind failed 1 it s");
    assertThat(r.length()).isLessThanOrEqualTo(408);
    assertThat(Scontrol.updateArgs("n1", "DOWN", r)).contains("Reason=" + r);
    assertThat(Scontrol.reason("openpcs: already prefixed")).isEqualTo("openpcs: already prefixed");
  }

  @Test
  void readsSinfoJsonOf2205() {
    String json =
        """
        {"meta":{"Slurm":{"release":"22.05.8"}},"errors":[],"nodes":[
          {"name":"a1","state":"idle","state_flags":[],"reason":""},
          {"name":"a2","state":"idle","state_flags":["DRAIN"],"reason":"openpcs: test"},
          {"name":"c1","state":"idle","state_flags":["CLOUD","POWERED_DOWN"],"reason":""},
          {"name":"a1","state":"idle","state_flags":[],"reason":""}]}
        """;

    List<NodeStatus> nodes = Scontrol.parseNodes(json);

    assertThat(nodes)
        .containsExactly(
            new NodeStatus("a1", "IDLE", java.util.Set.of(), ""),
            new NodeStatus("a2", "IDLE", java.util.Set.of("DRAIN"), "openpcs: test"),
            new NodeStatus("c1", "IDLE", java.util.Set.of("CLOUD", "POWERED_DOWN"), ""));
    assertThat(nodes.get(2).has("POWERED_DOWN")).isTrue();
  }

  @Test
  void readsWhenANodeWasLastBusyInBothShapes() {
    String json =
        """
        {"errors":[],"nodes":[
          {"name":"a1","state":"idle","state_flags":["CLOUD"],"last_busy":1795923783},
          {"name":"a2","state":"idle","state_flags":["CLOUD","POWERED_DOWN"],"last_busy":0},
          {"name":"a3","state":["IDLE"],"last_busy":{"set":true,"infinite":false,"number":1795923790}},
          {"name":"a4","state":"idle"}]}
        """;

    assertThat(Scontrol.parseNodes(json))
        .extracting(NodeStatus::lastBusy)
        .containsExactly(
            java.time.Instant.ofEpochSecond(1795923783),
            null,
            java.time.Instant.ofEpochSecond(1795923790),
            null);
  }

  @Test
  void readsWhenTheSlurmdThatLastRegisteredStarted() {
    // what 22.05 showed for a node whose registration it refused (D54): still powering up
    String json =
        """
        {"errors":[],"nodes":[
          {"name":"n1","state":"allocated","state_flags":["CLOUD","NOT_RESPONDING","POWERING_UP"],
           "slurmd_start_time":1795924435},
          {"name":"n2","state":"idle","state_flags":["CLOUD","POWERED_DOWN"],"slurmd_start_time":0},
          {"name":"n3","state":"idle"}]}
        """;

    assertThat(Scontrol.parseNodes(json))
        .extracting(NodeStatus::slurmdStart)
        .containsExactly(java.time.Instant.ofEpochSecond(1795924435), null, null);
  }

  @Test
  void readsTheLaterArrayShapeToo() {
    String json =
        """
        {"errors":[],"nodes":[{"name":"a1","state":["DOWN","DRAIN","NOT_RESPONDING"],"reason":"x"}]}
        """;

    assertThat(Scontrol.parseNodes(json))
        .containsExactly(
            new NodeStatus("a1", "DOWN", java.util.Set.of("DRAIN", "NOT_RESPONDING"), "x"));
  }

  @Test
  void readsSqueueJson() {
    String json =
        """
        {"errors":[],"jobs":[
          {"job_id":4,"name":"wrap","partition":"q1","job_state":"PENDING","nodes":"","state_reason":"Resources"},
          {"job_id":{"set":true,"number":5},"name":"w","partition":"q1","job_state":["RUNNING"],"nodes":"a[1,3]","state_reason":"None"}]}
        """;

    assertThat(Scontrol.parseJobs(json))
        .containsExactly(
            new JobStatus(4, "wrap", "q1", "PENDING", "", "Resources"),
            new JobStatus(5, "w", "q1", "RUNNING", "a[1,3]", "None"));
  }

  @Test
  void slurmErrorsAndGarbageAreErrors() {
    assertThatThrownBy(() -> Scontrol.parseJobs("{\"errors\":[{\"error\":\"boom\"}],\"jobs\":[]}"))
        .isInstanceOf(SlurmException.class);
    assertThatThrownBy(() -> Scontrol.parseJobs("not json")).isInstanceOf(SlurmException.class);
  }

  @Test
  void updateArgumentsAreValidated() {
    assertThat(Scontrol.updateArgs("compute-[1-2]", "drain", "openpcs: launch failed (ICE)"))
        .containsExactly(
            "update",
            "NodeName=compute-[1-2]",
            "State=DRAIN",
            "Reason=openpcs: launch failed (ICE)");
    assertThat(Scontrol.updateArgs("compute-1", "RESUME", null))
        .containsExactly("update", "NodeName=compute-1", "State=RESUME");
    assertThatThrownBy(() -> Scontrol.updateArgs("compute-1", "DRAIN", null))
        .hasMessageContaining("needs a reason");
    assertThatThrownBy(() -> Scontrol.updateArgs("compute-1", "DRAIN", "no prefix"))
        .hasMessageContaining("openpcs:");
    assertThatThrownBy(() -> Scontrol.updateArgs("compute-1", "DRAIN", "openpcs: \"quoted\""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Scontrol.updateArgs("compute-1", "DRAIN", "openpcs: a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Scontrol.updateArgs("compute-1", "DRAIN", "openpcs: it's"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Scontrol.updateArgs("compute-1 State=DOWN", "RESUME", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Scontrol.updateArgs("-h", "RESUME", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Scontrol.updateArgs("compute-1", "REBOOT_NOW", null))
        .hasMessageContaining("unsupported");
  }

  @Test
  void reservationArgumentsAreValidated() {
    assertThat(Scontrol.reservationArgs("openpcs-hold-7", "g-[1-2]", 2, "root"))
        .containsExactly(
            "create",
            "reservation",
            "ReservationName=openpcs-hold-7",
            "Nodes=g-[1-2]",
            "StartTime=now",
            "Duration=2",
            "Users=root",
            "Flags=IGNORE_JOBS,OVERLAP");
    assertThatThrownBy(() -> Scontrol.reservationArgs("hold 7", "g-1", 2, "root"))
        .hasMessageContaining("reservation name");
    assertThatThrownBy(() -> Scontrol.reservationArgs("hold", "g-1 Flags=MAINT", 2, "root"))
        .hasMessageContaining("node expression");
    assertThatThrownBy(() -> Scontrol.reservationArgs("hold", "g-1", 0, "root"))
        .hasMessageContaining("at least a minute");
    assertThatThrownBy(() -> Scontrol.reservationArgs("hold", "g-1", 2, "root,alice"))
        .hasMessageContaining("user");
  }

  @Test
  void reservationNamesAreReadFromScontrolsOneLineOutput() {
    // 22.05's output, shortened
    String out =
        "ReservationName=openpcs-hold-7 StartTime=2026-11-30T06:34:12 EndTime=2026-11-30T06:36:12"
            + " Duration=00:02:00 Nodes=n1 NodeCnt=1 Flags=OVERLAP,IGNORE_JOBS,SPEC_NODES"
            + " Users=root State=ACTIVE\n"
            + "ReservationName=maint StartTime=2026-12-01T00:00:00 Nodes=n[1-2] State=INACTIVE\n";
    assertThat(Scontrol.parseReservationNames(out)).containsExactly("openpcs-hold-7", "maint");
    assertThat(Scontrol.parseReservationNames("No reservations in the system\n")).isEmpty();
  }

  @Test
  void partitionNodesAreReadFromScontrolsOneLineOutput() {
    String out =
        "PartitionName=work AllowGroups=ALL Default=NO Nodes=rpi1-g-[1-3],x-2 PriorityTier=1"
            + " State=UP TotalCPUs=6\n"
            + "PartitionName=empty AllowGroups=ALL Nodes=(null) State=UP\n"
            + "PartitionName=none State=DRAIN\n";
    var parts = Scontrol.parsePartitionNodes(out);
    assertThat(parts.keySet()).containsExactly("work", "empty", "none");
    assertThat(parts.get("work")).containsExactly("rpi1-g-1", "rpi1-g-2", "rpi1-g-3", "x-2");
    assertThat(parts.get("empty")).isEmpty();
    assertThat(parts.get("none")).isEmpty();
  }
}

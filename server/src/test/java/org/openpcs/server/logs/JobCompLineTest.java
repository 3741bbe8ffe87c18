package org.openpcs.server.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpcs.domain.NodeInstance;

class JobCompLineTest {
  /** A line as 22.05's jobcomp/filetxt writes it (slurm-lab §8). */
  static final String LINE =
      "JobId=15 UserId=root(0) GroupId=root(0) Name=comp filetxt JobState=COMPLETED"
          + " Partition=work TimeLimit=UNLIMITED StartTime=2026-11-28T05:54:38"
          + " EndTime=2026-11-28T05:54:39 NodeList=burst-[1-2] NodeCnt=2 ProcCnt=2 WorkDir=/tmp"
          + " ReservationName= Tres=cpu=2,mem=1000M,node=2,billing=2 Account=root QOS=normal"
          + " WcKey= Cluster=pcs_abc SubmitTime=2026-11-28T05:54:20"
          + " EligibleTime=2026-11-28T05:54:20 DerivedExitCode=0:0 ExitCode=0:0";

  @Test
  void everyFieldIsReadEvenAJobNameWithABlankAndEmptyValues() {
    JobCompLine job = JobCompLine.parse(LINE).orElseThrow();

    assertThat(job.fields())
        .containsEntry("JobId", "15")
        .containsEntry("UserId", "root(0)")
        .containsEntry("Name", "comp filetxt")
        .containsEntry("JobState", "COMPLETED")
        .containsEntry("Partition", "work")
        .containsEntry("NodeList", "burst-[1-2]")
        .containsEntry("ReservationName", "")
        .containsEntry("Tres", "cpu=2,mem=1000M,node=2,billing=2")
        .containsEntry("ExitCode", "0:0");
    assertThat(job.time("StartTime", ZoneOffset.UTC))
        .contains(Instant.parse("2026-11-28T05:54:38Z"));
    assertThat(job.nodeList()).isEqualTo("burst-[1-2]");
  }

  @Test
  void linesThatAreNotRecordsAreRefused() {
    assertThat(JobCompLine.parse("")).isEmpty();
    assertThat(JobCompLine.parse("garbage JobId=1")).isEmpty();
    assertThat(JobCompLine.parse("UserId=root(0)")).isEmpty();
  }

  @Test
  void aJobThatNeverRanHasNoNodesAndNoStart() {
    JobCompLine job =
        JobCompLine.parse("JobId=3 JobState=CANCELLED StartTime=Unknown NodeList=(null)")
            .orElseThrow();

    assertThat(job.nodeList()).isEmpty();
    assertThat(job.time("StartTime", ZoneOffset.UTC)).isEmpty();
  }

  @Test
  void eachNodeGetsTheInstanceThatServedItWhenTheJobStarted() throws Exception {
    Instant start = Instant.parse("2026-11-28T05:54:38Z");
    List<NodeInstance> rows =
        List.of(
            // An earlier instance of burst-1, long gone.
            instance("b0", "burst-1", "i-old", "c5.large", start.minusSeconds(3600)),
            // A launch that failed: no instance id, never served.
            instance("b1", "burst-1", null, "c5.large", start.minusSeconds(30)),
            instance("b2", "burst-1", "i-1", "c6i.large", start.minusSeconds(20)),
            instance("b3", "burst-2", "i-2", "c6i.large", start.minusSeconds(20)),
            // burst-2's next instance, launched after the job: not this job's.
            instance("b4", "burst-2", "i-later", "c7i.large", start.plusSeconds(60)));
    JobCompLine job = JobCompLine.parse(LINE).orElseThrow();

    JsonNode record =
        new ObjectMapper()
            .readTree(
                SourceRecords.jobcomp("pcs_abc", "22.05", job, ZoneOffset.UTC, start, rows).json());

    assertThat(record.get("event_timestamp").asText()).isEqualTo("2026-11-28T05:54:39Z");
    assertThat(record.at("/fields/JobId").asText()).isEqualTo("15");
    assertThat(record.get("nodes").toString())
        .isEqualTo(
            "[{\"node_name\":\"burst-1\",\"instance_id\":\"i-1\",\"instance_type\":\"c6i.large\","
                + "\"compute_node_group_id\":\"g\"},"
                + "{\"node_name\":\"burst-2\",\"instance_id\":\"i-2\",\"instance_type\":\"c6i.large\","
                + "\"compute_node_group_id\":\"g\"}]");
  }

  private static NodeInstance instance(
      String bootstrap, String node, String id, String type, Instant created) {
    return new NodeInstance(
        bootstrap,
        "pcs_abc",
        "g",
        node,
        id,
        type,
        "token-" + bootstrap,
        "TERMINATED",
        null,
        created,
        created,
        created,
        1);
  }
}
